#!/usr/bin/env bash
# Windows (issue 10): the Check suites for Windows x86_64 and i686, built
# with mingw-w64 (cross/mingw-ARCH.ini) and run by `meson test` under Wine.
#
#   bash .ci/windows-check.sh [ARCH...]      ARCH: x86_64, i686; default both
#
# Check comes from Debian's source package (downloaded once, into
# build-win-check/src), built with the target's mingw-w64 compiler as a
# static library into build-win-check/ARCH/prefix; both are kept across
# runs (delete them to rebuild). build-win-ARCH is configured with
# cross/mingw-ARCH.ini plus an overlay cross file (build-win-ARCH/check.ini)
# that points pkg-config at that prefix alone. Without fork (Windows has
# none) Check runs every test in the test program itself: a failed
# assertion ends that test's function and is reported, the others still
# run, and Check's timeouts do not apply (meson's do).
#
# Both architectures share one Wine prefix, build-win-wine (a 64-bit
# prefix runs 32-bit programs too), created here before the first test:
# creating it takes 10-20 s, and it must not happen in parallel in every
# test program meson starts. A wineserver is kept running for the tests
# (each Wine program then starts in a fraction of a second) and stopped
# at the end. WINEDEBUG=-all unless the caller sets WINEDEBUG.
#
# One summary line per architecture and a total; fails if any failed, and
# if no test ran at all. As root with CI=true it installs the packages it
# needs (adding dpkg's i386 architecture for wine32); otherwise they must
# be there already, and it says which are missing.
set -Eeuo pipefail
trap 'echo "windows-check.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."

all=(x86_64 i686)
if [ $# -gt 0 ]; then archs=("$@"); else archs=("${all[@]}"); fi
for arch in "${archs[@]}"; do
	if [ ! -f "cross/mingw-$arch.ini" ]; then
		echo "windows-check.sh: no cross/mingw-$arch.ini (architectures: ${all[*]})" >&2
		exit 2
	fi
done
jobs=$(nproc)
top=$PWD/build-win-check
src=$top/src
wine64=/usr/lib/wine/wine64
wine32=/usr/lib/wine/wine
wineserver=/usr/lib/wine/wineserver64

section() { printf '\n=== %s ===\n' "$*"; }

if [ "$(id -u)" = 0 ] && [ "${CI:-}" = true ]; then
	section "windows: packages"
	export DEBIAN_FRONTEND=noninteractive
	# wine32 is an i386 package: dpkg must know that architecture before
	# apt-get update fetches its package lists.
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		dpkg --add-architecture i386
	fi
	apt-get update -q
	apt-get install -y -q --no-install-recommends \
		gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 wine64 wine32:i386 \
		make meson ninja-build pkg-config python3
fi

# What each architecture needs; all of it is checked before anything is
# built, so a missing package is named at once.
missing=()
need() { [ -x "$1" ] || command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need make make
need meson meson
need ninja ninja-build
need pkg-config pkg-config
need apt-get apt
need "$wine64" wine64 # the 64-bit prefix and its wineserver, for i686 too
need "$wineserver" wine64
for arch in "${archs[@]}"; do
	case $arch in
	x86_64) need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64 ;;
	i686) need i686-w64-mingw32-gcc gcc-mingw-w64-i686; need "$wine32" wine32:i386 ;;
	esac
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "windows-check.sh: missing: ${missing[*]}; as root:" >&2
	echo "  dpkg --add-architecture i386 && apt-get update &&" \
		"apt-get install --no-install-recommends ${missing[*]}" >&2
	echo "(or run this script as root with CI=true, which does that)" >&2
	exit 2
fi

# check_build: Check from Debian's source package for a target.
. .ci/check-source.sh

# The mingw-w64 target triplet, from cross/mingw-ARCH.ini's c binary.
triplet() {
	sed -n "s/^c *= *'\(.*\)-gcc'.*/\1/p" "cross/mingw-$1.ini"
}

# The Wine prefix both architectures use (cross/mingw-*.ini take it from
# WINEPREFIX), and a wineserver that stays up for the tests. Wine starts
# its system processes (services.exe, winedevice.exe, ...) with the first
# program of a server, and they inherit that program's stdout: under a
# server that stays up, they would hold meson's pipe of the first test
# open forever, and meson would wait for it until the timeout. So a
# wineboot (which also creates or updates the prefix) starts them first,
# writing to a log. Later programs start in a fraction of a second.
export WINEPREFIX=$PWD/build-win-wine
export WINEDEBUG=${WINEDEBUG--all}
wine_start() {
	local start=$SECONDS log=$top/wineboot.log
	section "windows: Wine prefix $WINEPREFIX"
	mkdir -p "$top"
	# A server left behind by an earlier run that was killed.
	"$wineserver" -k 2>/dev/null || true
	: >"$log"
	# wineserver -p needs the prefix directory: create the prefix first,
	# and wait for that server to exit (3 s after its last program).
	if [ ! -e "$WINEPREFIX/system.reg" ]; then
		"$wine64" wineboot </dev/null >>"$log" 2>&1
		"$wineserver" -w
	fi
	"$wineserver" -p
	"$wine64" wineboot </dev/null >>"$log" 2>&1
	echo "Wine prefix ready in $((SECONDS - start))s ($("$wine64" --version); log: $log)"
}
wine_stop() { "$wineserver" -k 2>/dev/null || true; }

