#!/usr/bin/env bash
# Builds rtmem for each foreign architecture and runs its tests under
# qemu-user (the exe_wrapper of cross/<arch>.ini). Every architecture is
# tried; the script fails at the end if any failed, after one summary line
# per architecture and a total.
#
# usage: .ci/cross.sh [ARCH...]      default: all of them
#        .ci/cross.sh --freestanding  the targets without a C library
#                                     (cross/ARCH.ini: libc = false)
#        BUILDTYPE=release .ci/cross.sh aarch64
set -euo pipefail

cd "$(dirname "$0")/.."

# The last ones are freestanding only (no C library to run Check on: the
# self-test, the demo and the arch checks; cross/*.ini's libc = false),
# 10 to 20 s each here: riscv32 and aarch64_be (clang and lld), sh4, alpha.
# Seconds per target on the 2-core CI machine (build + tests; debugoptimized,
# minsize): powerpc 45, 24; ppc64 48, 26; m68k 18-31, 13-40; sparc64 23-42,
# 19-38 (several runs on a loaded machine); mips 35-51, mipsel 38-53,
# mips64 15-46 (either build type).
all=(i386 aarch64 arm arm-thumb riscv64 powerpc ppc64 ppc64le s390x mips64el mips64r6el hppa
	m68k sparc64 mips mipsel mips64 riscv32 aarch64_be sh4 alpha)
if [ "${1:-}" = --freestanding ]; then
	archs=()
	for a in "${all[@]}"; do
		grep -qE '^libc *= *false' "cross/$a.ini" && archs+=("$a")
	done
elif [ $# -gt 0 ]; then archs=("$@"); else archs=("${all[@]}"); fi
buildtype=${BUILDTYPE:-debugoptimized}

summary=()
failed=0
total_ok=0 total_fail=0 total_skip=0

# A figure from the closing block of `meson test` ("Ok:   6").
count() { awk -v k="$1:" '$1 == k { print $NF; exit }' "$2"; }

# Leaves build-ARCH/cross.out (setup, build and test output) and sets
# $result to the one-line summary.
build_and_test() {
	local arch=$1 dir=build-$1 out
	local wipe=()
	[ -d "$dir/meson-private" ] && wipe=(--wipe)
	out=$(mktemp)
	result="setup failed"
	if ! meson setup "${wipe[@]}" "$dir" --cross-file "cross/$arch.ini" \
		--buildtype "$buildtype" >"$out" 2>&1; then
		cat "$out"
		rm -f "$out"
		return 1
	fi
	mv "$out" "$dir/cross.out"
	out=$dir/cross.out
	result="build failed"
	ninja -C "$dir" >>"$out" 2>&1 || { tail -n 40 "$out"; return 1; }

	local rc=0 tests=$dir/cross-test.out ok fail skip sub
	meson test -C "$dir" --print-errorlogs >"$tests" 2>&1 || rc=$?
	cat "$tests" >>"$out"
	ok=$(count Ok "$tests") fail=$(count Fail "$tests") skip=$(count Skipped "$tests")
	sub=$(grep -o '[0-9]* subtests passed' "$tests" | head -n1 || true)
	total_ok=$((total_ok + ${ok:-0}))
	total_fail=$((total_fail + ${fail:-0}))
	total_skip=$((total_skip + ${skip:-0}))
	result="${ok:-?} ok, ${fail:-?} failed, ${skip:-?} skipped; selftest: ${sub:-no TAP}"
	if [ $rc -ne 0 ]; then
		cat "$tests"
		return 1
	fi
}

for arch in "${archs[@]}"; do
	if [ ! -f "cross/$arch.ini" ]; then
		echo "cross.sh: no cross/$arch.ini" >&2
		exit 2
	fi
	echo "=== $arch"
	start=$SECONDS
	if build_and_test "$arch"; then
		status=PASS
	else
		status=FAIL
		failed=1
	fi
	summary+=("$(printf '%-12s %s  %s (%ds)' "$arch" $status "$result" $((SECONDS - start)))")
done

# The i386 self-test also runs on the real kernel when this one executes
# 32-bit x86 (IA32 emulation): the checks skipped under qemu (madvise
# advice, MAP_FIXED_NOREPLACE) then run against the kernel itself.
selftest32=build-i386/test/selftest/rtmem-selftest
if [[ " ${archs[*]} " == *" i386 "* ]] && [ "$(uname -m)" = x86_64 ] && [ -x "$selftest32" ]; then
	rc=0
	out=$(RTMEM_SELFTEST_ENV=from-meson "$selftest32" --from-meson 2>&1) || rc=$?
	if [ $rc -eq 126 ]; then
		summary+=("$(printf '%-12s SKIP  this kernel cannot run 32-bit x86' i386/kernel)")
	else
		pass=$(grep -E '^ok ' <<<"$out" | grep -vc '# SKIP' || true)
		skip=$(grep -c '^ok .*# SKIP' <<<"$out" || true)
		if [ $rc -eq 0 ]; then
			status=PASS
			total_ok=$((total_ok + 1))
		else
			echo "$out"
			status=FAIL
			failed=1
			total_fail=$((total_fail + 1))
		fi
		summary+=("$(printf '%-12s %s  selftest on the real kernel: %s passed, %s skipped (exit %d)' \
			i386/kernel $status "$pass" "$skip" $rc)")
	fi
fi

echo
echo "cross.sh: one line per architecture"
printf '  %s\n' "${summary[@]}"
echo "cross: $total_ok passed, $total_fail failed, $total_skip skipped"
exit $failed
