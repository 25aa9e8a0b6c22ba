# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# What a release promises (Documentation/stability.rst), checked by make
# check: VERSION here, in include/well/version.h, NEWS and the tools'
# --version; the soname and the exported symbols of libwell.so; a
# licence text in LICENSES/ for every SPDX identifier of the tree.

CHECK_DEPS	+= lib tools
CHECK_STEPS	+= release:scripts/release-check.sh\ $(VERSION)\ $(SOVERSION)\ $(OUT)\ '$(CC)'
