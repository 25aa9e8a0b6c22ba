# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# selftests/ as a kselftest collection (selftests/Makefile, on the
# kernel's lib.mk):
#   make kselftest-src      extract lib.mk, the selftests Makefile,
#                           run_kselftest.sh and kselftest/ from Debian's
#                           linux-source-6.1, and link selftests/ into the
#                           extracted tree as its target "well"
#   make kselftest          make -C selftests run_tests
#   make kselftest-install  the kernel's install flow, TARGETS=well, into
#                           KSFT_INSTALL_PATH (default
#                           $(OUT)/kselftest_install): then
#                           cd there && ./run_kselftest.sh
# make check runs both and reads their TAP lines
# (scripts/kselftest-check.sh): 6.1's run_kselftest.sh exits 0 even when a
# test fails.

.PHONY: kselftest-src kselftest kselftest-install

KSFT_TREE	:= $(LINUX_SRC)/tools/testing/selftests
KSFT_SRC_STAMP	:= $(OUT)/kselftest/.src
KSFT_INSTALL_PATH ?= $(OUT)/kselftest_install

$(KSFT_SRC_STAMP): $(LINUX_SRC_STAMP)
	@mkdir -p $(@D)
	ln -sfn $(CURDIR)/selftests $(KSFT_TREE)/well
	@touch $@
kselftest-src: $(KSFT_SRC_STAMP)

kselftest: $(KSFT_SRC_STAMP) lib tools
	$(MAKE) -C selftests OUT=$(OUT) run_tests

# The kernel's selftests Makefile builds in O=, never in the source tree.
kselftest-install: $(KSFT_SRC_STAMP) lib tools
	$(MAKE) -C $(KSFT_TREE) TARGETS=well O=$(OUT)/kselftest-o \
		KSFT_INSTALL_PATH=$(KSFT_INSTALL_PATH) OUT=$(OUT) install

CHECK_DEPS	+= $(KSFT_SRC_STAMP)
CHECK_STEPS	+= kselftest:"scripts/kselftest-check.sh '$(MAKE)' $(OUT)"
