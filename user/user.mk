# SPDX-License-Identifier: GPL-2.0 OR MIT
# User-space tools: user/<name>.c or user/tools/<name>.c -> $(OUT)/bin/<name>.
TOOLS		+= well-demo

$(OUT)/bin/well-demo: user/well_demo.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) -o $@ $< $(LIB_A)

run: lib tools
	$(OUT)/bin/well-demo

# /dev/well consumer: verifies kernel producers' blocks, prints the rate.
TOOLS		+= well-consume
$(OUT)/bin/well-consume: user/tools/well-consume.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(WARN) -o $@ $< $(LIB_A)
