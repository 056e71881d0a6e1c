#!/usr/bin/env bash
# Fuzzes the arena (test/fuzz/fuzz_arena.c) and the stack pool
# (test/fuzz/fuzz_stack.c) with libFuzzer under ASan and UBSan for a
# bounded time, one after the other, the time split evenly; any finding
# fails the run.
#
#   bash .ci/fuzz.sh                    60 seconds: 30 arena, 30 stack pool
#   FUZZ_SECONDS=3600 bash .ci/fuzz.sh  an hour, split the same way
#   FUZZ_HARNESS=stack bash .ci/fuzz.sh one harness (arena or stack), all the time
#   FUZZ_JOBS=2 FUZZ_SECONDS=3600 ...   one fuzzer per core, same corpus
#
# Built by calling clang directly: the rtmem sources the harnesses drive
# are compiled into them with the same sanitizer and coverage flags, and
# nothing of a meson configuration (gcc, b_sanitize, CFLAGS) can leak in.
# New inputs go to $FUZZ_BUILD/corpus (arena) and $FUZZ_BUILD/corpus_stack,
# findings to $FUZZ_BUILD/crash-* and $FUZZ_BUILD/stack-crash-*; the
# committed seeds in test/fuzz/corpus and test/fuzz/corpus_stack are only
# read.
set -euo pipefail
cd "$(dirname "$0")/.."

cc=${FUZZ_CC:-clang}
out=${FUZZ_BUILD:-build-fuzz}
case $out in /*) ;; *) out=$PWD/$out ;; esac
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
case ${FUZZ_HARNESS:-all} in
all) harnesses=(arena stack) ;;
arena | stack) harnesses=("$FUZZ_HARNESS") ;;
*)
	echo "fuzz.sh: FUZZ_HARNESS is arena, stack or unset (both), not $FUZZ_HARNESS" >&2
	exit 2
	;;
esac
share=$((seconds / ${#harnesses[@]}))
[ "$share" -gt 0 ] || share=1

# Every source of the library and of its libc hooks on Linux, so a new
# file there is fuzzed too.
sources=(sys/*.c sys/linux/*.c mem/*.c)

flags=(-std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror
	"-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all
	-D_FILE_OFFSET_BITS=64 -DRTM_HOOKS=1 -Iinclude -I.)
mkdir -p "$out"

root=$PWD
failed=0

# fuzz NAME CORPUS SEEDS ARTIFACT_PREFIX HARNESS_SOURCE...: builds
# $out/fuzz_NAME, fuzzes it for $share seconds, reports.
fuzz() {
	local name=$1 corpus=$out/$2 seeds=$root/test/fuzz/$3 prefix=$4
	shift 4
	local bin=$out/fuzz_$name log=$out/fuzz_$name.log status=0 parallel=() execs
	mkdir -p "$corpus"
	"$cc" "${flags[@]}" "${sources[@]}" "$@" test/fuzz/fuzz_hooks.c -o "$bin"
	if [ "$jobs" -gt 1 ]; then
		parallel=(-jobs="$jobs" -workers="$jobs")
	fi
	# From inside $out: with -jobs, libFuzzer writes each job's
	# fuzz-<n>.log to the current directory (one harness at a time, so
	# each one's logs are its own).
	(cd "$out" && "$bin" -max_total_time="$share" -print_final_stats=1 "${parallel[@]}" \
		-artifact_prefix="./$prefix" "$corpus" "$seeds") >"$log" 2>&1 || status=$?
	if [ "$jobs" -gt 1 ]; then
		cat "$out"/fuzz-*.log >>"$log"
		rm -f "$out"/fuzz-*.log
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		awk '{ s += $1 } END { print s + 0 }')
	echo "fuzz_$name: $execs executions in ${share}s, corpus $(find "$corpus" -type f | wc -l) inputs"
	if [ "$status" -ne 0 ] || grep -q -E "^==[0-9]+==ERROR|^SUMMARY: |fuzz_$name: .*:[0-9]+: " "$log"; then
		tail -n 60 "$log"
		echo "fuzz_$name: FAILED (log: $log; reproduce: $bin $out/${prefix}crash-*)" >&2
		failed=1
	fi
}

for h in "${harnesses[@]}"; do
	case $h in
	arena)
		fuzz arena corpus corpus "" \
			test/fuzz/fuzz_arena.c test/fuzz/fuzz_model.c
		;;
	stack)
		fuzz stack corpus_stack corpus_stack stack- \
			test/fuzz/fuzz_stack.c test/fuzz/fuzz_stack_model.c
		;;
	esac
done
exit "$failed"
