/*
 * dev.c - open a TUN or TAP device, with errors that say what to do.
 */
#include "dev.h"

#include "vnet.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *type_name(enum dev_type type)
{
	return type == DEV_TUN ? "TUN" : "TAP";
}

/* What kind of device already has this name?  The tun driver publishes its
 * flags in sysfs; any other interface (a veth, eth0) has no such file. */
static const char *existing_kind(const char *name)
{
	char path[64 + IFNAMSIZ];
	unsigned flags;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	f = fopen(path, "r");
	if (!f) {
		snprintf(path, sizeof(path), "/sys/class/net/%s", name);
		return access(path, F_OK) == 0 ? "not a TUN/TAP device" : NULL;
	}
	if (fscanf(f, "%x", &flags) != 1)
		flags = 0;
	fclose(f);
	return (flags & IFF_TAP) ? "TAP" : "TUN";
}

/* dev_open(), with more flags for TUNSETIFF (IFF_VNET_HDR). */
static int open_dev(const char *name, enum dev_type type, int more_flags,
		    char *err, size_t errlen)
{
	struct ifreq ifr;
	const char *kind;
	int fd, e;

	if (strlen(name) >= IFNAMSIZ) {
		snprintf(err, errlen, "device name '%s' is too long: at most %d "
			 "characters", name, IFNAMSIZ - 1);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			snprintf(err, errlen, "no /dev/net/tun (%s): load the tun "
				 "module with 'modprobe tun', or create the node: "
				 "'mkdir -p /dev/net && mknod /dev/net/tun c 10 200 && "
				 "chmod 0666 /dev/net/tun'. (There is no /dev/net/tap: "
				 "TAP devices use /dev/net/tun too.)", strerror(e));
		else if (e == EACCES || e == EPERM)
			snprintf(err, errlen, "cannot open /dev/net/tun (%s): run as "
				 "root (sudo), or ask root to 'chmod 0666 /dev/net/tun' "
				 "and pre-create a device you own: 'sudo ip tuntap add dev "
				 "%s mode %s user $USER'", strerror(e), name,
				 type == DEV_TUN ? "tun" : "tap");
		else
			snprintf(err, errlen, "cannot open /dev/net/tun: %s",
				 strerror(e));
		return -1;
	}

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)((type == DEV_TUN ? IFF_TUN : IFF_TAP) | IFF_NO_PI |
				more_flags);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		kind = existing_kind(name);
		if (e == EPERM)
			snprintf(err, errlen, "not allowed to %s %s (%s): creating a "
				 "device needs root or CAP_NET_ADMIN; without them, "
				 "pre-create one you own: 'sudo ip tuntap add dev %s "
				 "mode %s user $USER'", kind ? "attach to" : "create",
				 name, strerror(e), name, type == DEV_TUN ? "tun" : "tap");
		else if (e == EBUSY)
			snprintf(err, errlen, "%s is busy: another program has it open "
				 "(find it with 'fuser -v /dev/net/tun'), stop it first",
				 name);
		else if (e == EINVAL && kind)
			snprintf(err, errlen, "%s exists but is %s%s, and this program "
				 "needs a %s device: use another name (--dev), or delete "
				 "it with 'ip link del %s'", name,
				 strcmp(kind, "TUN") && strcmp(kind, "TAP") ? "" : "a ",
				 kind, type_name(type), name);
		else
			snprintf(err, errlen, "TUNSETIFF on %s: %s", name, strerror(e));
		close(fd);
		return -1;
	}

	/* The loop drains every packet that is waiting after each poll(); a
	 * non-blocking descriptor lets read() say "no more" instead of
	 * sleeping. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "fcntl O_NONBLOCK: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int dev_open(const char *name, enum dev_type type, char *err, size_t errlen)
{
	int fd = open_dev(name, type, 0, err, errlen);

	/* A device made beforehand (ip tuntap add) keeps the offloads the
	 * last program on it asked for (lesson 07).  Without a virtio-net
	 * header nothing would say which checksums the kernel left partial,
	 * and we would drop them all as bad: none, then. */
	if (fd >= 0)
		ioctl(fd, TUNSETOFFLOAD, 0ul);
	return fd;
}

