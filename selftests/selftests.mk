# SPDX-License-Identifier: GPL-2.0 OR MIT
# Test programs: selftests/<name>.c, each built plain and with ASan+UBSan;
# those in STRESS_TESTS also with TSan.
TESTS		+= well_params
TESTS		+= well_wrap well_reserve well_release well_layout
TESTS		+= well_return well_stress
STRESS_TESTS	+= well_release well_return well_stress
TESTS		+= ffma_layout ffma_slices ffma_realloc ffma_nohuge
TESTS		+= ffma_xthread ffma_thread_exit
STRESS_TESTS	+= ffma_xthread ffma_thread_exit
# Install into $(OUT)/stage and build examples/ and the README example
# against it with pkg-config, static and shared.
CHECK_STEPS	+= install:scripts/check-install.sh\ $(OUT)
