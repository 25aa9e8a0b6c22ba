# SPDX-License-Identifier: GPL-2.0 OR MIT
# User-space tools: user/<name>.c or user/tools/<name>.c -> $(OUT)/bin/<name>.
TOOLS		+= well-demo

$(OUT)/bin/well-demo: user/well_demo.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) -o $@ $< $(LIB_A)

# make run: threads of this process first, then kernel producers streaming
# into the consumer tool: natively where the running kernel loads modules
# and has headers (as root), else in the qemu VM on Debian's kernel.
RUN_ARGS	?= -p 2 -n 500000 -t
run: lib tools kmod
	@echo "run: user-space threads through a well"
	@$(OUT)/bin/well-demo
	@if [ -e /proc/modules ] && [ -n "$(KMOD_NATIVE)" ] && \
	    [ "$$(id -u)" = 0 ]; then \
		scripts/run-native.sh $(KBUILD_OUT)/well.ko \
			$(OUT)/bin/well-consume $(RUN_ARGS); \
	else \
		echo "run: this kernel cannot load modules; booting" \
		     "$(KVER_FULL) under qemu"; \
		$(MAKE) -s --no-print-directory vm-run \
			VM_CMD='well-consume $(RUN_ARGS)' \
			VM_BINS=$(OUT)/bin/well-consume; \
	fi

# /dev/well consumer: verifies kernel producers' blocks, prints the rate.
TOOLS		+= well-consume
$(OUT)/bin/well-consume: user/tools/well-consume.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) -o $@ $< $(LIB_A)
