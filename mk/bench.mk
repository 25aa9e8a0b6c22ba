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
#   bench-ffma         ffma vs mimalloc, glibc, jemalloc, tcmalloc, linked
#                      through pkg-config; tables in $(OUT)/bench/ffma.rst
#   bench-ffma-kernel  ffma_pcpu vs kmem_cache_alloc/free and _bulk in the
#                      VM (ffma_test.ko); table in $(OUT)/bench/ffma-kernel.rst
#   bench-kmod         /dev/well's mapped ring vs its read() path, in the
#                      VM: KMOD_BENCH_ROUNDS (5), KMOD_BENCH_BLOCKS
#                      (300000), KMOD_BENCH_OPTS (-e: header-only blocks);
#                      then bench-kmod-record and bench-kmod-scale
#   bench-kmod-record  well-record vs read()+write() and mmap+write() of
#                      the same blocks to tmpfs and to ext4 on a virtio
#                      disk, buffered and O_DIRECT, in a VM boot of its
#                      own (the one with the disk): KMOD_REC_ROUNDS (11),
#                      KMOD_REC_MIB (256 per run), KMOD_REC_PRODUCERS (1)
#   bench-kmod-scale   kernel producer scaling (1, 2, 4 threads into one
#                      ring), this tree's well.ko against the one of
#                      KMOD_BENCH_BASE (the pub_lock publish), both in the
#                      same VM boot: KMOD_SCALE_ROUNDS (7),
#                      KMOD_SCALE_BLOCKS (4000000)

.PHONY: bench bench-steps bench-ring bench-icount bench-ffma \
	bench-ffma-kernel bench-kmod bench-kmod-scale bench-kmod-record

bench: deps-bench
	@$(MAKE) --no-print-directory bench-steps
bench-steps: bench-ring bench-ffma bench-ffma-kernel bench-kmod bench-probe

BENCH_OUT	:= $(OUT)/bench
BENCH_FLAGS	?= -t 0.002 -a 50
BENCH_CFLAGS	:= $(BASE_CFLAGS) $(WARN) -MMD -MP

RING_BENCH	:= $(BENCH_OUT)/ring_bench
RING_BENCH_SRCS	:= $(addprefix bench/ring/,bench.c harness.c well.c dpdk.c ck.c)
RING_BENCH_OBJS	:= $(RING_BENCH_SRCS:%.c=$(BENCH_OUT)/obj/%.o)
# DPDK's flags, evaluated only when bench/ring/dpdk.c is compiled. Its
# -march is dropped so every peer is compiled for the same CPU.
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

# ffma is linked as its users link it: installed into $(FFMA_PREFIX) and
# found by pkg-config (libwell.so; ffma_bench-static: libwell.a).
# mimalloc and glibc run in the same process through mi_malloc and
# __libc_malloc; jemalloc and tcmalloc cannot be called without replacing
# malloc, so each has a process of its own (bench/ffma/bench.c).
FFMA_PREFIX	:= $(BENCH_OUT)/prefix
FFMA_PC_FILE	:= $(FFMA_PREFIX)/lib/pkgconfig/well.pc
FFMA_PC		= PKG_CONFIG_PATH=$(FFMA_PREFIX)/lib/pkgconfig pkg-config
FFMA_CFLAGS	= -std=gnu11 -O2 -g -pthread $(WARN) \
		  $(shell $(FFMA_PC) --cflags well)
FFMA_SHARED	= $(shell $(FFMA_PC) --libs well) -Wl,-rpath,$(FFMA_PREFIX)/lib
FFMA_STATIC	= $(FFMA_PREFIX)/lib/libwell.a \
		  $(filter-out -lwell,$(shell $(FFMA_PC) --static --libs-only-l well))
FFMA_BENCHES	:= $(BENCH_OUT)/ffma_bench $(BENCH_OUT)/ffma_bench-static \
		   $(BENCH_OUT)/ffma_bench-jemalloc $(BENCH_OUT)/ffma_bench-tcmalloc

