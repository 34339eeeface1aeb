/*
 * dev.h - open a TUN or TAP device.
 *
 * Linux has one clone device, /dev/net/tun, for both kinds (there is no
 * /dev/net/tap).  Opening it gives a file descriptor with no device yet; the
 * TUNSETIFF ioctl then creates the interface, or attaches to an existing one
 * of that name, and the flags choose the kind:
 *
 *   IFF_TUN    layer 3: each read() is one IP packet
 *   IFF_TAP    layer 2: each read() is one Ethernet frame
 *   IFF_NO_PI  no 4-byte "packet information" header (flags, protocol) in
 *              front of every packet.  Forget it and every packet you read
 *              seems to start 4 bytes late.
 *
 * A device this process creates disappears when the process exits.  One made
 * beforehand with `ip tuntap add dev tun0 mode tun user alice` persists, and
 * alice can attach to it without any privilege.
 */
#ifndef TUNLAB_DEV_H
#define TUNLAB_DEV_H

#include <stddef.h>

enum dev_type { DEV_TUN, DEV_TAP };

/* Open or attach to the device called name.  Returns a non-blocking file
 * descriptor, or -1 with a message in err that says what to do. */
int dev_open(const char *name, enum dev_type type, char *err, size_t errlen);

/* Lesson 07: open or attach to the TAP device called name with
 * IFF_VNET_HDR, so that every frame read or written carries a virtio-net
 * header (lib/vnet.h) in front, and ask for the offloads in want
 * (VNET_OFF_*).  *got says which ones the kernel took: maybe fewer, maybe
 * none.  Returns the descriptor, or -1 with a message in err. */
int dev_open_vnet(const char *name, unsigned want, unsigned *got, char *err,
		  size_t errlen);

/* The device's MTU, or -1 if it can't be read. */
int dev_mtu(const char *name);

/* If the device is up but the kernel does not send into it yet (it has
 * just got its carrier), wait until it does, at most max_ms. */
void dev_wait_running(const char *name, int max_ms);

#endif
