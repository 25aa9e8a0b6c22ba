# SPDX-License-Identifier: GPL-2.0 OR MIT
# The ffma debug test: built with FFMA_DEBUG from the library sources
# themselves (the other ffma tests are listed in selftests.mk).

FFMA_DEBUG_TEST	:= $(OUT)/ffma-debug/ffma_debug
$(FFMA_DEBUG_TEST): selftests/ffma_debug.c $(LIB_SRCS) $(wildcard core/*.h) \
		$(wildcard user/*.h) $(KSFT_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DFFMA_DEBUG -o $@ $< $(LIB_SRCS)
CHECK_STEPS	+= debug/ffma_debug:$(FFMA_DEBUG_TEST)
CHECK_DEPS	+= $(FFMA_DEBUG_TEST)