$(FFMA_PC_FILE): $(LIB_SO) $(OUT)/lib/libwell.a \
		$(wildcard include/*.h include/*/*.h) user/well.pc.in
	@$(MAKE) -s --no-print-directory install PREFIX=$(FFMA_PREFIX) DESTDIR=
$(BENCH_OUT)/ffma_bench: bench/ffma/bench.c $(FFMA_PC_FILE)
	$(CC) $(FFMA_CFLAGS) -DWITH_MIMALLOC -o $@ $< $(FFMA_SHARED) -lmimalloc
$(BENCH_OUT)/ffma_bench-static: bench/ffma/bench.c $(FFMA_PC_FILE)
	$(CC) $(FFMA_CFLAGS) -DWITH_MIMALLOC -o $@ $< $(FFMA_STATIC) -lmimalloc
$(BENCH_OUT)/ffma_bench-jemalloc: bench/ffma/bench.c $(FFMA_PC_FILE)
	$(CC) $(FFMA_CFLAGS) -DPROCESS_MALLOC='"jemalloc"' -o $@ $< \
		$(FFMA_SHARED) -ljemalloc
$(BENCH_OUT)/ffma_bench-tcmalloc: bench/ffma/bench.c $(FFMA_PC_FILE)
	$(CC) $(FFMA_CFLAGS) -DPROCESS_MALLOC='"tcmalloc"' -o $@ $< \
		$(FFMA_SHARED) -ltcmalloc_minimal

# The peers of well-record in bench-kmod (bench/kmod/record_*.c), linked
# as users link: the installed libwell.a through pkg-config, static for
# the VM, with the tools' option helpers and the block verifier.
REC_PEERS	:= $(BENCH_OUT)/record-read $(BENCH_OUT)/record-mmap
REC_PEER_SRCS	:= bench/kmod/record_peer.c user/tools/tool.c \
		   selftests/lib/dev_verify.c
$(BENCH_OUT)/record-%: bench/kmod/record_%.c bench/kmod/record_peer.h \
		$(REC_PEER_SRCS) $(FFMA_PC_FILE)
	$(CC) $(FFMA_CFLAGS) -D_GNU_SOURCE -Iselftests/lib -Iuser/tools \
		-static -o $@ $< $(REC_PEER_SRCS) $(FFMA_STATIC)

# FFMA_BENCH_PROCS processes of each binary (3), FFMA_BENCH_ROUNDS rounds
# each (4), pooled; the memory table: 3 rounds, a process per run.
FFMA_BENCH_ROUNDS ?= 4
FFMA_BENCH_PROCS ?= 3
bench-ffma: $(FFMA_BENCHES)
	bench/ffma/run.sh $(BENCH_OUT) $(FFMA_BENCH_ROUNDS) $(FFMA_BENCH_PROCS) \
		> $(BENCH_OUT)/ffma.rst; rc=$$?; cat $(BENCH_OUT)/ffma.rst; exit $$rc

# The records are ffma_test.ko's pr_info() lines, read back with dmesg.
bench-ffma-kernel:
	@mkdir -p $(BENCH_OUT)
	@$(MAKE) -s --no-print-directory vm-run \
		VM_CMD="insmod /lib/modules/ffma_test.ko; dmesg | grep 'rec\|note'" \
		> $(BENCH_OUT)/ffma-kernel.raw; rc=$$?; \
	sed 's/^.*ffma_test: //' $(BENCH_OUT)/ffma-kernel.raw | \
		$(TABLE) -v subject=ffma_pcpu -v scale=1e-6 | \
		tee $(BENCH_OUT)/ffma-kernel.rst; exit $$rc

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
		$(BENCH_OUT)/kmod.raw | tee $(BENCH_OUT)/kmod.rst; \
	[ $$rc = 0 ] || exit $$rc; \
	$(MAKE) -s --no-print-directory bench-kmod-record && \
	$(MAKE) -s --no-print-directory bench-kmod-scale

