# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Top-level driver. User-space objects go to $(OUT), never beside the
# sources (Kbuild writes there). Fragments add their own programs:
#   selftests/selftests.mk  test programs (plain, ASan+UBSan, TSan)
#   bench/bench.mk          make bench
#   user/user.mk            tools and demos
#
# make            libraries and tools
# make check      every test, ending with "N passed, N failed"
# make bench      benchmarks against the peers
# make run        the demo
# make install    PREFIX=/usr/local DESTDIR=

VERSION		:= 0.1.0
SOVERSION	:= 0
OUT		?= $(CURDIR)/build
PREFIX		?= /usr/local
INCLUDEDIR	?= $(PREFIX)/include
LIBDIR		?= $(PREFIX)/lib
CC		?= cc

LINUX_SRC_TAR	:= /usr/src/linux-source-6.1.tar.xz
LINUX_SRC	:= $(OUT)/linux-source-6.1

# Sources of libwell: the freestanding core plus the user-space library.
CORE_SRCS	:= core/well.c core/ffma.c core/ffma_cache.c core/ffma_mem.c
USER_SRCS	:= user/ffma_pages.c user/ffma_thread.c user/well_dev.c
LIB_SRCS	:= $(CORE_SRCS) $(USER_SRCS)
PUBLIC_HEADERS	:= core/well.h core/well_compat.h core/ffma.h user/well_dev.h

WARN		:= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS	:= -std=gnu11 -O2 -g -pthread -Icore -Iuser -Iinclude
LIB_CFLAGS	:= $(BASE_CFLAGS) $(WARN) -Werror -fPIC
TEST_CFLAGS	:= $(BASE_CFLAGS) -Wall -I$(OUT)/ksft -D_GNU_SOURCE

# Build variants of the library and the tests.
VARIANTS	:= plain asan tsan
SAN_plain	:=
SAN_asan	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
SAN_tsan	:= -fsanitize=thread

# Lists the fragments append to.
TESTS		:=	# every test program: selftests/<name>.c
STRESS_TESTS	:=	# the subset also run under TSan
CHECK_STEPS	:=	# extra LABEL:COMMAND steps for scripts/run-tests.sh
CHECK_DEPS	:=	# what those steps need built
TOOLS		:=	# programs in $(OUT)/bin

.PHONY: all lib check bench run install clean freestanding deps ksft
all: lib tools

DEPS_STAMP	:= $(OUT)/.deps-build
$(DEPS_STAMP): scripts/deps.txt scripts/install-deps.sh
	@mkdir -p $(OUT)
	scripts/install-deps.sh build
	@touch $@
deps: $(DEPS_STAMP)

# --- libraries ---------------------------------------------------------
define variant_rules
$(OUT)/$(1)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(LIB_CFLAGS) $$(SAN_$(1)) -MMD -MP -c $$< -o $$@
$(OUT)/$(1)/libwell.a: $$(LIB_SRCS:%.c=$(OUT)/$(1)/obj/%.o)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
-include $$(LIB_SRCS:%.c=$(OUT)/$(1)/obj/%.d)
endef
$(foreach v,$(VARIANTS),$(eval $(call variant_rules,$(v))))

LIB_A		:= $(OUT)/plain/libwell.a
LIB_SO		:= $(OUT)/lib/libwell.so.$(VERSION)
$(LIB_SO): $(LIB_SRCS:%.c=$(OUT)/plain/obj/%.o) user/libwell.map
	@mkdir -p $(@D)
	$(CC) -shared -pthread -Wl,-soname,libwell.so.$(SOVERSION) \
		-Wl,--version-script=user/libwell.map -o $@ $(filter %.o,$^)
	ln -sf libwell.so.$(VERSION) $(OUT)/lib/libwell.so.$(SOVERSION)
	ln -sf libwell.so.$(SOVERSION) $(OUT)/lib/libwell.so
$(OUT)/lib/libwell.a: $(LIB_A)
	@mkdir -p $(@D)
	cp $< $@
lib: $(OUT)/lib/libwell.a $(LIB_SO)

# core/ compiles with no libc: only the compiler's own headers.
FREESTANDING_FLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding \
		-nostdinc -isystem $(shell $(CC) -print-file-name=include)
freestanding: | $(DEPS_STAMP)
	@mkdir -p $(OUT)/freestanding
	@for f in $(CORE_SRCS); do \
		$(CC) $(FREESTANDING_FLAGS) -c $$f \
			-o $(OUT)/freestanding/$$(basename $$f .c).o || exit 1; \
	done
	@echo "freestanding: $(CORE_SRCS) built with -ffreestanding -nostdinc"

install: lib
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	install -D -m 644 include/uapi/linux/well.h \
		$(DESTDIR)$(INCLUDEDIR)/uapi/linux/well.h
	install -m 644 $(OUT)/lib/libwell.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libwell.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libwell.so.$(SOVERSION)
	ln -sf libwell.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libwell.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    user/well.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/well.pc

# --- kselftest headers, taken from Debian's linux-source at build time ---
KSFT_STAMP	:= $(OUT)/ksft/.stamp
$(KSFT_STAMP): | $(DEPS_STAMP)
	@mkdir -p $(OUT)/ksft $(OUT)
	tar -xJf $(LINUX_SRC_TAR) -C $(OUT) --wildcards \
		'linux-source-6.1/tools/testing/selftests/kselftest*' \
		'linux-source-6.1/scripts/checkpatch.pl' \
		'linux-source-6.1/scripts/spelling.txt' \
		'linux-source-6.1/scripts/const_structs.checkpatch'
	cp $(LINUX_SRC)/tools/testing/selftests/kselftest.h \
	   $(LINUX_SRC)/tools/testing/selftests/kselftest_harness.h \
	   $(LINUX_SRC)/tools/testing/selftests/kselftest_module.h $(OUT)/ksft/
	@touch $@
ksft: $(KSFT_STAMP)

-include selftests/selftests.mk
-include bench/bench.mk
-include user/user.mk
-include selftests/ffma.mk
-include bench/ffma.mk
-include bench/kmod.mk
-include kmod/kmod.mk

tools: $(TOOLS:%=$(OUT)/bin/%)

# --- tests ---------------------------------------------------------------
define test_rules
$(OUT)/$(1)/test/%: selftests/%.c $(OUT)/$(1)/libwell.a $(KSFT_STAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $$(SAN_$(1)) -o $$@ $$< $(OUT)/$(1)/libwell.a
endef
$(foreach v,$(VARIANTS),$(eval $(call test_rules,$(v))))

TEST_BINS	:= $(TESTS:%=$(OUT)/plain/test/%) $(TESTS:%=$(OUT)/asan/test/%) \
		   $(STRESS_TESTS:%=$(OUT)/tsan/test/%)
TEST_STEPS	:= $(foreach t,$(TESTS),plain/$(t):$(OUT)/plain/test/$(t)) \
		   $(foreach t,$(TESTS),asan/$(t):$(OUT)/asan/test/$(t)) \
		   $(foreach t,$(STRESS_TESTS),tsan/$(t):$(OUT)/tsan/test/$(t))

check: lib freestanding $(TEST_BINS) $(CHECK_DEPS)
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	 ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
	 UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	 scripts/run-tests.sh $(TEST_STEPS) $(CHECK_STEPS)

clean:
	rm -rf $(OUT)
