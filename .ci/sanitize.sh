#!/usr/bin/env bash
# rtmem's tests under the memory checkers. Fails at the first stage that
# fails, after printing what it ran; a summary line per stage at the end.
#
#   1. ASan + UBSan (clang, build-asan): the whole suite. Every test
#      program starts with rtm_libc_hooks installed (test/checkers/
#      start_hooks.c), UBSan stops at its first report, and test/checkers
#      proves ASan reports a use after rewind and after reset.
#   2. Valgrind memcheck (gcc, -Dvalgrind=enabled, build-valgrind):
#      a. test/checkers proves memcheck reports the same misuse;
#      b. the test programs under memcheck, --error-exitcode=1 and no
#         error report allowed, not even in a child Check forked;
#      c. programs whose own assertions valgrind falsifies (MEMCHECK_ONLY
#         below, each with the reason) run under memcheck too, and must
#         produce no error report; their assertions are judged by the
#         other CI stages.
#      A new test runs in b; one valgrind cannot run goes in MEMCHECK_ONLY
#      or NOT_UNDER_VALGRIND, with the reason.
#
# usage: .ci/sanitize.sh        (from anywhere; builds in the source tree)
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s ===\n' "$*"; }
die() { echo "sanitize.sh: $*" >&2; exit 1; }
# A figure from the closing block of `meson test` ("Ok:   6").
count() { awk -v k="$1:" '$1 == k { print $NF; exit }' "$2"; }
# The full log (every test's stdout and stderr) of the run whose output is $1.
full_log() { sed -n 's/^Full log written to //p' "$1"; }
# Memcheck's reports in a log, by the marker valgrind prints before each.
memcheck_errors() { grep -Ec '^==[0-9]+== VGERR-BEGIN$' "$1" || true; }

summary=()
start=$SECONDS

# meson test, output to $2 and the terminal; fails the script unless every
# test passed. Sets $counts.
run_tests() {
	local dir=$1 log=$2 rc=0
	shift 2
	meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$log" || rc=$?
	counts="$(count Ok "$log") ok, $(count Fail "$log") failed, $(count Skipped "$log") skipped"
	[ "$rc" -eq 0 ] || die "meson test $* in $dir failed ($counts)"
}

# The checkers must pass, not skip: a skip would mean no checker is there.
checkers_ran() {
	local log=$1 what=$2
	[ "$(grep -Ec 'checkers / use_after_(rewind|reset) +OK' "$log")" = 2 ] ||
		die "$what: the use-after-rewind checkers did not pass (see $log)"
}

# ---------------------------------------------------------------------------
section "ASan + UBSan (clang)"
t=$SECONDS
asan=build-asan
rm -rf "$asan"
# -fno-sanitize-recover: a UBSan report ends the test (meson's b_sanitize
# leaves UBSan recovering). The test environment (test/meson.build) adds
# handle_segv=0 for the Check tests that expect SIGSEGV; the options here
# cover the programs that do not use it.
CC=clang meson setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=undefined >/dev/null
ninja -C "$asan" >/dev/null
export ASAN_OPTIONS=handle_segv=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run_tests "$asan" "$asan/sanitize.log"
checkers_ran "$asan/sanitize.log" "ASan"
unset ASAN_OPTIONS UBSAN_OPTIONS
summary+=("ASan+UBSan: $counts ($((SECONDS - t))s)")

# ---------------------------------------------------------------------------
section "Valgrind memcheck: the checkers"
t=$SECONDS
vg=build-valgrind
rm -rf "$vg"
meson setup "$vg" -Dvalgrind=enabled >/dev/null
ninja -C "$vg" >/dev/null
run_tests "$vg" "$vg/checkers.log" --suite checkers
checkers_ran "$vg/checkers.log" "memcheck"
summary+=("memcheck, checkers: $counts ($((SECONDS - t))s)")

