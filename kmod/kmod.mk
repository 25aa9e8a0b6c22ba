# SPDX-License-Identifier: GPL-2.0
#
# Kernel modules (top-level Kbuild) and the VM suite (scripts/vm/).
#   make kmod        build the modules against KDIR
#   make kmod-lint   fresh W=1 build, then sparse, of the modules
#   make checkpatch  checkpatch.pl over kmod/, core/ and include/
#   make vm-check    the VM suite alone
#   make vm-run VM_CMD='well_consume -n 1000' [VM_BINS='$(OUT)/bin/...']
#                    boot the VM, load well.ko, run one command, print its
#                    output and the taint state; exit with its status
# KVER picks the kernel: a full version (6.1.0-56-amd64) or a prefix (6.12)
# that names the newest installed Debian headers. Default: the running
# kernel when /lib/modules/$(uname -r)/build exists, else 6.1.
# Modules build in a copy of their sources, $(OUT)/kbuild/<version>/, so the
# source tree holds no kernel objects and several OUT dirs never collide.
# These variables are expanded late on purpose: the headers may be
# installed by kmod-deps during this very run.

KMOD_NATIVE	= $(wildcard /lib/modules/$(shell uname -r)/build)
KVER		?= $(if $(KMOD_NATIVE),$(shell uname -r),6.1)
KMOD_NEWEST	= $(lastword $(shell ls -d /usr/src/linux-headers-$(KVER)[.-]*-amd64 \
		    2>/dev/null | grep -Ev -e '-(cloud|rt)-amd64$$' | sort -V))
KVER_FULL	= $(strip $(if $(wildcard /lib/modules/$(KVER)/build \
		    /usr/src/linux-headers-$(KVER)),$(KVER), \
		    $(patsubst /usr/src/linux-headers-%,%,$(KMOD_NEWEST))))
KDIR		?= $(firstword $(wildcard /lib/modules/$(KVER_FULL)/build) \
		    /usr/src/linux-headers-$(KVER_FULL))
VMLINUZ		?= /boot/vmlinuz-$(KVER_FULL)
KBUILD_OUT	= $(OUT)/kbuild/$(KVER_FULL)
KBUILD_ARGS	= -C $(KDIR) M=$(KBUILD_OUT) KSFT_DIR=$(OUT)/ksft
# The modules of the last build (modules.order lists foo.ko, or foo.o
# since 6.5), never a stale .ko of a module Kbuild no longer has.
KMOD_KOS	= $(foreach m,$(patsubst %.o,%.ko,$(shell \
		    cat $(KBUILD_OUT)/modules.order 2>/dev/null)), \
		    $(if $(filter /%,$(m)),$(m),$(KBUILD_OUT)/$(m)))
# What the module build reads, copied into its tree.
KBUILD_SRCS	= $(wildcard Kbuild kmod core include)
KBUILD_SYNC	= rsync -a --delete --include='*/' --include='*.[chS]' \
		  --include=Kbuild --exclude='*'

# Programs run inside the VM, linked statically: selftests/dev_*.c and
# whatever other fragments append.
VM_TESTS	+= $(patsubst selftests/%.c,%,$(wildcard selftests/dev_*.c))
VM_TEST_BINS	= $(VM_TESTS:%=$(OUT)/static/test/%)
VM_TIMEOUT	?= 540
VM_CMD		?= cat /proc/version
VM_BINS		?=

.PHONY: kmod kmod-deps kmod-lint checkpatch vm-image vm-check vm-run

# 6.12 kernels come from their own group; the default needs only kmod.
kmod-deps:
	@scripts/install-deps.sh kmod $(if $(filter 6.12%,$(KVER)),kmod612)

kmod: kmod-deps $(KSFT_STAMP)
	@test -d "$(KDIR)" || { echo "kmod: no headers for KVER=$(KVER)"; exit 1; }
	@mkdir -p $(KBUILD_OUT)
	@$(KBUILD_SYNC) $(KBUILD_SRCS) $(KBUILD_OUT)/
	$(MAKE) $(KBUILD_ARGS) modules

kmod-lint: kmod-deps $(KSFT_STAMP)
	@scripts/vm/kbuild-lint.sh $(KDIR) $(OUT)/ksft $(OUT)/kbuild/lint

checkpatch: $(KSFT_STAMP)
	@scripts/vm/checkpatch.sh $(LINUX_SRC)/scripts/checkpatch.pl \
		$(OUT)/checkpatch

$(OUT)/static/test/%: selftests/%.c $(LIB_A) $(KSFT_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -static -o $@ $< $(LIB_A)

vm-image: kmod $(VM_TEST_BINS)
	@test -r $(VMLINUZ) || { echo "vm: cannot read $(VMLINUZ)"; exit 1; }
	@ln -sf $(VMLINUZ) $(OUT)/vm-vmlinuz
	scripts/vm/mkinitramfs.sh -o $(OUT)/vm-initramfs.cpio.gz \
		$(KMOD_KOS) $(VM_TEST_BINS)

vm-check: vm-image
	scripts/vm/run.sh -t $(VM_TIMEOUT) -k $(OUT)/vm-vmlinuz \
		-i $(OUT)/vm-initramfs.cpio.gz

vm-run: kmod
	@test -r $(VMLINUZ) || { echo "vm: cannot read $(VMLINUZ)"; exit 1; }
	@ln -sf $(VMLINUZ) $(OUT)/vm-vmlinuz
	@scripts/vm/mkinitramfs.sh -o $(OUT)/vm-run.cpio.gz \
		-c '$(subst ','\'',$(VM_CMD))' $(addprefix -b ,$(VM_BINS)) \
		$(KMOD_KOS)
	@scripts/vm/run.sh -t $(VM_TIMEOUT) -k $(OUT)/vm-vmlinuz -r \
		-i $(OUT)/vm-run.cpio.gz

# make check: checkpatch.pl, the lint (on the default kernel and on 6.12,
# the other one Debian 12 ships) and the VM suite, each a step of
# scripts/run-tests.sh (a step is one word, hence the escaped spaces). The
# lint steps re-enter make, which then sees the headers kmod-deps installed.
CHECK_DEPS	+= $(KSFT_STAMP) vm-image
CHECKPATCH_STEP	:= scripts/vm/checkpatch.sh\ $(LINUX_SRC)/scripts/checkpatch.pl
CHECKPATCH_STEP	:= $(CHECKPATCH_STEP)\ $(OUT)/checkpatch
KMOD_LINT	:= $(MAKE)\ -s\ --no-print-directory\ kmod-lint
VM_STEP		:= scripts/vm/run.sh\ -t\ $(VM_TIMEOUT)\ -k\ $(OUT)/vm-vmlinuz
VM_STEP		:= $(VM_STEP)\ -i\ $(OUT)/vm-initramfs.cpio.gz
CHECK_STEPS	+= checkpatch:$(CHECKPATCH_STEP) \
		   kmod-lint:$(KMOD_LINT) kmod-lint-6.12:$(KMOD_LINT)\ KVER=6.12 \
		   vm:$(VM_STEP)
