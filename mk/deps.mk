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
