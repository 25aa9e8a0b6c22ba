#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# well_tools - the tools explain themselves: --help and -h describe every
# option and the exit codes, --version prints the library's version, bad
# numbers are usage errors (exit 2) that name the option, and a device that
# cannot be opened is a setup error (exit 3) that names it and the likely
# cause: no node (the module is not loaded: how to load it), no permission
# (the group "well" and the udev rule), not a well device.
#
# Usage: well_tools.sh [BINDIR]   BINDIR (or $WELL_BIN) holds well-consume,
# well-demo, well-trace and, when built (with liburing), well-record;
# default: this script's directory (a kselftest install).
# TAP on stdout, kselftest exit codes (0 pass, 1 fail).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${WELL_BIN:-$here}}
if [ -r "$here/tap.sh" ]; then
	# shellcheck source=scripts/tap.sh
	. "$here/tap.sh"
else
	# shellcheck source=scripts/tap.sh
	. "$here/../../scripts/tap.sh"
fi
consume=$bin/well-consume
demo=$bin/well-demo
trace=$bin/well-trace
record=$bin/well-record
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
echo "TAP version 13"
if [ -x "$record" ]; then
	echo "1..32"
else
	echo "1..25"
fi

# run OUT CMD...: CMD's stdout and stderr into $tmp/OUT.{out,err}; $rc
run() {
	out=$1
	shift
	"$@" >"$tmp/$out.out" 2>"$tmp/$out.err"
	rc=$?
}

# expect RC NAME DESC PATTERN...: the last run exited RC and its output
# (stdout and stderr) matches every extended regular expression PATTERN.
expect() {
	want=$1
	name=$2
	desc=$3
	shift 3
	cat "$tmp/$name.out" "$tmp/$name.err" >"$tmp/$name.all"
	why=""
	[ "$rc" = "$want" ] || why="exit status $rc, expected $want"
	for pat in "$@"; do
		grep -Eq -e "$pat" "$tmp/$name.all" ||
			why="${why:+$why; }no match for '$pat'"
	done
	if [ -z "$why" ]; then
		tap 0 "$desc"
	else
		tap 1 "$desc" "$why"
		sed 's/^/# | /' "$tmp/$name.all"
	fi
}

for t in "$consume" "$demo" "$trace"; do
	if [ ! -x "$t" ]; then
		echo "not ok 1 - $t is missing: build it (make tools)"
		exit 1
	fi
done

# well-consume: every option of the source is in --help.
run help "$consume" --help
expect 0 help "well-consume --help: every option, the exit codes" \
	'^Usage: well-consume' '-d, --device=PATH' '-b, --block-size=' \
	'-c, --blocks=' '-p, --producers=' '-n, --count=' '-B, --batch=' \
	'-t, --timer' '-e, --empty' '-r, --read' '-R, --read-one' \
	'-h, --help' '-V, --version' '^Exit status:' \
	'0  ran, and every check passed' '1  ran, and a verification failed' \
	'2  usage error' '3  setup error'
run h "$consume" -h
[ -s "$tmp/h.out" ] && cmp -s "$tmp/h.out" "$tmp/help.out"
tap $? "well-consume -h prints the same help as --help"
run version "$consume" --version
expect 0 version "well-consume --version" \
	'^well-consume \(well\) [0-9]+\.[0-9]+\.[0-9]+$'

run p "$consume" -p abc
expect 2 p "well-consume -p abc: usage error naming the option" \
	"^well-consume: -p 'abc': not a number \(expected 1\.\.16\)" \
	"--help' for more information"
run n "$consume" -n -5
expect 2 n "well-consume -n -5: usage error, no negative count" \
	"^well-consume: -n '-5': not a number"
run p0 "$consume" -p 17
expect 2 p0 "well-consume -p 17: out of range" \
	'^well-consume: -p 17: out of range \(expected 1\.\.16\)'
run b "$consume" -b 100
expect 2 b "well-consume -b 100: not a power of two" \
	'^well-consume: -b 100: not a power of two \(expected 32\.\.1048576\)'
run opt "$consume" -x
expect 2 opt "well-consume -x: unknown option is a usage error" \
	"--help' for more information"
run arg "$consume" stray
expect 2 arg "well-consume stray: an operand is a usage error" \
	"unexpected argument 'stray'"

# The device: absent, not permitted, not a well device.
run enoent "$consume" -d "$tmp/absent" -n 1
expect 3 enoent "well-consume -d ABSENT: setup error naming the node and the module" \
	"cannot open $tmp/absent: No such file or directory" \
	'is the well module loaded' "modprobe well" "insmod .*well\.ko"
if [ -e /dev/well ]; then
	tap 0 "well-consume without /dev/well # SKIP /dev/well exists here"
else
	run nodev "$consume" -n 1
	expect 3 nodev "well-consume without /dev/well: names it, says how to load the module" \
		'cannot open /dev/well: No such file or directory' \
		'is the well module loaded' "modprobe well"
fi
: >"$tmp/node"
chmod 600 "$tmp/node"
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null; then
		run eacces setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$consume" -d "$tmp/node" -n 1
	else
		rc=skip
	fi
else
	chmod 000 "$tmp/node"
	run eacces "$consume" -d "$tmp/node" -n 1
fi
if [ "$rc" = skip ]; then
	tap 0 "well-consume -d NODE without permission # SKIP no setpriv"
else
	expect 3 eacces "well-consume -d NODE without permission: names the group and the udev rule" \
		"cannot open $tmp/node: Permission denied" "group 'well'" \
		'kmod/60-well.rules' 'usermod -aG well'
