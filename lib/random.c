/*
 * random.c - secret random bytes from the kernel's generator.
 */
#include "random.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/random.h>
#include <unistd.h>

/* n bytes from /dev/urandom: the same generator, through a file. */
static bool from_urandom(uint8_t *p, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return false;
	while (n > 0) {
		got = read(fd, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO;
			close(fd);
			return false;
		}
		p += got;
		n -= (size_t)got;
	}
	close(fd);
	return true;
}

bool random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t got;

	/* getrandom() with no flags: the kernel's generator, once it has
	 * been seeded at boot (until then it waits, which is what a secret
	 * key wants).  A call may return fewer bytes than asked, or be
	 * interrupted by a signal: ask again for the rest. */
	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == ENOSYS)	/* a kernel before 3.17 */
			return from_urandom(p, n);
		if (got < 0)
			return false;
		p += got;
		n -= (size_t)got;
	}
	return true;
}
