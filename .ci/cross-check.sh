#!/usr/bin/env bash
# The Check suites on the foreign architectures, under qemu-user: the same
# `meson test` as .ci/cross.sh, with a Check library for the target.
#
#   bash .ci/cross-check.sh [ARCH...]      default: all of them
#
# Check comes from Debian's source package (downloaded once, into
# build-check-src), built with the target's cross compiler as a static
# library into build-check-ARCH/check/prefix; both are kept across runs
# (delete them to rebuild). build-check-ARCH is configured with
# cross/ARCH.ini plus an overlay cross file (build-check-ARCH/check.ini)
# that points pkg-config at that prefix alone and links every program
# statically: qemu-user then loads no target libc at all, so the glibc
# loader/libc mismatch that hangs fork() under `qemu-ARCH -L /usr/TRIPLET`
# cannot happen. Check's per-test timeout is scaled for emulation by
# test/meson.build (CK_TIMEOUT_MULTIPLIER in cross builds). Tests that
# qemu-user cannot run skip themselves, saying why (test/checkers/
# emulator.h lists what it gets wrong); the summary counts them. The i386
# programs run on this kernel too, where it runs 32-bit x86.
#
# One summary line per architecture and a total; fails if any failed.
# Installs nothing: .ci/run does (cross compilers, qemu-user, make).
set -Eeuo pipefail
trap 'echo "cross-check.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."

# Seconds per target on the 2-core CI machine, after the Check builds
# (three targets' took 47 s together; more with other builds running):
# powerpc 113-213, ppc64 102-155; m68k 120-190, sparc64 150-290 (several
# runs on a loaded machine; Check built alone, each took 90 s more once);
# mips 158, mipsel 225, mips64 165 with Check built from source (the
# suites alone about two minutes each).
all=(i386 aarch64 arm arm-thumb riscv64 powerpc ppc64 ppc64le s390x mips64el mips64r6el hppa
	m68k sparc64 mips mipsel mips64)
if [ $# -gt 0 ]; then archs=("$@"); else archs=("${all[@]}"); fi
jobs=$(nproc)
src=$PWD/build-check-src

# check_build: Check from Debian's source package for a target.
. .ci/check-source.sh

# The cross compiler's target triplet, from cross/ARCH.ini's c binary.
triplet() {
	sed -n "s/^c *= *'\(.*\)-gcc'.*/\1/p" "cross/$1.ini"
}

count() { awk -v k="$1:" '$1 == k { print $NF; exit }' "$2"; }

# check_for ARCH: Check for ARCH in build-check-ARCH/check. The
# malloc/realloc answers are what configure cannot run a program to learn
# when cross compiling; glibc's are the non-NULL ones.
check_for() {
	local host
	host=$(triplet "$1")
	check_build "$src" "$PWD/build-check-$1/check" "$host-gcc" --host="$host" \
		ac_cv_func_malloc_0_nonnull=yes ac_cv_func_realloc_0_nonnull=yes
}

# build_and_test ARCH DIR [kernel]: configures DIR with cross/ARCH.ini and
# an overlay (DIR/check.ini), builds what the tests need, runs them, leaves
# DIR/cross-check.out and sets $result. With "kernel" the i386 programs run
# on this kernel instead of under qemu, with build-check-i386's Check.
build_and_test() {
	local arch=$1 dir=$PWD/$2 mode=${3:-qemu} host deps overlay out
	host=$(triplet "$arch")
	deps=$PWD/build-check-$arch/check
	result="Check build failed"
	check_for "$arch" || return 1

	mkdir -p "$dir"
	overlay=$dir/check.ini
	{
		cat <<-EOF
			# Written by .ci/cross-check.sh on top of cross/$arch.ini.
			[binaries]
			# meson 1.0 spells it pkgconfig (pkg-config from 1.3 on, which still reads this)
			pkgconfig = 'pkg-config'
		EOF
		# env runs the program itself: no emulator, this kernel's answers.
		[ "$mode" = kernel ] && echo "exe_wrapper = ['env']"
		cat <<-EOF

			[properties]
			# Only the Check built for this target: the build machine's .pc
			# files describe x86_64 libraries.
			pkg_config_libdir = ['$deps/prefix/lib/pkgconfig']

			[built-in options]
			# Static programs: qemu-user loads no target libc, so fork cannot
			# hang on a loader/libc mismatch under -L.
			c_link_args = ['-static']
			prefer_static = true
		EOF
	} >"$overlay"

	out=$dir/cross-check.out
	result="setup failed"
	local setup=(--cross-file "cross/$arch.ini" --cross-file "$overlay" -Dtests=enabled)
	# A directory that will not reconfigure (say, set up with other cross
	# files) is set up afresh; its Check stays.
	: >"$out"
	if [ -d "$dir/meson-private" ] &&
		! meson setup --reconfigure "$dir" "${setup[@]}" >>"$out" 2>&1; then
		echo "reconfigure failed: setting up $dir afresh" >>"$out"
		find "$dir" -mindepth 1 -maxdepth 1 ! -name check ! -name check.ini -exec rm -rf {} +
	fi
	if [ ! -d "$dir/meson-private" ]; then
		meson setup "$dir" "${setup[@]}" >>"$out" 2>&1 || { cat "$out"; return 1; }
	fi
	# What the tests need, not librtmem.so: -static and -shared do not
	# link together on arm and riscv64 (cross.sh builds the whole tree).
	result="build failed"
	ninja -C "$dir" meson-test-prereq >>"$out" 2>&1 || { tail -n 40 "$out"; return 1; }

	# On the kernel, all but signals_signal_safety: its timer fires every
	# 100 us, and a round of its handler takes 110 us on this kernel's
	# 32-bit syscall path (40 us in 64-bit), so it never gets out of it.
	local names=()
	if [ "$mode" = kernel ]; then
		mapfile -t names < <(meson introspect "$dir" --tests |
			python3 -c 'import json, sys
for t in json.load(sys.stdin):
    if t["name"] != "signals_signal_safety":
        print(t["name"])')
	fi

	local rc=0 tests=$dir/cross-check-test.out ok fail skip timeout qskip
	rm -f "$dir/meson-logs/testlog.txt"
	meson test -C "$dir" --no-rebuild --num-processes "$jobs" --print-errorlogs "${names[@]}" \
		>"$tests" 2>&1 || rc=$?
	cat "$tests" >>"$out"
	ok=$(count Ok "$tests") fail=$(count Fail "$tests") skip=$(count Skipped "$tests")
	timeout=$(count Timeout "$tests")
	fail=$((${fail:-0} + ${timeout:-0}))
	total_ok=$((total_ok + ${ok:-0}))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + ${skip:-0}))
	result="${ok:-?} ok, $fail failed, ${skip:-?} skipped"
	# Check tests that skip themselves under qemu-user pass as far as meson
	# sees: test/checkers/emulator.h has them say so on stderr.
	if [ "$mode" = qemu ]; then
		qskip=$(grep -c ': skipped under qemu-' "$dir/meson-logs/testlog.txt" || true)
		result+="; ${qskip:-0} Check runs skipped under qemu"
	else
		result+="; on this kernel, signals_signal_safety left out"
	fi
	if [ $rc -ne 0 ]; then
		grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)' "$tests" | sort -u -k2 || true
		echo "(full output: $out)"
		return 1
	fi
}

