# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# libwell: the freestanding core (core/) on the user-space host (user/),
# as $(OUT)/<variant>/libwell.a for each build variant and as
# $(OUT)/lib/libwell.{a,so}. make freestanding compiles core/ with no libc.
# libwell-uring (user/well_uring.c, include/well/uring.h): the io_uring
# layer, a library of its own so that libwell never needs liburing; built
# only when pkg-config finds liburing.

.PHONY: lib freestanding

CORE_SRCS	:= core/well.c core/ffma.c core/ffma_cache.c core/ffma_mem.c
USER_SRCS	:= user/port.c user/ffma_thread.c user/well_dev.c
LIB_SRCS	:= $(CORE_SRCS) $(USER_SRCS)
LIB_CFLAGS	:= $(BASE_CFLAGS) -Icore $(WARN) -fPIC

define variant_rules
$(OUT)/$(1)/obj/%.o: %.c
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

URING_OK	:= $(shell pkg-config --exists liburing 2>/dev/null && echo y)
URING_SRCS	:= user/well_uring.c
URING_CFLAGS	:= $(shell pkg-config --cflags liburing 2>/dev/null)
URING_LIBS	:= $(shell pkg-config --libs liburing 2>/dev/null)
URING_SO	:= $(OUT)/lib/libwell-uring.so.$(VERSION)
ifeq ($(URING_OK),y)
define uring_variant_rules
$(OUT)/$(1)/uobj/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(LIB_CFLAGS) $$(URING_CFLAGS) $$(SAN_$(1)) -MMD -MP -c $$< -o $$@
$(OUT)/$(1)/libwell-uring.a: $$(URING_SRCS:%.c=$(OUT)/$(1)/uobj/%.o)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
-include $$(URING_SRCS:%.c=$(OUT)/$(1)/uobj/%.d)
endef
$(foreach v,$(VARIANTS),$(eval $(call uring_variant_rules,$(v))))

$(URING_SO): $(URING_SRCS:%.c=$(OUT)/plain/uobj/%.o) user/libwell-uring.map \
		$(LIB_SO)
	@mkdir -p $(@D)
	$(CC) -shared -pthread -Wl,-soname,libwell-uring.so.$(SOVERSION) \
		-Wl,--version-script=user/libwell-uring.map -o $@ \
		$(filter %.o,$^) -L$(OUT)/lib -lwell $(URING_LIBS)
	ln -sf libwell-uring.so.$(VERSION) $(OUT)/lib/libwell-uring.so.$(SOVERSION)
	ln -sf libwell-uring.so.$(SOVERSION) $(OUT)/lib/libwell-uring.so
$(OUT)/lib/libwell-uring.a: $(OUT)/plain/libwell-uring.a
	@mkdir -p $(@D)
	cp $< $@
lib: $(OUT)/lib/libwell-uring.a $(URING_SO)
endif

# core/ compiles with no libc: only the compiler's own headers.
FREESTANDING_FLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding \
		-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
		-Iinclude -Icore
freestanding:
	@mkdir -p $(OUT)/freestanding
	@for f in $(CORE_SRCS); do \
		$(CC) $(FREESTANDING_FLAGS) -c $$f \
			-o $(OUT)/freestanding/$$(basename $$f .c).o || exit 1; \
	done
	@echo "freestanding: $(CORE_SRCS) built with -ffreestanding -nostdinc"
CHECK_DEPS	+= lib freestanding