fi
chmod 600 "$tmp/node"
run enotty "$consume" -d "$tmp/node" -n 1
expect 3 enotty "well-consume -d FILE: not a well device" \
	"cannot create a ring on $tmp/node: Inappropriate ioctl" \
	'is not a well device'

# well-demo.
run dhelp "$demo" --help
expect 0 dhelp "well-demo --help: every option, the exit codes" \
	'^Usage: well-demo' '-p, --producers=' '-c, --consumers=' \
	'-n, --count=' '-s, --block-size=' '-h, --help' '-V, --version' \
	'^Exit status:' '1  ran, and a verification failed' '3  setup error'
run dh "$demo" -h
[ -s "$tmp/dh.out" ] && cmp -s "$tmp/dh.out" "$tmp/dhelp.out"
tap $? "well-demo -h prints the same help as --help"
run dversion "$demo" --version
expect 0 dversion "well-demo --version" \
	'^well-demo \(well\) [0-9]+\.[0-9]+\.[0-9]+$'
run dp "$demo" -p abc
expect 2 dp "well-demo -p abc: usage error" \
	"^well-demo: -p 'abc': not a number \(expected 1\.\.16\)"
run dn "$demo" -n -5
expect 2 dn "well-demo -n -5: usage error" "^well-demo: -n '-5': not a number"
run drun "$demo" -p 2 -c 2 -n 20000
expect 0 drun "well-demo -p 2 -c 2 -n 20000: every record verified" \
	'verification passed: 0 bad record\(s\), 20000 of 20000 received'

# well-trace (its records need well_probe.ko: the VM runs it).
run thelp "$trace" --help
expect 0 thelp "well-trace --help: every option, the events, the exit codes" \
	'^Usage: well-trace' '-e, --event=EVENT' 'sys_enter\[=NR\]' \
	'sched_switch' 'kprobe:FUNCTION' '-p, --pid=PID' '-o, --output=FILE' \
	'-P, --probe-device=PATH' '^Exit status:' '1  ran, and a verification failed'
run th "$trace" -h
[ -s "$tmp/th.out" ] && cmp -s "$tmp/th.out" "$tmp/thelp.out"
tap $? "well-trace -h prints the same help as --help"
run tversion "$trace" --version
expect 0 tversion "well-trace --version" \
	'^well-trace \(well\) [0-9]+\.[0-9]+\.[0-9]+$'
run tnoev "$trace" -n 5
expect 2 tnoev "well-trace without -e: usage error" \
	'^well-trace: no event: give at least one -e'
run tev "$trace" -e sys_enter=x
expect 2 tev "well-trace -e sys_enter=x: not an event" \
	"^well-trace: -e 'sys_enter=x': not an event"
run tprobe "$trace" -P "$tmp/absent" -e sched_switch
expect 3 tprobe "well-trace -P ABSENT: setup error naming the node and well_probe.ko" \
	"^well-trace: $tmp/absent: No such file or directory: is well_probe.ko loaded"

# well-record (built with liburing only; its recordings run in the VM).
if [ -x "$record" ]; then
	run rhelp "$record" --help
	expect 0 rhelp "well-record --help: every option, the CPU time, the exit codes" \
		'^Usage: well-record -o FILE' '-o, --output=FILE' \
		'-p, --producers=N' '-n, --count=N' '-b, --block-size=BYTES' \
		'-c, --blocks=COUNT' '-m, --memory=KIND' 'module' 'anon' \
		'hugetlb' '-q, --depth=N' '-d, --direct' 'preallocated' \
		'-A, --async=WHEN' 'IOSQE_ASYNC' '-s, --sync' \
		'-D, --device=PATH' '-h, --help' '-V, --version' \
		'io-wq' 'kernel producers' '^Exit status:' '1  ran, and a write failed' \
		'2  usage error' '3  setup error'
	run rh "$record" -h
	[ -s "$tmp/rh.out" ] && cmp -s "$tmp/rh.out" "$tmp/rhelp.out"
	tap $? "well-record -h prints the same help as --help"
	run rversion "$record" --version
	expect 0 rversion "well-record --version" \
		'^well-record \(well\) [0-9]+\.[0-9]+\.[0-9]+$'
	run rmem "$record" -m heap -o "$tmp/rec"
	expect 2 rmem "well-record -m heap: usage error naming the kinds" \
		"^well-record: -m 'heap': not a kind of memory \(expected module, anon or hugetlb\)" \
		"--help' for more information"
	run rasync "$record" -A soon -o "$tmp/rec"
	expect 2 rasync "well-record -A soon: usage error naming the choices" \
		"^well-record: -A 'soon': not a choice \\(expected never or always\\)"
	run rq "$record" -q 0 -o "$tmp/rec"
	expect 2 rq "well-record -q 0: out of range" \
		'^well-record: -q 0: out of range \(expected 1\.\.256\)'
	run rout "$record" -n 10
	expect 2 rout "well-record without -o: usage error" \
		'^well-record: no output file: give -o FILE'
	run rdev "$record" -D "$tmp/absent" -o "$tmp/rec"
	expect 3 rdev "well-record -D ABSENT: setup error naming the node, no file written" \
		"cannot open $tmp/absent: No such file or directory" \
		'is the well module loaded'
	[ ! -e "$tmp/rec" ] || tap 1 "well-record wrote $tmp/rec without a device"
fi
[ "$failed" = 0 ]
