# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make deps: the Debian packages of scripts/deps.txt (the one list of them)
# that are missing, installed by scripts/install-deps.sh. Called first by
# make check, make run and make bench; compiling never installs anything.
#   deps        what building and testing need (groups build and kmod,
#               and kmod612 for Debian 12's 6.12 kernel)
#   deps-bench  the peers of make bench
#   deps-pkg    dkms and the Debian package tools (mk/pkg.mk: make check
#               and make deb)

.PHONY: deps deps-bench
deps:
	@scripts/install-deps.sh build kmod kmod612

deps-bench: deps
	@scripts/install-deps.sh bench

# The pieces of Debian's kernel sources the build uses (linux-source-6.1,
# package group build): the kselftest headers and runner, checkpatch.pl,
# kernel-doc and the kernel's Sphinx extension, taken out of the tarball
# once into $(LINUX_SRC) and never committed. Decompressing the tarball
# is what costs (about 11 s), so every piece comes out in one pass.
LINUX_SRC_STAMP	:= $(LINUX_SRC)/.stamp
LINUX_SRC_PATHS	:= tools/testing/selftests/kselftest \
		   tools/testing/selftests/kselftest.h \
		   tools/testing/selftests/kselftest_harness.h \
		   tools/testing/selftests/kselftest_module.h \
		   tools/testing/selftests/lib.mk \
		   tools/testing/selftests/Makefile \
		   tools/testing/selftests/run_kselftest.sh \
		   scripts/checkpatch.pl scripts/spelling.txt \
		   scripts/const_structs.checkpatch scripts/kernel-doc \
		   scripts/subarch.include Documentation/sphinx
$(LINUX_SRC_STAMP):
	@test -r $(LINUX_SRC_TAR) || { \
		echo "linux-source: $(LINUX_SRC_TAR) missing: run make deps"; \
		exit 1; }
	@mkdir -p $(OUT)
	tar -xJf $(LINUX_SRC_TAR) -C $(OUT) \
		$(addprefix linux-source-6.1/,$(LINUX_SRC_PATHS))
	@touch $@

# The kernel's kernel-doc: the man pages (mk/install.mk) and the API
# reference (mk/docs.mk) both run it.
KERNEL_DOC	?= $(LINUX_SRC)/scripts/kernel-doc
