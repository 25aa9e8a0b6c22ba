# SPDX-License-Identifier: GPL-2.0
#
# The kernel modules (top-level Kbuild) and their lint.
#   make kmod        build the modules against KDIR (KVER picks it,
#                    mk/config.mk) with KCC, the kernel's own compiler
#   make kmod-lint   fresh W=1 build, then sparse, of the modules
#   make checkpatch  checkpatch.pl over kmod/, core/, include/ and the
#                    test modules' own sources (selftests/kmod/)
# Modules build in a copy of their sources, $(OUT)/kbuild/<release>/,
# named from the headers' own kernel release (UTS_RELEASE), so the source tree holds no
# kernel objects and builds for different kernels never mix.

.PHONY: kmod kmod-lint checkpatch

KREL		= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		    $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
KBUILD_OUT	= $(OUT)/kbuild/$(KREL)
KBUILD_ARGS	= -C $(KDIR) M=$(KBUILD_OUT) KSFT_DIR=$(KSFT_DIR) CC=$(KCC) \
		  WELL_VERSION=$(VERSION)
# The modules of the last build (modules.order lists foo.ko, or foo.o
# since 6.5), never a stale .ko of a module Kbuild no longer has.
KMOD_KOS	= $(foreach m,$(patsubst %.o,%.ko,$(shell \
		    cat $(KBUILD_OUT)/modules.order 2>/dev/null)), \
		    $(if $(filter /%,$(m)),$(m),$(KBUILD_OUT)/$(m)))
# What the module build reads, copied into its tree.
# -R keeps each path: selftests/kmod lands in selftests/kmod.
KBUILD_SRCS	= $(wildcard Kbuild kmod core include selftests/kmod \
		    selftests/scenarios selftests/lib)
KBUILD_SYNC	= rsync -aR --delete --include='*/' --include='*.[chS]' \
		  --include=Kbuild --exclude='*'

kmod: $(KSFT_STAMP)
	@test -d "$(KDIR)" || { echo "kmod: no headers for KVER=$(KVER):" \
		"run make deps"; exit 1; }
	@mkdir -p $(KBUILD_OUT)
	@$(KBUILD_SYNC) $(KBUILD_SRCS) $(KBUILD_OUT)/
	$(MAKE) $(KBUILD_ARGS) modules

kmod-lint: $(KSFT_STAMP)
	@scripts/lint/kbuild-lint.sh $(KDIR) $(KSFT_DIR) $(OUT)/kbuild/lint $(KCC)

checkpatch: $(KSFT_STAMP)
	@scripts/lint/checkpatch.sh $(LINUX_SRC)/scripts/checkpatch.pl \
		$(OUT)/checkpatch

# make check: checkpatch.pl, then the lint on 6.1 and on 6.12 (the two
# kernels Debian 12 ships); each lint step is a make of its own, so its
# KVER picks its headers.
CHECK_DEPS	+= $(KSFT_STAMP)
CHECK_STEPS	+= checkpatch:'$(MAKE) -s --no-print-directory checkpatch' \
		   kmod-lint-6.1:'$(MAKE) -s --no-print-directory kmod-lint KVER=6.1' \
		   kmod-lint-6.12:'$(MAKE) -s --no-print-directory kmod-lint KVER=6.12'
