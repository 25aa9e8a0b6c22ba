# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make docs: Documentation/ as HTML in $(OUT)/docs/html, built with
# sphinx-build -W (a warning fails the build). The API pages
# (Documentation/api/) take the kernel-doc comments of the headers and
# sources through the kernel's Documentation/sphinx/kerneldoc.py and
# scripts/kernel-doc, extracted here from Debian's linux-source-6.1 at
# build time like the kselftest headers (mk/tests.mk), never committed.

.PHONY: docs

DOCS_OUT	:= $(OUT)/docs
KERNEL_SPHINX	:= $(LINUX_SRC)/Documentation/sphinx
KERNELDOC	:= $(LINUX_SRC)/scripts/kernel-doc
KERNELDOC_STAMP	:= $(DOCS_OUT)/.kernel-doc
SPHINXBUILD	?= sphinx-build

$(KERNELDOC_STAMP):
	@test -r $(LINUX_SRC_TAR) || { \
		echo "docs: $(LINUX_SRC_TAR) missing: run make deps"; exit 1; }
	@mkdir -p $(DOCS_OUT)
	tar -xJf $(LINUX_SRC_TAR) -C $(OUT) \
		linux-source-6.1/Documentation/sphinx \
		linux-source-6.1/scripts/kernel-doc
	@touch $@

docs: $(KERNELDOC_STAMP)
	@command -v $(SPHINXBUILD) >/dev/null || { \
		echo "docs: no $(SPHINXBUILD): run make deps"; exit 1; }
	WELL_KERNEL_SPHINX=$(KERNEL_SPHINX) WELL_KERNELDOC=$(KERNELDOC) \
	WELL_VERSION=$(VERSION) KDOC_WERROR=1 \
	$(SPHINXBUILD) -W --keep-going -E -q -b html \
		-d $(DOCS_OUT)/doctrees Documentation $(DOCS_OUT)/html

# make check: the HTML without a warning, and every symbol libwell.so
# exports and every uapi structure documented in it.
CHECK_STEPS	+= docs:"scripts/docs-check.sh '$(MAKE)' $(DOCS_OUT)/html"
