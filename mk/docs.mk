# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make docs: Documentation/ as HTML in $(OUT)/docs/html, built with
# sphinx-build -W (a warning fails the build). The API pages
# (Documentation/api/) take the kernel-doc comments of the headers and
# sources through the kernel's Documentation/sphinx/kerneldoc.py and
# scripts/kernel-doc, taken from Debian's linux-source-6.1 at build time
# (mk/deps.mk), never committed.

.PHONY: docs

DOCS_OUT	:= $(OUT)/docs
KERNEL_SPHINX	:= $(LINUX_SRC)/Documentation/sphinx
SPHINXBUILD	?= sphinx-build

docs: $(LINUX_SRC_STAMP)
	@command -v $(SPHINXBUILD) >/dev/null || { \
		echo "docs: no $(SPHINXBUILD): run make deps"; exit 1; }
	WELL_KERNEL_SPHINX=$(KERNEL_SPHINX) WELL_KERNELDOC=$(KERNEL_DOC) \
	WELL_VERSION=$(VERSION) KDOC_WERROR=1 \
	$(SPHINXBUILD) -W --keep-going -E -q -b html \
		-d $(DOCS_OUT)/doctrees Documentation $(DOCS_OUT)/html

# make check: the HTML without a warning, and every symbol libwell.so
# exports and every uapi structure documented in it.
CHECK_STEPS	+= docs:"scripts/docs-check.sh '$(MAKE)' $(DOCS_OUT)/html"
