# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# well: the top-level driver. Each job has one make file in mk/, included
# here in this order; a file uses only what the files above it define:
#   mk/config.mk   version, directories, compilers, flags, the kernel
#   mk/deps.mk     make deps: the Debian packages of scripts/deps.txt, and
#                  the pieces of linux-source-6.1 the build takes, in one pass
#   mk/lib.mk      libwell.a and libwell.so; the freestanding check of core/
#   mk/tools.mk    user/tools/ -> $(OUT)/bin
#   mk/install.mk  make install PREFIX= DESTDIR=
#   mk/tests.mk    kselftest headers and the host test programs
#   mk/kselftest.mk selftests/ as a kselftest collection (lib.mk)
#   mk/kmod.mk     the modules (Kbuild), checkpatch, W=1 and sparse
#   mk/pkg.mk      dkms-src, kmod-install, make deb (Debian packages)
#   mk/vm.mk       the qemu VM: vm-image, vm-check, vm-run
#   mk/run.mk      make run
#   mk/bench.mk    make bench
#   mk/docs.mk     make docs: Documentation/ as HTML, API from kernel-doc
#   mk/release.mk  the version, soname, symbols and licences a release promises
# Each file appends its steps of make check to CHECK_STEPS (LABEL:COMMAND,
# run by scripts/run-tests.sh) and what they need to CHECK_DEPS.
#
# make            libraries and tools
# make deps       install the Debian packages the build needs (as root)
# make check      every test, ending with "N passed, N failed"
# make bench      benchmarks against the peers
# make run        the demo
# make install    PREFIX=/usr/local DESTDIR=  (make uninstall the same)
# make kmod-install KVER= DESTDIR=   make deb   the Debian packages
# make docs       HTML in build/docs/html (sphinx-build -W)

.PHONY: all check check-steps clean
all: lib tools

CHECK_STEPS	:=
CHECK_DEPS	:=

include mk/config.mk
include mk/deps.mk
include mk/lib.mk
include mk/tools.mk
include mk/install.mk
include mk/tests.mk
include mk/kselftest.mk
include mk/kmod.mk
include mk/pkg.mk
include mk/vm.mk
include mk/run.mk
include mk/bench.mk
include mk/docs.mk
include mk/release.mk

# Packages first, in a make of their own: what it installs (kernel headers
# among them) is then seen by the build.
check: deps
	@$(MAKE) --no-print-directory check-steps

check-steps: $(CHECK_DEPS)
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	 ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
	 UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	 scripts/run-tests.sh $(CHECK_STEPS)

clean:
	rm -rf $(OUT)
