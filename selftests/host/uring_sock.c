// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * io_uring layer on stream sockets: seeded random bytes are copied into
 * ring A's blocks, sent from them (SEND, or SEND_ZC where the kernel and
 * the socket have it), received into ring B's blocks (RECV, resumed on
 * short receives) and copied out, up to 4 sends and 4 receives in flight
 * on the socket; the bytes out equal the bytes in, in order. Over
 * a TCP loopback pair and an AF_UNIX socketpair (no SEND_ZC there: each
 * request falls back to SEND), registered and not.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "uring_test.h"

#define BYTES	(6 << 20)

FIXTURE(stream) {
	struct well a, b;
	void *mem_a, *mem_b;
	unsigned char *src, *dst;
	int fd[2];
};

FIXTURE_VARIANT(stream) {
	int tcp;
	int reg;
	unsigned int flags;
	size_t blk_a, blk_b;
};

FIXTURE_VARIANT_ADD(stream, tcp_fixed) {
	.tcp = 1, .reg = 1, .blk_a = 4096, .blk_b = 4096,
};

FIXTURE_VARIANT_ADD(stream, tcp_unregistered) {
	.tcp = 1, .reg = 0, .flags = WELL_URING_NO_ZC,
	.blk_a = 2048, .blk_b = 4096,
};

FIXTURE_VARIANT_ADD(stream, socketpair_fixed) {
	.tcp = 0, .reg = 1, .blk_a = 1024, .blk_b = 4096,
};

FIXTURE_VARIANT_ADD(stream, socketpair_unregistered) {
	.tcp = 0, .reg = 0, .blk_a = 4096, .blk_b = 4096,
};

static int tcp_pair(int fd[2])
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(l, 1) || getsockname(l, (struct sockaddr *)&sa, &len))
		return -errno;
	fd[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fd[0] < 0 || connect(fd[0], (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	fd[1] = accept(l, NULL, NULL);
	close(l);
	if (fd[1] < 0)
		return -errno;
	/* Small sends: no Nagle holding them back for the peer's ACK. */
	return setsockopt(fd[0], IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
			  sizeof(int)) ? -errno : 0;
}

FIXTURE_SETUP(stream)
{
	self->fd[0] = self->fd[1] = -1;
	ASSERT_EQ(0, well_params(variant->blk_a, 32, &self->a));
	ASSERT_EQ(0, well_params(variant->blk_b, 16, &self->b));
	self->mem_a = aligned_alloc(4096, well_size(&self->a));
	self->mem_b = aligned_alloc(4096, well_size(&self->b));
	ASSERT_NE(NULL, self->mem_a);
	ASSERT_NE(NULL, self->mem_b);
	ASSERT_EQ(0, well_init(&self->a, self->mem_a));
	ASSERT_EQ(0, well_init(&self->b, self->mem_b));
	self->src = malloc(BYTES);
	self->dst = calloc(1, BYTES);
	ASSERT_NE(NULL, self->src);
	ASSERT_NE(NULL, self->dst);
	ut_fill(self->src, BYTES, 0x5eed0002 + variant->tcp);
	if (variant->tcp) {
		ASSERT_EQ(0, tcp_pair(self->fd));
	} else {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->fd));
	}
}

FIXTURE_TEARDOWN(stream)
{
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
	free(self->src);
	free(self->dst);
	free(self->mem_a);
	free(self->mem_b);
}

TEST_F(stream, through_ring_blocks)
{
	struct ut_stream st = {
		.a = &self->a, .b = &self->b,
		.tx_fd = self->fd[0], .rx_fd = self->fd[1],
		.src = self->src, .dst = self->dst, .bytes = BYTES,
		.reg = variant->reg, .flags = variant->flags, .seed = 7,
	};
	size_t i;
	int ret;

	ret = ut_stream(&st);
	if (ut_no_uring(ret))
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, atomic_load(&st.err.err)) {
		TH_LOG("request at pos %zu: %s", atomic_load(&st.err.where),
		       strerror(-atomic_load(&st.err.err)));
	}
	for (i = 0; i < BYTES; i++)
		if (self->src[i] != self->dst[i])
			break;
	EXPECT_EQ(BYTES, i);
	EXPECT_EQ(32, well_peek(&self->a.tx));
	EXPECT_EQ(16, well_peek(&self->b.tx));
	EXPECT_EQ(0, (variant->flags & WELL_URING_NO_ZC) && st.zc);
	TH_LOG("SEND_ZC %s", st.zc ? "used where the socket has it" :
	       "not used (WELL_URING_NO_ZC or not in this kernel)");
}

TEST_HARNESS_MAIN