count() { awk -v k="$1:" '$1 == k { print $NF; exit }' "$2"; }

# build_and_test ARCH DIR: configures DIR with cross/mingw-ARCH.ini and an
# overlay (DIR/check.ini), builds what the tests need, runs them, leaves
# DIR/windows-check.out and sets $result.
build_and_test() {
	local arch=$1 dir=$PWD/$2 host deps overlay out start=$SECONDS
	host=$(triplet "$arch")
	deps=$top/$arch
	result="Check build failed"
	# The malloc/realloc answers are what configure cannot run a program
	# to learn when cross compiling; msvcrt's malloc(0) and
	# realloc(NULL, 0) are non-NULL.
	check_build "$src" "$deps" "$host-gcc" --host="$host" \
		ac_cv_func_malloc_0_nonnull=yes ac_cv_func_realloc_0_nonnull=yes || return 1
	echo "Check for $host: $((SECONDS - start))s"

	mkdir -p "$dir"
	overlay=$dir/check.ini
	cat >"$overlay" <<-EOF
		# Written by .ci/windows-check.sh on top of cross/mingw-$arch.ini.
		[properties]
		# Only the Check built for this target.
		pkg_config_libdir = ['$deps/prefix/lib/pkgconfig']

		[built-in options]
		prefer_static = true
	EOF

	out=$dir/windows-check.out
	result="setup failed"
	local setup=(--cross-file "cross/mingw-$arch.ini" --cross-file "$overlay" -Dtests=enabled)
	# A directory that will not reconfigure (say, set up with other cross
	# files) is set up afresh.
	: >"$out"
	if [ -d "$dir/meson-private" ] &&
		! meson setup --reconfigure "$dir" "${setup[@]}" >>"$out" 2>&1; then
		echo "reconfigure failed: setting up $dir afresh" >>"$out"
		find "$dir" -mindepth 1 -maxdepth 1 ! -name check.ini -exec rm -rf {} +
	fi
	if [ ! -d "$dir/meson-private" ]; then
		meson setup "$dir" "${setup[@]}" >>"$out" 2>&1 || { cat "$out"; return 1; }
	fi
	# The whole tree (librtmem.a and the DLL with it), not only what the
	# tests need: a library that stops building for Windows fails here.
	result="build failed"
	ninja -C "$dir" >>"$out" 2>&1 || { tail -n 40 "$out"; return 1; }

	local rc=0 tests=$dir/windows-check-test.out ok fail skip timeout checks
	rm -f "$dir/meson-logs/testlog.txt"
	meson test -C "$dir" --no-rebuild --num-processes "$jobs" --print-errorlogs \
		>"$tests" 2>&1 || rc=$?
	cat "$tests" >>"$out"
	cat "$tests"
	ok=$(count Ok "$tests") fail=$(count Fail "$tests") skip=$(count Skipped "$tests")
	timeout=$(count Timeout "$tests")
	fail=$((${fail:-0} + ${timeout:-0}))
	total_ok=$((total_ok + ${ok:-0}))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + ${skip:-0}))
	result="${ok:-?} ok, $fail failed, ${skip:-?} skipped"
	# What Check counted inside the programs (one line per program).
	checks=$(awk '/^[0-9]+%: Checks: / { n += $3 + 0 } END { print n + 0 }' \
		"$dir/meson-logs/testlog.txt" 2>/dev/null || echo 0)
	result+="; $checks Check tests"
	# A Wine program killed part-way can exit 0 (seen when a wineserver
	# was stopped under it): every Check program that started must also
	# have printed its summary line.
	local started finished
	started=$(grep -c '^Running suite(s):' "$dir/meson-logs/testlog.txt" 2>/dev/null || true)
	finished=$(grep -Ec '^[0-9]+%: Checks: ' "$dir/meson-logs/testlog.txt" 2>/dev/null || true)
	if [ "${started:-0}" != "${finished:-0}" ]; then
		result+="; ${started:-0} Check programs started, ${finished:-0} finished"
		return 1
	fi
	if [ $rc -ne 0 ]; then
		grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)' "$tests" | sort -u -k2 || true
		echo "(full output: $out)"
		return 1
	fi
	if [ "${ok:-0}" -eq 0 ]; then
		result+="; no test ran"
		return 1
	fi
}

summary=()
failed=0
total_ok=0 total_fail=0 total_skip=0
# run ARCH DIR
run() {
	local label=$1 start=$SECONDS status
	section "windows: $label"
	if build_and_test "$@"; then
		status=PASS
	else
		status=FAIL
		failed=1
	fi
	summary+=("$(printf '%-8s %s  %s (%ds)' "$label" $status "$result" $((SECONDS - start)))")
}

trap 'wine_stop' EXIT
wine_start
for arch in "${archs[@]}"; do
	run "$arch" "build-win-$arch"
done
wine_stop

echo
echo "windows-check.sh: the Check suites under Wine, one line per architecture (${SECONDS}s in all)"
printf '  %s\n' "${summary[@]}"
echo "windows-check: $total_ok passed, $total_fail failed, $total_skip skipped"
exit $failed