# Check for every target first, three at a time: its configure script is
# one long serial shell run, so on a machine of few cores the builds of
# several targets overlap well where one would leave cores idle. A build
# that fails here fails again, with its log, in that target's run below.
pre_start=$SECONDS
check_fetch "$src"
for arch in "${archs[@]}"; do
	[ -f "cross/$arch.ini" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge 3 ]; do wait -n || true; done
	{ check_for "$arch" >/dev/null 2>&1 || true; } &
done
wait
echo "Check for ${#archs[@]} targets: $((SECONDS - pre_start))s"

summary=()
failed=0
total_ok=0 total_fail=0 total_skip=0
# run LABEL ARCH DIR [kernel]
run() {
	local label=$1 start=$SECONDS status
	shift
	echo "=== $label"
	if build_and_test "$@"; then
		status=PASS
	else
		status=FAIL
		failed=1
	fi
	summary+=("$(printf '%-12s %s  %s (%ds)' "$label" $status "$result" $((SECONDS - start)))")
}

for arch in "${archs[@]}"; do
	if [ ! -f "cross/$arch.ini" ]; then
		echo "cross-check.sh: no cross/$arch.ini" >&2
		exit 2
	fi
	run "$arch" "$arch" "build-check-$arch"
done

# The i386 programs also run on this kernel when it executes 32-bit x86
# (IA32 emulation), as .ci/cross.sh does for the self-test: qemu-i386 gets
# most wrong for a 32-bit guest (test/checkers/emulator.h), and a 64-bit
# kernel under a 32-bit process is where 32-bit programs mostly run.
if [[ " ${archs[*]} " == *" i386 "* ]] && [ "$(uname -m)" = x86_64 ]; then
	probe=build-check-i386/test/selftest/rtmem-selftest
	rc=0
	[ -x "$probe" ] && { "$probe" >/dev/null 2>&1 || rc=$?; }
	if [ ! -x "$probe" ]; then
		summary+=("$(printf '%-12s SKIP  no i386 build to run' i386/kernel)")
	elif [ $rc -eq 126 ]; then
		summary+=("$(printf '%-12s SKIP  this kernel cannot run 32-bit x86' i386/kernel)")
	else
		run i386/kernel i386 build-check-i386-kernel kernel
	fi
fi

echo
echo "cross-check.sh: the Check suites, one line per architecture (${SECONDS}s in all)"
printf '  %s\n' "${summary[@]}"
echo "cross-check: $total_ok passed, $total_fail failed, $total_skip skipped"
exit $failed
