// floor-server: the least work a server can do per request over TCP, for scripts/bench-resp.sh.
//
// One thread waits in epoll_wait, reads what each ready socket has, and writes one fixed RESP
// bulk reply per RESP array in it: no parsing, no lookup, no allocation. What this costs per
// GET is what the kernel costs one request that comes in one TCP message and is answered in
// another (the wait, the read, the write and its loopback delivery) on the machine at hand,
// which no server answering requests one message at a time goes below. It exists to measure
// that floor; it is not a server to use (a reply the socket does not take whole is dropped).
//
// Usage: floor-server PORT VALUE   (Linux; listens on 127.0.0.1:PORT)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static char in[1 << 16], out[1 << 18];

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: floor-server PORT VALUE\n");
		return 2;
	}
	static char reply[1 << 12];
	int replyLen = snprintf(reply, sizeof reply, "$%zu\r\n%s\r\n", strlen(argv[2]), argv[2]);
	if (replyLen >= (int)sizeof reply) {
		fprintf(stderr, "floor-server: value too long\n");
		return 2;
	}
	int one = 1;
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(ls, 128) != 0) {
		perror("floor-server: listen");
		return 1;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	struct epoll_event ready[128];
	for (;;) {
		int n = epoll_wait(ep, ready, 128, -1);
		for (int i = 0; i < n; i++) {
			int fd = ready[i].data.fd;
			if (fd == ls) {
				int c = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (c >= 0) {
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
				}
				continue;
			}
			ssize_t got = read(fd, in, sizeof in);
			if (got <= 0) {
				close(fd);
				continue;
			}
			// A request is a RESP array: one '*' each, as long as no argument holds one.
			size_t len = 0;
			for (ssize_t j = 0; j < got; j++) {
				if (in[j] == '*' && len + replyLen <= sizeof out) {
					memcpy(out + len, reply, replyLen);
					len += replyLen;
				}
			}
			if (len > 0 && write(fd, out, len) < 0) {
				close(fd);
			}
		}
	}
}
