# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Sphinx configuration of well's documentation: make docs (mk/docs.mk)
# builds it with sphinx-build -W. The API reference comes from the
# kernel-doc comments of the sources, through the kernel's own
# Documentation/sphinx/kerneldoc.py and scripts/kernel-doc, extracted at
# build time from Debian's linux-source-6.1 into the build directory
# (never committed). mk/docs.mk says where they are:
#   WELL_KERNEL_SPHINX  the directory holding kerneldoc.py
#   WELL_KERNELDOC      the scripts/kernel-doc to run

import os
import sys

_top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
_src = os.path.join(_top, 'build', 'linux-source-6.1')
_ext = os.environ.get('WELL_KERNEL_SPHINX',
                      os.path.join(_src, 'Documentation', 'sphinx'))
if not os.path.isfile(os.path.join(_ext, 'kerneldoc.py')):
    sys.exit('conf.py: no kerneldoc.py in %s: build with make docs' % _ext)
sys.path.insert(0, _ext)

project = 'well'
copyright = 'the well authors'
author = 'the well authors'
release = os.environ.get('WELL_VERSION', '')
version = release

extensions = ['kerneldoc']
kerneldoc_bin = os.environ.get('WELL_KERNELDOC',
                               os.path.join(_src, 'scripts', 'kernel-doc'))
# The paths of ".. kernel-doc::" are relative to the top of the tree.
kerneldoc_srctree = _top
# kernel-doc's own warnings make it fail (KDOC_WERROR, set by mk/docs.mk),
# and kerneldoc.py reports a failing kernel-doc as a Sphinx warning, so
# sphinx-build -W stops on a malformed comment too.
kerneldoc_verbosity = 0

master_doc = 'index'
exclude_patterns = []
primary_domain = 'c'
highlight_language = 'none'
html_theme = 'alabaster'
html_title = 'well %s' % release if release else 'well'
