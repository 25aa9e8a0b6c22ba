# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make install PREFIX=/usr/local DESTDIR=: include/ as it is laid out in
# the tree, libwell.a, libwell.so and well.pc (written here, so it names
# the PREFIX installed to).

.PHONY: install
PUBLIC_HEADERS	:= $(patsubst include/%,%,$(shell find include -name '*.h'))

install: lib
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig
	for h in $(PUBLIC_HEADERS); do \
		install -D -m 644 include/$$h $(DESTDIR)$(INCLUDEDIR)/$$h || exit 1; \
	done
	install -m 644 $(OUT)/lib/libwell.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libwell.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libwell.so.$(SOVERSION)
	ln -sf libwell.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libwell.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    user/well.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/well.pc

# Installed into a staging directory and used with pkg-config, static and
# shared: examples/, the README example, every header on its own.
CHECK_STEPS	+= install:selftests/install/check-install.sh\ $(OUT)