#ifndef TUN_F_USO4		/* (headers older than Linux 6.2) */
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif
#ifndef TUNSETVNETLE		/* (older headers) */
#define TUNSETVNETLE _IOW('T', 220, int)
#endif

/* The kernel's TUN_F_* for our VNET_OFF_*. */
static unsigned tun_features(unsigned off)
{
	return ((off & VNET_OFF_CSUM) ? TUN_F_CSUM : 0) |
	       ((off & VNET_OFF_TSO4) ? TUN_F_TSO4 : 0) |
	       /* (the kernel takes USO for both IP versions or neither;
		* our stack drops IPv6 frames as it always has) */
	       ((off & VNET_OFF_USO4) ? TUN_F_USO4 | TUN_F_USO6 : 0);
}

/* What to ask for when the kernel refused want: the newest offload
 * first (USO4 is Linux 6.2's), then TSO4, then none. */
static unsigned less(unsigned want)
{
	if (want & VNET_OFF_USO4)
		return want & ~VNET_OFF_USO4;
	if (want & VNET_OFF_TSO4)
		return want & ~VNET_OFF_TSO4;
	return 0;
}

int dev_open_vnet(const char *name, unsigned want, unsigned *got, char *err,
		  size_t errlen)
{
	int fd = open_dev(name, DEV_TAP, IFF_VNET_HDR, err, errlen);
	int hdr_len = VNET_HDR_LEN, le = 1;

	*got = 0;
	if (fd < 0)
		return -1;
	/* The header's size (10 is also the default) and its byte order:
	 * little-endian, as virtio 1.0 says, whatever the host's. */
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0 || ioctl(fd, TUNSETVNETLE, &le) < 0) {
		snprintf(err, errlen, "%s: the virtio-net header: %s (use --no-offload)",
			 name, strerror(errno));
		close(fd);
		return -1;
	}
	/* TSO and USO need partial checksums (the kernel refuses them
	 * alone); a kernel that refuses one gets asked for less: every
	 * offload is optional, and with none the header is all zero. */
	if (!(want & VNET_OFF_CSUM))
		want = 0;
	while (want && ioctl(fd, TUNSETOFFLOAD, (unsigned long)tun_features(want)) < 0)
		want = less(want);
	if (!want)
		ioctl(fd, TUNSETOFFLOAD, 0ul);
	*got = want;
	return fd;
}

/* One ioctl about the interface called name, on a socket of its own. */
static int if_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int s, rc;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	rc = ioctl(s, req, ifr);
	close(s);
	return rc;
}

int dev_mtu(const char *name)
{
	struct ifreq ifr;

	return if_ioctl(name, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : -1;
}

/* A device that is up when a program attaches gets its carrier then, and
 * the kernel starts sending into it only once its link watcher has seen
 * that: up to a second later when other links changed just before.
 * Until then what the kernel sends into the device (an ARP reply to our
 * first request) is dropped.  The kernel says it is done by setting
 * IFF_RUNNING.  A device that is down is not waited for: setting it up
 * later, with the program attached, starts it at once. */
void dev_wait_running(const char *name, int max_ms)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };	/* 2 ms */
	struct ifreq ifr;
	int waited;

	for (waited = 0; waited < max_ms; waited += 2) {
		if (if_ioctl(name, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP))
			return;
		if (ifr.ifr_flags & IFF_RUNNING) {
			/* (the watcher marks it running just before it
			 * starts the queue: one more pause covers that) */
			if (waited)
				nanosleep(&pause, NULL);
			return;
		}
		nanosleep(&pause, NULL);
	}
}