# Programs whose assertions are about the whole process as the kernel sees
# it, which valgrind shares with its own mappings, threads and limits.
declare -A MEMCHECK_ONLY=(
	[sys_mmap_anon]="valgrind 3.19 takes MAP_FIXED_NOREPLACE for a hint and answers EINVAL, not the kernel's ENOMEM, for a length of PTRDIFF_MAX"
	[vm_reserve]="compares /proc/self/maps totals, which valgrind's own mappings change between two reads"
	[vm_release]="compares /proc/self/maps totals (as vm_reserve)"
	[vm_decommit]="compares /proc/self/maps totals (as vm_reserve)"
	[arena_config]="compares /proc/self/maps totals (as vm_reserve)"
	[arena_os]="compares /proc/self/maps totals (as vm_reserve)"
	[fault-injection]="compares /proc/self/maps totals (as vm_reserve)"
	[arena_marks]="counts minor page faults, which valgrind adds to"
	[arena_limits]="lowers RLIMIT_AS below what valgrind itself has reserved"
	[arena_in_place]="a seccomp filter that kills any memory system call kills valgrind's own"
	[badinput_vm]="valgrind refuses an unaligned mmap hint the kernel ignores; compares /proc/self/maps totals"
	[badinput_arena]="compares /proc/self/maps totals (as vm_reserve)"
	[stack_config]="compares /proc/self/maps totals (as vm_reserve)"
	[stack_limits]="compares /proc/self/maps totals (as vm_reserve)"
	[stack_reuse]="counts minor page faults, which valgrind adds to"
	[code_region_badinput]="compares /proc/self/maps totals and open descriptors, which valgrind's own mappings change, and valgrind's translation cache is writable and executable (the W^X checks count it)"
	[code_region]="valgrind's own translation cache is writable and executable (the W^X checks count it), and PR_SET_MDWE refuses valgrind itself more of it"
	[signals_signal_safety]="compares /proc/self/maps before and after, which valgrind's own mappings change"
)
# Not run under valgrind at all.
declare -A NOT_UNDER_VALGRIND=(
	[static_libc_hooks]="statically linked glibc: memcheck cannot replace its malloc and reports glibc's own start-up"
)
# Suites that are no programs of ours to check: python scripts and nm
# (arch), MemorySanitizer programs (msan), and the checkers, which start
# valgrind themselves (stage a).
skip_suites=(arch msan checkers)

vg_cmd="valgrind -q --error-exitcode=1 --leak-check=no --error-markers=VGERR-BEGIN,VGERR-END --suppressions=$PWD/test/checkers/valgrind.supp"
# Check's own time limit (20 s a test) is for native speed.
export CK_TIMEOUT_MULTIPLIER=5

full=() memonly=()
while read -r line; do
	case $line in *" / "*) ;; *) continue ;; esac
	suite=${line%% / *} name=${line#* / }
	suite=${suite#*:} # "rtmem:sys" or, for a test with no suite, "rtmem"
	skip=0
	for s in "${skip_suites[@]}"; do [ "$suite" = "$s" ] && skip=1; done
	[ "$skip" = 1 ] && continue
	[ -n "${NOT_UNDER_VALGRIND[$name]:-}" ] && continue
	case $name in *-size) continue ;; esac # python, measuring the demo
	if [ -n "${MEMCHECK_ONLY[$name]:-}" ]; then memonly+=("$name"); else full+=("$name"); fi
done < <(meson test -C "$vg" --no-rebuild --list 2>/dev/null)
[ ${#full[@]} -gt 0 ] || die "no test to run under valgrind"

section "Valgrind memcheck: ${#full[@]} test programs, --error-exitcode=1"
t=$SECONDS
run_tests "$vg" "$vg/memcheck.log" --no-rebuild --wrapper "$vg_cmd" --num-processes 2 \
	--timeout-multiplier 5 "${full[@]}"
# A child killed by the signal its test expects exits with no status, so
# --error-exitcode cannot speak for it: its report would still be here.
log=$(full_log "$vg/memcheck.log")
errors=$(memcheck_errors "$log")
[ "$errors" = 0 ] || die "memcheck reported $errors errors (VGERR-BEGIN in $log)"
summary+=("memcheck: $counts, 0 memcheck errors ($((SECONDS - t))s)")

section "Valgrind memcheck: ${#memonly[@]} programs for memcheck errors only"
for name in "${memonly[@]}"; do echo "  $name: ${MEMCHECK_ONLY[$name]}"; done
for name in "${!NOT_UNDER_VALGRIND[@]}"; do echo "  not run: $name: ${NOT_UNDER_VALGRIND[$name]}"; done
t=$SECONDS
# Their exit status is not judged (see above); every report of memcheck's
# is, in any process: the markers are in meson's log of the run.
meson test -C "$vg" --no-rebuild --wrapper "${vg_cmd/--error-exitcode=1 /}" --num-processes 2 \
	--timeout-multiplier 5 --logbase memcheck-only "${memonly[@]}" >"$vg/memcheck-only.out" 2>&1 || true
log=$(full_log "$vg/memcheck-only.out")
[ -n "$log" ] || { cat "$vg/memcheck-only.out"; die "the memcheck-only run did not finish"; }
[ "$(count Timeout "$vg/memcheck-only.out")" = 0 ] || die "a memcheck-only program timed out (see $log)"
errors=$(memcheck_errors "$log")
if [ "$errors" != 0 ]; then
	grep -E -A20 '^==[0-9]+== VGERR-BEGIN$' "$log" | head -n 200
	die "memcheck reported $errors errors in the memcheck-only programs (see $log)"
fi
summary+=("memcheck-only: ${#memonly[@]} programs, 0 memcheck errors ($((SECONDS - t))s)")
unset CK_TIMEOUT_MULTIPLIER

section "summary"
printf '%s\n' "${summary[@]}"
echo "sanitize.sh: all stages passed in $((SECONDS - start))s"
