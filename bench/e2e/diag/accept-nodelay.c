/*
 * Diagnosis only (bench/e2e --kamailio-nodelay), never for production: an
 * LD_PRELOAD shim that sets TCP_NODELAY on every TCP socket a process
 * accepts. Kamailio 5.6's evapi module accepts the bridge's connection
 * without TCP_NODELAY, so each event it writes while an earlier one is
 * unacknowledged waits for the bridge's delayed ACK (Nagle), up to ~40 ms.
 * Running Kamailio with this shim shows what the SIP -> XMPP latency is
 * without that wait.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

static void nodelay(int fd) {
	if (fd >= 0) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on non-TCP fds */
	}
}

int accept(int s, struct sockaddr *a, socklen_t *l) {
	static int (*real)(int, struct sockaddr *, socklen_t *);
	if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
	int fd = real(s, a, l);
	nodelay(fd);
	return fd;
}

int accept4(int s, struct sockaddr *a, socklen_t *l, int flags) {
	static int (*real)(int, struct sockaddr *, socklen_t *, int);
	if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
	int fd = real(s, a, l, flags);
	nodelay(fd);
	return fd;
}
