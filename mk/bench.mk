# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make bench: every benchmark against its peers (never part of make
# check), after make deps-bench. Documentation/*/bench.rst has the method.
#   bench-ring         well vs DPDK rte_ring vs ck_ring; the table also
#                      goes to $(OUT)/bench/ring.rst. BENCH_FLAGS is passed
#                      to ring_bench (default: runs of about 2 ms with up
#                      to 50 attempts each: on a small VM a 0.2 s run is
#                      almost never free of context switches)
#   bench-icount       instructions per item of each ring, under valgrind
#   bench-ffma         ffma vs glibc, mimalloc, jemalloc, tcmalloc
#   bench-ffma-kernel  ffma_pcpu vs kmem_cache in the VM
#   bench-kmod         /dev/well's mapped ring vs its read() path, in the
#                      VM: KMOD_BENCH_ROUNDS (5), KMOD_BENCH_BLOCKS
#                      (300000), KMOD_BENCH_OPTS (-e: header-only blocks)

.PHONY: bench bench-steps bench-ring bench-icount bench-ffma \
	bench-ffma-kernel bench-kmod

bench: deps-bench
	@$(MAKE) --no-print-directory bench-steps
bench-steps: bench-ring bench-ffma bench-ffma-kernel bench-kmod

BENCH_OUT	:= $(OUT)/bench
BENCH_FLAGS	?= -t 0.002 -a 50
BENCH_CFLAGS	:= $(BASE_CFLAGS) $(WARN) -MMD -MP

RING_BENCH	:= $(BENCH_OUT)/ring_bench
RING_BENCH_SRCS	:= $(addprefix bench/ring/,bench.c harness.c well.c dpdk.c ck.c)
RING_BENCH_OBJS	:= $(RING_BENCH_SRCS:%.c=$(BENCH_OUT)/obj/%.o)
# DPDK's flags, evaluated only when bench/ring/dpdk.c is compiled. Its -march is
# dropped so every peer is compiled for the same CPU.
DPDK_CFLAGS	= $(filter-out -march=%,$(shell pkg-config --cflags libdpdk))

$(BENCH_OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -c $< -o $@
$(BENCH_OUT)/obj/bench/ring/dpdk.o: bench/ring/dpdk.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(DPDK_CFLAGS) -c $< -o $@
$(RING_BENCH): $(RING_BENCH_OBJS) $(LIB_A)
	$(CC) -pthread -o $@ $(RING_BENCH_OBJS) $(LIB_A) -lrte_ring -lck
-include $(RING_BENCH_OBJS:%.o=%.d)

# Every bench prints records (rec CASE ROUND PEER VALUE, note TEXT);
# bench/table.awk, the one formatter, makes the table. Raw records are
# kept beside each table in $(BENCH_OUT)/*.raw.
TABLE		:= awk -f bench/table.awk

bench-ring: $(RING_BENCH)
	$(RING_BENCH) $(BENCH_FLAGS) > $(BENCH_OUT)/ring.raw
	$(TABLE) -v subject=well -v scale=1e-6 $(BENCH_OUT)/ring.raw | \
		tee $(BENCH_OUT)/ring.rst
	@echo "bench: table written to $(BENCH_OUT)/ring.rst"

bench-icount: $(RING_BENCH)
	bench/ring/icount.sh $(RING_BENCH) > $(BENCH_OUT)/icount.raw
	$(TABLE) -v subject=well $(BENCH_OUT)/icount.raw | \
		tee $(BENCH_OUT)/icount.rst

# bench/ffma/bench.c is linked once per malloc (the peers replace malloc
# when linked); bench/ffma/run.sh runs them and prints the tables.
FFMA_PEERS	:= glibc mimalloc jemalloc tcmalloc
FFMA_LIBS_glibc	:=
FFMA_LIBS_mimalloc := -lmimalloc
FFMA_LIBS_jemalloc := -ljemalloc
FFMA_LIBS_tcmalloc := -ltcmalloc_minimal

$(BENCH_OUT)/ffma_bench-%: bench/ffma/bench.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) -o $@ $< $(LIB_A) $(FFMA_LIBS_$*)

bench-ffma: $(FFMA_PEERS:%=$(BENCH_OUT)/ffma_bench-%)
	bench/ffma/run.sh $(BENCH_OUT) | tee $(BENCH_OUT)/ffma.rst

bench-ffma-kernel:
	@$(MAKE) -s --no-print-directory vm-run \
		VM_CMD="insmod /lib/modules/ffma_test.ko; dmesg | grep timing"

KMOD_BENCH_ROUNDS	?= 5
KMOD_BENCH_BLOCKS	?= 300000
KMOD_BENCH_OPTS		?= -e

bench-kmod: $(OUT)/bin/well-consume
	@mkdir -p $(BENCH_OUT)
	@$(MAKE) -s --no-print-directory vm-run \
		VM_CMD="sh /bin/bench.sh $(KMOD_BENCH_ROUNDS) \
			$(KMOD_BENCH_BLOCKS) '$(KMOD_BENCH_OPTS)'" \
		VM_BINS="$(OUT)/bin/well-consume bench/kmod/bench.sh" \
		> $(BENCH_OUT)/kmod.raw; rc=$$?; \
	grep -v '^rec\|^note' $(BENCH_OUT)/kmod.raw; \
	$(TABLE) -v subject=mmap -v vfmt=%.0f -v rfmt=%.1f \
		$(BENCH_OUT)/kmod.raw | tee $(BENCH_OUT)/kmod.rst; exit $$rc
