# SPDX-License-Identifier: GPL-2.0 OR MIT
# shellcheck shell=sh
# Sourced by check-install.sh once the library is staged, with its tap
# helpers, $stage, $work and pkg-config pointed at the stage. The installed
# library from other languages and tools than the library's own build:
#   - every installed header alone, in strict ISO C11 and in C++11, 17
#     and 20, with gcc/g++ and clang/clang++;
#   - handover.cc, an SPSC and MPMC program, built with g++ and clang++
#     against libwell.a and libwell.so, and run;
#   - handover.c and the README example under ThreadSanitizer (gcc and
#     clang, libwell.a and libwell.so): any report fails, since the
#     hand-over is correct;
#   - the README example and handover.c under helgrind (built with
#     -DWELL_VALGRIND), where any error fails.
# top, stage, work and cc come from check-install.sh:
# shellcheck disable=SC2154

here=$top/selftests/install
pc_cflags=$(pkg-config --cflags well)
pc_libs=$(pkg-config --libs well)
# The archive itself, so the sanitizer runtimes stay shared.
static_lib=$stage/usr/lib/libwell.a
headers=$(cd "$stage/usr/include" && find . -name '*.h' | sed 's|^\./||' | sort)

# lang_headers COMPILER SUFFIX FLAGS...: each header alone, in one TU.
lang_headers() {
	compiler=$1
	suffix=$2
	shift 2
	bad=""
	: >"$work/log"
	for hdr in $headers; do
		src=$work/hdr.$suffix
		printf '#include <%s>\nint main(void) { return 0; }\n' "$hdr" \
			>"$src"
		if [ "$suffix" = cc ]; then
			printf '#include <%s>\nint main() { return 0; }\n' \
				"$hdr" >"$src"
		fi
		# shellcheck disable=SC2086
		$compiler "$@" -Wall -Wextra -Werror $pc_cflags -c "$src" \
			-o "$work/hdr.o" >>"$work/log" 2>&1 || bad="$bad $hdr"
	done
	[ -z "$bad" ] || echo "failed:$bad" >>"$work/log"
	[ -z "$bad" ]
	tap_log $? "installed headers: $compiler $*" "$work/log"
}

for c in gcc clang; do
	lang_headers $c c -std=c11 -pedantic-errors
done
for cxx in g++ clang++; do
	for std in c++11 c++17 c++20; do
		lang_headers $cxx cc -std=$std -pedantic-errors
	done
done

# run_prog DESC BIN [ENV...]: run it, "ok" when it exits 0 and prints no
# sanitizer or valgrind report.
run_prog() {
	desc=$1
	bin=$2
	shift 2
	env LD_LIBRARY_PATH="$stage/usr/lib" "$@" "$bin" >"$work/log" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q 'WARNING: ThreadSanitizer' "$work/log"; then
		rc=1
	fi
	tap_log $rc "$desc" "$work/log"
}

# C++: g++ and clang++, static and shared, plain.
for cxx in g++ clang++; do
	bin=$work/bin/handover-$cxx
	# shellcheck disable=SC2086
	$cxx -std=c++11 -O2 -Wall -Wextra -Werror -pthread $pc_cflags \
		-o "$bin.static" "$here/handover.cc" "$static_lib" \
		>"$work/log" 2>&1
	check "handover.cc: $cxx -std=c++11 against libwell.a" &&
		run_prog "handover.cc ($cxx, libwell.a) runs" "$bin.static"
	# shellcheck disable=SC2086
	$cxx -std=c++11 -O2 -Wall -Wextra -Werror -pthread $pc_cflags \
		-o "$bin.shared" "$here/handover.cc" $pc_libs \
		>"$work/log" 2>&1
	check "handover.cc: $cxx -std=c++11 against libwell.so" &&
		run_prog "handover.cc ($cxx, libwell.so) runs" "$bin.shared"
done

# ThreadSanitizer: C programs with gcc and clang, the C++ one with
# clang++; halt_on_error makes the first report fail the run.
tsan_env="TSAN_OPTIONS=halt_on_error=1 exitcode=66"
for prog in "$here/handover.c" "$work/readme_example.c" "$here/handover.cc"; do
	name=$(basename "$prog")
	case $prog in
	*.cc)	compilers="clang++"; std=-std=c++11 ;;
	*)	compilers="gcc clang"; std=-std=gnu11 ;;
	esac
	for c in $compilers; do
		for link in static shared; do
			bin=$work/bin/tsan-$c-$link-${name%.*}
			libs=$static_lib
			lib=libwell.a
			if [ $link = shared ]; then
				libs=$pc_libs
				lib=libwell.so
			fi
			# shellcheck disable=SC2086
			$c $std -O1 -g -fsanitize=thread -pthread -Wall -Werror \
				$pc_cflags -o "$bin" "$prog" $libs \
				>"$work/log" 2>&1
			check "$name: $c -fsanitize=thread against $lib" ||
				continue
			run_prog "$name: no ThreadSanitizer report ($c, $link)" \
				"$bin" "$tsan_env"
		done
	done
done

# helgrind: the README example and handover.c with the client requests of
# -DWELL_VALGRIND (well/atomic.h); any error fails.
for prog in "$work/readme_example.c" "$here/handover.c"; do
	name=$(basename "$prog")
	bin=$work/bin/helgrind-${name%.c}
	# shellcheck disable=SC2086
	$cc -std=gnu11 -O2 -gdwarf-4 -pthread -Wall -Werror -DWELL_VALGRIND \
		$pc_cflags -o "$bin" "$prog" $pc_libs >"$work/log" 2>&1
	check "$name: built with -DWELL_VALGRIND" || continue
	# --fair-sched=yes: valgrind runs one thread at a time, and with
	# its default lock a thread that spins (the README consumer polls
	# without yielding) can take the lock back at once, for minutes.
	run_prog "$name: no helgrind error" "$bin" timeout 300 \
		valgrind --tool=helgrind --fair-sched=yes --error-exitcode=1 -q
done
