# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Tests, grouped by where they run:
#   selftests/scenarios/ the core scenarios, written once: each is a
#                       kselftest program here (like selftests/host/) and
#                       part of well_test.ko in the VM (scenario.h)
#   selftests/host/     kselftest programs run here only; these and the
#                       scenarios are built plain and with ASan+UBSan,
#                       HOST_TSAN also with TSan; ffma_debug against a
#                       -DFFMA_DEBUG build of the library sources
#   selftests/kmod/     the in-kernel test modules (Kbuild, mk/kmod.mk)
#   selftests/vm/       programs for the VM (mk/vm.mk)
#   selftests/install/  the installed library, used with pkg-config
#   selftests/lib/      what they share
# A new test is a new .c file in one of them; nothing else to register.
# The kselftest headers come from Debian's linux-source at build time.

.PHONY: ksft
KSFT_DIR	:= $(OUT)/ksft
KSFT_STAMP	:= $(KSFT_DIR)/.stamp
$(KSFT_STAMP): $(LINUX_SRC_STAMP)
	@mkdir -p $(KSFT_DIR)
	cp $(LINUX_SRC)/tools/testing/selftests/kselftest.h \
	   $(LINUX_SRC)/tools/testing/selftests/kselftest_harness.h \
	   $(LINUX_SRC)/tools/testing/selftests/kselftest_module.h $(KSFT_DIR)/
	@touch $@
ksft: $(KSFT_STAMP)

# The library's warnings, but for two that 6.1's kselftest_harness.h
# trips inside its macros: handlers with an unused parameter, and
# FIXTURE_SETUP/TEARDOWN functions defined without a prototype.
TEST_CFLAGS	:= $(BASE_CFLAGS) $(WARN) -Wno-unused-parameter \
		   -Wno-missing-prototypes \
		   -D_GNU_SOURCE -Iselftests/lib -Iselftests/scenarios -Iuser \
		   -isystem $(KSFT_DIR)
TEST_LIB_SRCS	:= $(wildcard selftests/lib/*.c)
TEST_LIB_HDRS	:= $(wildcard selftests/lib/*.h selftests/scenarios/*.h)

HOST_TESTS	:= $(filter-out ffma_debug, $(basename $(notdir \
		   $(wildcard selftests/host/*.c selftests/scenarios/*.c))))
HOST_TSAN	:= well_release well_return well_stress well_set_single \
		   well_reserve_exact_mt ffma_xthread ffma_thread_exit \
		   ffma_remote ffma_adopt
# uring_*: the io_uring layer, linked with libwell-uring and liburing;
# left out when pkg-config finds no liburing.
HOST_URING	:= $(filter uring_%,$(HOST_TESTS))
ifneq ($(URING_OK),y)
HOST_TESTS	:= $(filter-out $(HOST_URING),$(HOST_TESTS))
HOST_URING	:=
endif
HOST_TSAN	+= $(filter uring_file uring_sock uring_fallback,$(HOST_URING))

define host_test_rules
$(OUT)/$(1)/test/%: selftests/host/%.c $(OUT)/$(1)/libwell.a $(TEST_LIB_HDRS) \
		$(KSFT_STAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $$(SAN_$(1)) -o $$@ $$< $$(TEST_URING) \
		$(OUT)/$(1)/libwell.a $$(TEST_URING_LIBS)
$(HOST_URING:%=$(OUT)/$(1)/test/%): $(OUT)/$(1)/libwell-uring.a
$(HOST_URING:%=$(OUT)/$(1)/test/%): TEST_URING := $(OUT)/$(1)/libwell-uring.a
$(OUT)/$(1)/test/%: selftests/scenarios/%.c $(OUT)/$(1)/libwell.a \
		$(TEST_LIB_HDRS) $(KSFT_STAMP)
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $$(SAN_$(1)) -o $$@ $$< $(OUT)/$(1)/libwell.a
endef
$(foreach v,$(VARIANTS),$(eval $(call host_test_rules,$(v))))
$(foreach v,$(VARIANTS),$(HOST_URING:%=$(OUT)/$(v)/test/%)): \
	TEST_URING_LIBS := $(URING_CFLAGS) $(URING_LIBS)

FFMA_DEBUG_TEST	:= $(OUT)/ffma-debug/ffma_debug
$(FFMA_DEBUG_TEST): selftests/host/ffma_debug.c $(LIB_SRCS) \
		$(wildcard core/*.h include/*.h include/*/*.h user/*.h) \
		$(KSFT_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Icore -DFFMA_DEBUG -o $@ $< $(LIB_SRCS)

# ffma_sanitize also as users build it: with ASan, against the plain
# (uninstrumented) library, and the plain build under valgrind.
SAN_USER_TEST	:= $(OUT)/asan-user/test/ffma_sanitize
$(SAN_USER_TEST): selftests/host/ffma_sanitize.c $(OUT)/plain/libwell.a \
		$(KSFT_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_asan) -o $@ $< $(OUT)/plain/libwell.a

HOST_BINS	:= $(HOST_TESTS:%=$(OUT)/plain/test/%) \
		   $(HOST_TESTS:%=$(OUT)/asan/test/%) \
		   $(HOST_TSAN:%=$(OUT)/tsan/test/%) $(FFMA_DEBUG_TEST) \
		   $(SAN_USER_TEST)
CHECK_DEPS	+= $(HOST_BINS)
CHECK_STEPS	+= $(foreach t,$(HOST_TESTS),plain/$(t):$(OUT)/plain/test/$(t)) \
		   $(foreach t,$(HOST_TESTS),asan/$(t):$(OUT)/asan/test/$(t)) \
		   $(foreach t,$(HOST_TSAN),tsan/$(t):$(OUT)/tsan/test/$(t)) \
		   debug/ffma_debug:$(FFMA_DEBUG_TEST) \
		   asan-user/ffma_sanitize:$(SAN_USER_TEST) \
		   valgrind/ffma_sanitize:'valgrind -q $(OUT)/plain/test/ffma_sanitize'

# Static test programs for the VM: selftests/vm/*.c; uring_* also link
# libwell-uring and liburing, and are left out without liburing.
VM_TESTS	:= $(patsubst selftests/vm/%.c,%,$(wildcard selftests/vm/*.c))
ifneq ($(URING_OK),y)
VM_TESTS	:= $(filter-out uring_%,$(VM_TESTS))
endif
VM_TEST_BINS	:= $(VM_TESTS:%=$(OUT)/static/test/%)
VM_URING_BINS	:= $(filter $(OUT)/static/test/uring_%,$(VM_TEST_BINS))
$(VM_URING_BINS): $(OUT)/plain/libwell-uring.a
$(VM_URING_BINS): VM_URING := $(OUT)/plain/libwell-uring.a
$(VM_URING_BINS): VM_URING_LIBS := $(URING_CFLAGS) $(URING_LIBS)
$(OUT)/static/test/%: selftests/vm/%.c $(LIB_A) $(TEST_LIB_SRCS) \
		$(TEST_LIB_HDRS) $(KSFT_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -static -o $@ $< $(TEST_LIB_SRCS) $(VM_URING) \
		$(LIB_A) $(VM_URING_LIBS)
