# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make bench: benchmarks against the peers (never part of make check).
# Each benchmark adds a bench-<name> prerequisite to bench.
#   bench-ring     well vs DPDK rte_ring vs ck_ring: prints the table and
#                  writes it to $(OUT)/bench/ring.rst
#   bench-icount   instructions per item of each ring, under valgrind
# BENCH_FLAGS is passed to ring_bench, e.g. make bench BENCH_FLAGS="-r 9".
# The default takes runs of about 2 ms with up to 50 attempts each: on a
# small VM a 0.2 s run is almost never free of context switches
# (Documentation/well/bench.rst, Method).

BENCH_OUT	:= $(OUT)/bench
BENCH_DEPS	:= $(OUT)/.deps-bench
BENCH_FLAGS	?= -t 0.002 -a 50
RING_BENCH	:= $(BENCH_OUT)/ring_bench
RING_BENCH_SRCS	:= bench/ring_bench.c bench/ring_harness.c bench/ring_well.c \
		   bench/ring_dpdk.c bench/ring_ck.c
RING_BENCH_OBJS	:= $(RING_BENCH_SRCS:%.c=$(BENCH_OUT)/obj/%.o)
BENCH_CFLAGS	:= $(BASE_CFLAGS) $(WARN) -Ibench -MMD -MP
# DPDK's flags, evaluated only when ring_dpdk.c is compiled. Its -march is
# dropped so every peer is compiled for the same CPU.
DPDK_CFLAGS	= $(filter-out -march=%,$(shell pkg-config --cflags libdpdk))

.PHONY: bench-ring bench-icount
bench: bench-ring

$(BENCH_DEPS): scripts/deps.txt scripts/install-deps.sh
	@mkdir -p $(@D)
	scripts/install-deps.sh build bench
	@touch $@

$(BENCH_OUT)/obj/%.o: %.c | $(BENCH_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_OUT)/obj/bench/ring_dpdk.o: bench/ring_dpdk.c | $(BENCH_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(DPDK_CFLAGS) -c $< -o $@

$(RING_BENCH): $(RING_BENCH_OBJS) $(LIB_A)
	$(CC) -pthread -o $@ $(RING_BENCH_OBJS) $(LIB_A) -lrte_ring -lck

bench-ring: $(RING_BENCH)
	$(RING_BENCH) $(BENCH_FLAGS) -o $(BENCH_OUT)/ring.rst
	@echo "bench: table written to $(BENCH_OUT)/ring.rst"

bench-icount: $(RING_BENCH)
	bench/ring_icount.sh $(RING_BENCH)

-include $(RING_BENCH_OBJS:%.o=%.d)
