# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make bench-kmod: /dev/well's mapped ring against its read() path, in the
# test VM (qemu TCG: absolute rates are far below real hardware, the ratios
# are what counts). One boot runs bench/kmod_bench.sh; its table is also
# written to $(OUT)/bench/kmod.rst. Documentation/well/kmod-bench.rst.
#   KMOD_BENCH_ROUNDS  rounds, cases interleaved (default 5)
#   KMOD_BENCH_BLOCKS  blocks per run, all producers together (300000)
#   KMOD_BENCH_OPTS    well-consume options (-e: header-only blocks)

KMOD_BENCH_ROUNDS	?= 5
KMOD_BENCH_BLOCKS	?= 300000
KMOD_BENCH_OPTS		?= -e

.PHONY: bench-kmod
bench: bench-kmod
bench-kmod: $(OUT)/bin/well-consume
	@mkdir -p $(OUT)/bench
	@$(MAKE) -s --no-print-directory vm-run \
		VM_CMD="sh /bin/kmod_bench.sh $(KMOD_BENCH_ROUNDS) \
			$(KMOD_BENCH_BLOCKS) '$(KMOD_BENCH_OPTS)'" \
		VM_BINS="$(OUT)/bin/well-consume bench/kmod_bench.sh" \
		> $(OUT)/bench/kmod.rst; rc=$$?; cat $(OUT)/bench/kmod.rst; exit $$rc
