# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make bench-ffma: ffma against glibc malloc, mimalloc, jemalloc and
# tcmalloc. bench/ffma_bench.c is linked once per malloc (the peers replace
# malloc when linked); bench/ffma_bench.sh runs them and prints the tables,
# also written to $(OUT)/bench/ffma.rst.
# make bench-ffma-kernel: ffma_pcpu against kmem_cache in the test VM.

FFMA_BENCH_OUT	:= $(OUT)/bench
FFMA_BENCH_DEPS	:= $(OUT)/.deps-bench-ffma
FFMA_PEERS	:= glibc mimalloc jemalloc tcmalloc
FFMA_LIBS_glibc	:=
FFMA_LIBS_mimalloc := -lmimalloc
FFMA_LIBS_jemalloc := -ljemalloc
FFMA_LIBS_tcmalloc := -ltcmalloc_minimal

.PHONY: bench-ffma
bench: bench-ffma

$(FFMA_BENCH_DEPS): scripts/deps.txt scripts/install-deps.sh
	@mkdir -p $(@D)
	scripts/install-deps.sh build bench
	@touch $@

$(FFMA_BENCH_OUT)/ffma_bench-%: bench/ffma_bench.c $(LIB_A) | $(FFMA_BENCH_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) -o $@ $< $(LIB_A) $(FFMA_LIBS_$*)

bench-ffma: $(FFMA_PEERS:%=$(FFMA_BENCH_OUT)/ffma_bench-%)
	bench/ffma_bench.sh $(FFMA_BENCH_OUT) | tee $(FFMA_BENCH_OUT)/ffma.rst

# ffma_pcpu against kmem_cache in the test VM: ffma_test.ko's timing line.
.PHONY: bench-ffma-kernel
bench: bench-ffma-kernel
bench-ffma-kernel:
	@$(MAKE) -s --no-print-directory vm-run \
		VM_CMD="insmod /lib/modules/ffma_test.ko; dmesg | grep timing"
