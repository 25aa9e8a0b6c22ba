# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make run: threads of this process first, then kernel producers streaming
# into well-consume: natively where the running kernel loads modules and
# has headers (as root), else in the qemu VM on Debian's kernel.

.PHONY: run run-steps
RUN_ARGS	?= -p 2 -n 500000 -t

run: deps
	@$(MAKE) --no-print-directory run-steps

run-steps: lib tools kmod
	@echo "run: user-space threads through a well"
	@$(OUT)/bin/well-demo
	@if [ -e /proc/modules ] && [ -n "$(KMOD_NATIVE)" ] && \
	    [ "$$(id -u)" = 0 ]; then \
		scripts/run-native.sh $(KBUILD_OUT)/well.ko \
			$(OUT)/bin/well-consume $(RUN_ARGS); \
	else \
		echo "run: this kernel cannot load modules; booting" \
		     "$(KREL) under qemu"; \
		$(MAKE) -s --no-print-directory vm-run \
			VM_CMD='well-consume $(RUN_ARGS)' \
			VM_BINS=$(OUT)/bin/well-consume; \
	fi
