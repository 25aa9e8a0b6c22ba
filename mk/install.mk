# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make install PREFIX=/usr/local DESTDIR=: include/ as it is laid out in
# the tree (the uapi header as $(INCLUDEDIR)/linux/well.h), libwell.a,
# libwell.so and well.pc (written here, so it names the PREFIX installed
# to), the tools in $(BINDIR), their pages in section 1 and a page per
# public function in section 3. make uninstall, with the same PREFIX and
# DESTDIR, removes exactly these files. Installed into a directory the
# dynamic linker searches, with no DESTDIR, ldconfig updates its cache.
#
# make man: the pages, in $(OUT)/man/man{1,3}. Section 1 comes from
# user/tools/<tool>.1; section 3 from the kernel-doc comments, with the
# kernel's scripts/kernel-doc taken out of Debian's linux-source at build
# time (scripts/man3.sh). Public functions: those user/libwell.map
# exports and those the public headers define inline.
#
# With liburing (mk/lib.mk): also well/uring.h, libwell-uring.a,
# libwell-uring.so, well-uring.pc and the pages of libwell-uring.map's
# functions.

.PHONY: install uninstall man
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
SBIN_LDCONFIG	:= $(firstword $(wildcard /sbin/ldconfig /usr/sbin/ldconfig) ldconfig)
LDCONFIG	?= $(SBIN_LDCONFIG)

PUBLIC_HEADERS	:= $(filter-out $(if $(URING_OK),,well/uring.h), \
		   $(patsubst include/%,%,$(shell find include -name '*.h')))
LIB_MAPS	:= user/libwell.map $(if $(URING_OK),user/libwell-uring.map)
MAN3_FUNCS	:= $(sort $(shell sed -n \
		     's/^[[:space:]]*\([a-z_][a-z0-9_]*\);$$/\1/p' $(LIB_MAPS)) \
		   $(shell sed -n 's/^ \* \([A-Za-z_][A-Za-z0-9_]*\)() - .*/\1/p' \
		     $(addprefix include/,$(PUBLIC_HEADERS))))
MAN1_PAGES	:= $(TOOLS:%=$(OUT)/man/man1/%.1)
MAN3_PAGES	:= $(MAN3_FUNCS:%=$(OUT)/man/man3/%.3)
PC_SUBST	:= -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		   -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|'

$(KERNEL_DOC): $(LINUX_SRC_STAMP)

MAN3_SRCS	:= $(wildcard include/*.h include/*/*.h core/*.c user/*.c)
$(OUT)/man/man3/%.3: $(KERNEL_DOC) scripts/man3.sh $(MAN3_SRCS)
	@mkdir -p $(@D)
	@scripts/man3.sh $(KERNEL_DOC) $(VERSION) $* $@
$(OUT)/man/man1/%.1: user/tools/%.1 mk/config.mk
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/g' $< > $@
man: $(MAN1_PAGES) $(MAN3_PAGES)

# Everything install writes, as DESTDIR-relative paths; uninstall removes
# this list and nothing else.
INSTALLED	:= $(PUBLIC_HEADERS:%=$(INCLUDEDIR)/%) \
		   $(LIBDIR)/libwell.a $(LIBDIR)/libwell.so.$(VERSION) \
		   $(LIBDIR)/libwell.so.$(SOVERSION) $(LIBDIR)/libwell.so \
		   $(LIBDIR)/pkgconfig/well.pc \
		   $(if $(URING_OK),$(LIBDIR)/libwell-uring.a \
		     $(LIBDIR)/libwell-uring.so.$(VERSION) \
		     $(LIBDIR)/libwell-uring.so.$(SOVERSION) \
		     $(LIBDIR)/libwell-uring.so $(LIBDIR)/pkgconfig/well-uring.pc) \
		   $(TOOLS:%=$(BINDIR)/%) \
		   $(TOOLS:%=$(MANDIR)/man1/%.1) \
		   $(MAN3_FUNCS:%=$(MANDIR)/man3/%.3)

# ldconfig only for a real install into a directory the dynamic linker
# searches: its own list (ld.so.conf), the built-in ones, and their /usr
# twins (Debian's /lib is /usr/lib).
LD_DIRS		= $(shell $(SBIN_LDCONFIG) -v -N -X 2>/dev/null | \
		    sed -n 's|^\(/[^:]*\):.*|\1|p')
LD_SYSTEM_DIRS	= /lib /lib64 $(LD_DIRS) $(patsubst /lib%,/usr/lib%,/lib /lib64 \
		    $(filter /lib%,$(LD_DIRS)))
RUN_LDCONFIG	= $(if $(DESTDIR),,$(if $(filter $(abspath $(LIBDIR)), \
		    $(LD_SYSTEM_DIRS)),$(LDCONFIG)))

install: lib tools man
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3
	for h in $(PUBLIC_HEADERS); do \
		install -D -m 644 include/$$h $(DESTDIR)$(INCLUDEDIR)/$$h || exit 1; \
	done
	install -m 644 $(OUT)/lib/libwell.a $(DESTDIR)$(LIBDIR)/
	install -m 644 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libwell.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libwell.so.$(SOVERSION)
	ln -sf libwell.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libwell.so
	sed $(PC_SUBST) user/well.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/well.pc
ifeq ($(URING_OK),y)
	install -m 644 $(OUT)/lib/libwell-uring.a $(DESTDIR)$(LIBDIR)/
	install -m 644 $(URING_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libwell-uring.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/libwell-uring.so.$(SOVERSION)
	ln -sf libwell-uring.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libwell-uring.so
	sed $(PC_SUBST) user/well-uring.pc.in \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/well-uring.pc
endif
	install -m 755 $(TOOLS:%=$(OUT)/bin/%) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN1_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN3_PAGES) $(DESTDIR)$(MANDIR)/man3/
	$(RUN_LDCONFIG)

# Directories of the project's own (include/well/) go when empty; shared
# ones (lib/, share/man/man3/, ...) stay.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	for d in $(sort $(dir $(PUBLIC_HEADERS))); do \
		[ "$$d" = ./ ] || rmdir --ignore-fail-on-non-empty \
			$(DESTDIR)$(INCLUDEDIR)/$$d || exit 1; \
	done
	$(RUN_LDCONFIG)

# Installed into a staging directory and used with pkg-config, static and
# shared: examples/, the README example, every header on its own; the
# man pages; then uninstalled.
CHECK_DEPS	+= man
CHECK_STEPS	+= install:selftests/install/check-install.sh\ $(OUT)
