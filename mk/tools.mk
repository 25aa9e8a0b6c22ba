# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# User-space tools: user/tools/<name>.c -> $(OUT)/bin/<name>, linked with
# libwell.a and user/tools/tool.c (options, exit codes, error messages).
# well-consume also checks the load generator's blocks with the verifier
# of selftests/lib/; well-trace talks to well_probe.ko through its client.

.PHONY: tools

TOOLS		:= well-demo well-consume well-trace $(if $(URING_OK),well-record)
TOOL_CFLAGS	:= $(BASE_CFLAGS) $(WARN) -D_GNU_SOURCE -Iselftests/lib
TOOL_LIBS_well-consume := selftests/lib/dev_verify.c
TOOL_LIBS_well-trace := selftests/lib/probe_client.c
TOOL_LIBS_well-record := $(OUT)/plain/libwell-uring.a
TOOL_LDLIBS_well-record := $(URING_CFLAGS) $(URING_LIBS)

$(OUT)/bin/%: user/tools/%.c user/tools/tool.c user/tools/tool.h \
		include/well/version.h $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -o $@ $< user/tools/tool.c $(TOOL_LIBS_$*) $(LIB_A) \
		$(TOOL_LDLIBS_$*)
$(OUT)/bin/well-consume: selftests/lib/dev_verify.c selftests/lib/dev_verify.h
$(OUT)/bin/well-trace: selftests/lib/probe_client.c selftests/lib/probe_client.h \
		include/linux/well_probe.h
$(OUT)/bin/well-record: $(OUT)/plain/libwell-uring.a include/well/uring.h \
		include/well/dev.h

tools: $(TOOLS:%=$(OUT)/bin/%)

# make check: what the tools say to a user (selftests/host/well_tools.sh):
# --help, --version, bad numbers, a missing or forbidden device.
CHECK_DEPS	+= tools
CHECK_STEPS	+= tools:selftests/host/well_tools.sh\ $(OUT)/bin
