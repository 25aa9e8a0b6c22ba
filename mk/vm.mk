# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The test VM: Debian's kernel of KVER under qemu with an initramfs of
# busybox, the modules and static programs (scripts/vm/).
#   make vm-check    the VM suite: test modules, selftests/vm/ with
#                    well.ko loaded, load/unload leak cycles, taint;
#                    [VM_CHECK_TCG=single|multi], single by default
#   make vm-run VM_CMD='well-consume -n 1000' [VM_BINS='$(OUT)/bin/...']
#                    [VM_TIMEOUT=S] [VM_SMP=N]: boot (N vCPUs, default 2;
#                    TCG threads on however many CPUs the host has;
#                    VM_TCG=single runs them in turn on one thread),
#                    load well.ko, run one command
#                    from the listed programs, print its output and
#                    "# tainted=N"; exit with its status. VM_DISK=IMAGE
#                    adds a raw image as the virtio disk /dev/vda,
#                    VM_KMODS='virtio_blk ext4' modules of the kernel
#                    itself (with what they need), loaded before well.ko
# Each kernel release has its own directory, $(OUT)/vm/<release>/, and
# each vm-run its own initramfs, so runs for two kernels, or two runs at
# once, never share a file. A boot that panicked, timed out or stopped
# early leaves its whole serial console there as console-DATE-PID.log.

.PHONY: vm-image vm-check vm-run

VMLINUZ		= /boot/vmlinuz-$(KREL)
VM_DIR		= $(OUT)/vm/$(KREL)
VM_TIMEOUT	?= 540
VM_CMD		?= cat /proc/version
VM_BINS		?=
VM_SMP		?= 2
VM_TCG		?= multi
# The suite runs its vCPUs in turn on one host thread: under Debian 12's
# QEMU 7.2, multi-threaded TCG breaks the kernel's live text patching,
# which the probe tests' tracepoint on/off does (Documentation/testing.rst).
VM_CHECK_TCG	?= single
VM_DISK		?=
VM_KMODS	?=
VM_KEEP		= -l $(VM_DIR)/console-$$(date +%Y%m%d-%H%M%S)-$$$$.log

# Tools the VM tests run, in the VM's /bin: uring_record runs well-record.
VM_TOOLS	:= $(if $(URING_OK),$(OUT)/bin/well-record)

vm-image: kmod $(VM_TEST_BINS) $(VM_TOOLS)
	@test -r $(VMLINUZ) || { echo "vm: cannot read $(VMLINUZ):" \
		"run make deps"; exit 1; }
	scripts/vm/mkinitramfs.sh -o $(VM_DIR)/initramfs.cpio.gz \
		$(addprefix -b ,$(VM_TOOLS)) $(KMOD_KOS) $(VM_TEST_BINS)

vm-check: vm-image
	scripts/vm/run.sh -t $(VM_TIMEOUT) -T $(VM_CHECK_TCG) $(VM_KEEP) \
		-k $(VMLINUZ) -i $(VM_DIR)/initramfs.cpio.gz

vm-run: kmod
	@test -r $(VMLINUZ) || { echo "vm: cannot read $(VMLINUZ):" \
		"run make deps"; exit 1; }
	@img=$(VM_DIR)/run-$$$$.cpio.gz; \
	scripts/vm/mkinitramfs.sh -o $$img \
		-c '$(subst ','\'',$(VM_CMD))' $(addprefix -b ,$(VM_BINS)) \
		$(if $(VM_KMODS),-k $(KREL) $(addprefix -m ,$(VM_KMODS))) \
		$(KMOD_KOS) && \
	scripts/vm/run.sh -t $(VM_TIMEOUT) -s $(VM_SMP) -T $(VM_TCG) $(VM_KEEP) \
		-k $(VMLINUZ) -r \
		$(if $(VM_DISK),-d $(VM_DISK)) -i $$img; \
	rc=$$?; rm -f $$img; exit $$rc

# make check boots both kernels Debian 12 ships, each in a make of its own.
CHECK_STEPS	+= vm-6.1:'$(MAKE) -s --no-print-directory vm-check KVER=6.1' \
		   vm-6.12:'$(MAKE) -s --no-print-directory vm-check KVER=6.12'