# The disk of bench-kmod-record: a sparse raw image, ext4 made here
# (mkfs.ext4 needs no root on a file; its inode tables and journal
# written now, so no lazy-init thread runs in the guest during the
# bench), room for three runs' files; made anew for each run, then
# removed. The tables: $(BENCH_OUT)/kmod-record.rst (MB/s, CPU s/GB, CPU
# s/GB of the main thread and blocks per write; then, when -m anon ran,
# its ratios to the two peers).
KMOD_REC_ROUNDS		?= 11
KMOD_REC_MIB		?= 256
KMOD_REC_PRODUCERS	?= 1
KMOD_REC_DISK		:= $(BENCH_OUT)/kmod-record.img
KMOD_REC_KMODS		:= virtio_pci virtio_blk crc32c_generic ext4

bench-kmod-record: $(OUT)/bin/well-record $(REC_PEERS)
	@rm -f $(KMOD_REC_DISK)
	@truncate -s $$(($(KMOD_REC_MIB) * 3 + 256))M $(KMOD_REC_DISK)
	@mkfs.ext4 -F -q -E lazy_itable_init=0,lazy_journal_init=0 \
		$(KMOD_REC_DISK)
	@$(MAKE) -s --no-print-directory vm-run VM_TIMEOUT=1800 \
		VM_DISK=$(KMOD_REC_DISK) VM_KMODS="$(KMOD_REC_KMODS)" \
		VM_CMD="sh /bin/record.sh $(KMOD_REC_ROUNDS) $(KMOD_REC_MIB) \
			$(KMOD_REC_PRODUCERS)" \
		VM_BINS="$(OUT)/bin/well-record $(REC_PEERS) \
			bench/kmod/record.sh" \
		> $(BENCH_OUT)/kmod-record.raw; rc=$$?; \
	rm -f $(KMOD_REC_DISK); \
	grep -v '^\(cpu\|thr\|bp\)*\(rec\|note\)	' $(BENCH_OUT)/kmod-record.raw; \
	for k in "" cpu thr bp; do \
		r="read+write mmap+write"; f=%.1f; \
		case $$k in cpu) f=%.2f;; thr) f=%.3f; r=none;; bp) r=none;; esac; \
		sed -n "s/^$$k\(rec\|note\)	/\1	/p" \
			$(BENCH_OUT)/kmod-record.raw | \
		$(TABLE) -v subject=well-record -v range=1 -v vfmt=$$f \
			-v ratios="$$r" -v head="blocks, file"; \
		echo; \
	done >$(BENCH_OUT)/kmod-record.rst; \
	for k in "" cpu; do \
		grep -q "^$${k}rec	.*	well-record -m anon	" \
			$(BENCH_OUT)/kmod-record.raw || continue; \
		sed -n "s/^$$k\(rec\|note\)	/\1	/p" \
			$(BENCH_OUT)/kmod-record.raw | \
		$(TABLE) -v subject="well-record -m anon" -v peers=none \
			-v ratios="read+write mmap+write" -v head="blocks, file"; \
		echo; \
	done >>$(BENCH_OUT)/kmod-record.rst; \
	cat $(BENCH_OUT)/kmod-record.rst; \
	exit $$rc

# The baseline of bench-kmod-scale: well.ko of the last commit whose
# kernel producers published under ring->pub_lock, built from git archive
# into $(OUT), its own tree per kernel release. It loads as "well" (the
# name comes from .modinfo) from /bin/well-base.ko in the VM.
KMOD_BENCH_BASE		?= dc78f9b1874b896042cc93e15eecac6301933c62
KMOD_BASE_DIR		= $(OUT)/kbase/$(KREL)
KMOD_BASE_KO		= $(KMOD_BASE_DIR)/well-base.ko
KMOD_SCALE_ROUNDS	?= 7
KMOD_SCALE_BLOCKS	?= 4000000

