# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# What every other make file uses: version, directories, compilers and
# flags, and which kernel the module builds for.

VERSION		:= 0.1.0
SOVERSION	:= 0
OUT		?= $(CURDIR)/build
PREFIX		?= /usr/local
INCLUDEDIR	?= $(PREFIX)/include
LIBDIR		?= $(PREFIX)/lib
CC		?= cc

# Debian's kernel sources: kselftest headers and checkpatch.pl come from
# there at build time (mk/tests.mk), never from the tree.
LINUX_SRC_TAR	:= /usr/src/linux-source-6.1.tar.xz
LINUX_SRC	:= $(OUT)/linux-source-6.1

# One set of warnings for the library, the tools, the tests and the bench.
WARN		:= -Wall -Wextra -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Werror
# DWARF 4: Debian 12's valgrind (3.19) cannot read the DWARF 5 forms
# clang 14 writes, and make check runs valgrind on the tests.
BASE_CFLAGS	:= -std=gnu11 -O2 -gdwarf-4 -pthread -Iinclude

# Build variants of the library and the tests.
VARIANTS	:= plain asan tsan
SAN_plain	:=
SAN_asan	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
SAN_tsan	:= -fsanitize=thread

# The kernel. KVER is a full release (6.1.0-56-amd64) or a prefix (6.12)
# naming the newest installed Debian headers; the default is the running
# kernel when /lib/modules/$(uname -r)/build exists, else 6.1. These are
# expanded late on purpose: make deps may install the headers.
KMOD_NATIVE	= $(wildcard /lib/modules/$(shell uname -r)/build)
KVER		?= $(if $(KMOD_NATIVE),$(shell uname -r),6.1)
KMOD_NEWEST	= $(lastword $(shell ls -d /usr/src/linux-headers-$(KVER)[.-]*-amd64 \
		    2>/dev/null | grep -Ev -e '-(cloud|rt)-amd64$$' | sort -V))
KVER_FULL	= $(strip $(if $(wildcard /lib/modules/$(KVER)/build \
		    /usr/src/linux-headers-$(KVER)),$(KVER), \
		    $(patsubst /usr/src/linux-headers-%,%,$(KMOD_NEWEST))))
KDIR		?= $(firstword $(wildcard /lib/modules/$(KVER_FULL)/build) \
		    /usr/src/linux-headers-$(KVER_FULL))

# The compiler of the module: the one its kernel was built with (its
# CONFIG_CC_VERSION_TEXT, e.g. gcc-12 for Debian 12's 6.1 and 6.12), never
# $(CC): make CC=clang builds the library and tests with clang, the module
# still with the kernel's gcc. KCC= overrides it.
KCC_TEXT	= $(shell sed -n 's/^CONFIG_CC_VERSION_TEXT="*\([^"]*\)"*$$/\1/p' \
		    $(KDIR)/include/config/auto.conf 2>/dev/null)
KCC		?= $(strip $(if $(findstring clang,$(KCC_TEXT)),clang, \
		    $(or $(firstword $(KCC_TEXT)),gcc)))
