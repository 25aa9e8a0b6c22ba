# SPDX-License-Identifier: GPL-2.0
#
# The module the Debian way, and the Debian packages.
#   make dkms-src        the module's sources and dkms.conf in
#                        $(DESTDIR)/usr/src/well-$(VERSION)/, for
#                        dkms add/build/install well/$(VERSION)
#   make kmod-install    well.ko for KVER in
#                        /lib/modules/<release>/updates/, the udev rule in
#                        $(UDEVRULESDIR), the group "well", depmod; with
#                        DESTDIR only the files (no groupadd, no depmod)
#   make kmod-uninstall  the files of kmod-install (the group stays)
#   make deb             dpkg-buildpackage -b -us -uc of a copy of the tree:
#                        libwell0, libwell-dev, well-tools, well-dkms in
#                        $(OUT)/deb/
# The package tools (dkms, debhelper, lintian) are the group "pkg" of
# scripts/deps.txt, installed by make deps-pkg.

.PHONY: deps-pkg dkms-src kmod-install kmod-uninstall kmod-release deb

check: deps-pkg
deps-pkg: deps
	@scripts/install-deps.sh pkg

# What Kbuild reads to build well.ko: no in-kernel test (dkms gives no
# KSFT_DIR; the test modules live in selftests/kmod/), nothing of user
# space.
DKMS_SRC_DIR	:= /usr/src/well-$(VERSION)
DKMS_FILES	= dkms.conf Kbuild $(sort $(shell find kmod core include \
		    -name '*.[chS]'))
dkms-src:
	@for f in $(DKMS_FILES); do \
		install -D -m 644 $$f $(DESTDIR)$(DKMS_SRC_DIR)/$$f || exit 1; \
	done
	@echo "dkms-src: $(words $(DKMS_FILES)) files in $(DESTDIR)$(DKMS_SRC_DIR)"

UDEVRULESDIR	?= /etc/udev/rules.d
KMOD_DIR	= /lib/modules/$(KREL)/updates
KMOD_INSTALLED	= $(KMOD_DIR)/well.ko $(UDEVRULESDIR)/60-well.rules
kmod-install: kmod
	install -D -m 644 $(KBUILD_OUT)/well.ko $(DESTDIR)$(KMOD_DIR)/well.ko
	install -D -m 644 kmod/60-well.rules \
		$(DESTDIR)$(UDEVRULESDIR)/60-well.rules
	$(if $(DESTDIR),,getent group well >/dev/null || groupadd --system well)
	$(if $(DESTDIR),,depmod -a $(KREL))
	$(if $(DESTDIR),,-udevadm control --reload-rules)

# The kernel release KVER names (mk/config.mk), for the tests.
kmod-release:
	@echo $(KREL)

kmod-uninstall:
	@test -n "$(KREL)" || { echo "kmod-uninstall: no headers for" \
		"KVER=$(KVER)"; exit 1; }
	rm -f $(addprefix $(DESTDIR),$(KMOD_INSTALLED))
	$(if $(DESTDIR),,depmod -a $(KREL))

# The packages build from a copy of the tree without build/ and .git, so
# dpkg-buildpackage writes them beside the copy, never above the tree.
# Nothing of this make reaches the package's: a command-line OUT would
# have its clean remove this tree's build/.
DEB_OUT		:= $(OUT)/deb
DEB_ENV		:= $(foreach v,MAKEFLAGS MFLAGS MAKELEVEL OUT DESTDIR PREFIX \
		     INCLUDEDIR LIBDIR BINDIR MANDIR KVER KDIR,-u $(v))
deb: deps-pkg
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_OUT)/well-$(VERSION)
	rsync -a --exclude=/build --exclude=/.git ./ $(DEB_OUT)/well-$(VERSION)/
	cd $(DEB_OUT)/well-$(VERSION) && env $(DEB_ENV) \
		dpkg-buildpackage -b -us -uc -j2 \
		>$(DEB_OUT)/build.log 2>&1 || { tail -40 $(DEB_OUT)/build.log; exit 1; }
	@ls $(DEB_OUT)/*.deb

# make check: well.ko's MODULE_VERSION, kmod-install into a staging
# directory; dkms add, build, install and remove for 6.1 and 6.12 (real
# dkms, in a dkms tree of its own); the Debian packages built, checked
# with lintian and dpkg -c, unpacked into a scratch root and used there.
CHECK_STEPS	+= kmod-install:'selftests/install/check-kmod-install.sh $(OUT)' \
		   dkms:'selftests/install/check-dkms.sh $(OUT)' \
		   deb:'selftests/install/check-deb.sh $(OUT)'
