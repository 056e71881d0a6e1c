#!/usr/bin/env bash
# Fuzzes the arena (test/fuzz/fuzz_arena.c) with libFuzzer under ASan and
# UBSan for a bounded time; any finding fails the run.
#
#   bash .ci/fuzz.sh                    60 seconds
#   FUZZ_SECONDS=3600 bash .ci/fuzz.sh  an hour
#   FUZZ_JOBS=2 FUZZ_SECONDS=3600 ...   one fuzzer per core, same corpus
#
# Built by calling clang directly: the rtmem sources the harness drives are
# compiled into it with the same sanitizer and coverage flags, and nothing
# of a meson configuration (gcc, b_sanitize, CFLAGS) can leak in. New
# inputs go to $FUZZ_BUILD/corpus, findings to $FUZZ_BUILD/crash-*; the
# committed seeds in test/fuzz/corpus are only read.
set -euo pipefail
cd "$(dirname "$0")/.."

cc=${FUZZ_CC:-clang}
out=${FUZZ_BUILD:-build-fuzz}
case $out in /*) ;; *) out=$PWD/$out ;; esac
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}

# Every source of the library and of its libc hooks on Linux, so a new
# file there is fuzzed too.
sources=(sys/*.c sys/linux/*.c mem/*.c)

mkdir -p "$out/corpus"
flags=(-std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror
	"-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all
	-D_FILE_OFFSET_BITS=64 -DRTM_HOOKS=1 -Iinclude -I.)
"$cc" "${flags[@]}" "${sources[@]}" test/fuzz/fuzz_arena.c test/fuzz/fuzz_model.c \
	test/fuzz/fuzz_hooks.c -o "$out/fuzz_arena"

root=$PWD
log="$out/fuzz.log"
parallel=()
if [ "$jobs" -gt 1 ]; then
	parallel=(-jobs="$jobs" -workers="$jobs")
fi
status=0
# From inside $out: with -jobs, libFuzzer writes each job's fuzz-<n>.log
# to the current directory.
(cd "$out" && ./fuzz_arena -max_total_time="$seconds" -print_final_stats=1 "${parallel[@]}" \
	-artifact_prefix=./ corpus "$root/test/fuzz/corpus") >"$log" 2>&1 || status=$?
if [ "$jobs" -gt 1 ]; then
	cat "$out"/fuzz-*.log >>"$log"
	rm -f "$out"/fuzz-*.log
fi

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{ s += $1 } END { print s + 0 }')
echo "fuzz_arena: $execs executions in ${seconds}s, corpus $(find "$out/corpus" -type f | wc -l) inputs"
if [ "$status" -ne 0 ] || grep -q -E '^==[0-9]+==ERROR|^SUMMARY: |fuzz_arena: .*:[0-9]+: ' "$log"; then
	tail -n 60 "$log"
	echo "fuzz_arena: FAILED (log: $log; reproduce: $out/fuzz_arena $out/crash-*)" >&2
	exit 1
fi