$(KMOD_BASE_KO):
	@rm -rf $(KMOD_BASE_DIR) && mkdir -p $(KMOD_BASE_DIR)/src
	git archive $(KMOD_BENCH_BASE) Kbuild kmod core include | \
		tar -x -C $(KMOD_BASE_DIR)/src
	$(MAKE) -C $(KDIR) M=$(KMOD_BASE_DIR)/src modules
	cp $(KMOD_BASE_DIR)/src/well.ko $@

bench-kmod-scale: $(OUT)/bin/well-consume $(KMOD_BASE_KO)
	@mkdir -p $(BENCH_OUT)
	@$(MAKE) -s --no-print-directory vm-run \
		VM_CMD="sh /bin/scale.sh $(KMOD_SCALE_ROUNDS) \
			$(KMOD_SCALE_BLOCKS)" \
		VM_BINS="$(OUT)/bin/well-consume bench/kmod/scale.sh \
			$(KMOD_BASE_KO)" \
		> $(BENCH_OUT)/kmod-scale.rst; rc=$$?; \
	cat $(BENCH_OUT)/kmod-scale.rst; exit $$rc

# make bench-probe: tracing into a ring, in the VM (KVER), one boot with
# PROBE_BENCH_SMP vCPUs (3: the consumer has a vCPU of its own with 2
# producers; qemu TCG runs them as threads on the host's CPUs): getpgid()
# (sys_enter, K = 1, 2) and a pipe ping-pong (sched_switch), each with no
# probe, well_probe.ko (8-, 64-, 96-byte records) and a BPF program on
# the same tracepoint into a BPF ring buffer and a perf buffer (8, 64
# bytes; bench/probe/), the consumer busy and sleeping,
# PROBE_BENCH_ROUNDS interleaved rounds of PROBE_BENCH_MS each. Needs
# clang, xxd and libbpf-dev (libbpf.a, libelf.a, libz.a: a static loader).
.PHONY: bench-probe
PROBE_BENCH_ROUNDS ?= 9
PROBE_BENCH_MS	?= 300
PROBE_BENCH_SMP	?= 3
PROBE_BENCH	:= $(BENCH_OUT)/probe_bench
$(BENCH_OUT)/probe/probe.bpf.o: bench/probe/probe.bpf.c
	@mkdir -p $(@D)
	clang -O2 -g -target bpf -I/usr/include/$(shell $(CC) -dumpmachine) \
		-c $< -o $@
$(BENCH_OUT)/probe/probe_bpf_o.h: $(BENCH_OUT)/probe/probe.bpf.o
	cd $(@D) && xxd -i -n probe_bpf_o probe.bpf.o > probe_bpf_o.h
$(PROBE_BENCH): bench/probe/probe_bench.c $(BENCH_OUT)/probe/probe_bpf_o.h \
		selftests/lib/probe_client.c selftests/lib/probe_client.h \
		$(LIB_A)
	$(CC) $(BASE_CFLAGS) $(WARN) -D_GNU_SOURCE -Iselftests/lib \
		-I$(BENCH_OUT)/probe -static -o $@ $< \
		selftests/lib/probe_client.c $(LIB_A) -l:libbpf.a -lelf -lz
bench-probe: $(PROBE_BENCH)
	@mkdir -p $(BENCH_OUT)
	@$(MAKE) -s --no-print-directory vm-run VM_BINS=$(PROBE_BENCH) \
		VM_SMP=$(PROBE_BENCH_SMP) \
		VM_CMD="probe_bench -t $(PROBE_BENCH_MS) -r $(PROBE_BENCH_ROUNDS)" \
		> $(BENCH_OUT)/probe.txt; rc=$$?; \
	cat $(BENCH_OUT)/probe.txt; exit $$rc
