#!/usr/bin/env bash
# Runs the tests that commit past CommitLimit under strict overcommit
# (vm.overcommit_memory = 2), then the vm and arena suites under the same
# policy, and always puts the machine's old policy back, whatever fails.
# Needs root (it writes /proc/sys/vm/overcommit_memory).
#
# usage: .ci/overcommit.sh BUILD_DIR     (a configured native build)
set -euo pipefail

cd "$(dirname "$0")/.."
build=${1:?usage: .ci/overcommit.sh BUILD_DIR}
knob=/proc/sys/vm/overcommit_memory

ninja -C "$build"
old=$(cat "$knob")
restore() { echo "$old" >"$knob"; echo "overcommit.sh: vm.overcommit_memory back to $(cat "$knob")"; }
trap restore EXIT
if ! echo 2 >"$knob" 2>/dev/null || [ "$(cat "$knob")" != 2 ]; then
	echo "overcommit.sh: cannot set vm.overcommit_memory to 2 (not root, or /proc/sys read-only)" >&2
	exit 1
fi
grep -E '^(CommitLimit|Committed_AS):' /proc/meminfo
# The strict test must run, not skip: RTMEM_REQUIRE_STRICT turns its skip
# into a failure. The vm and arena suites check that the decommit and the
# arena keep their promises under the strict policy too.
# The strict test holds most of CommitLimit while it runs, so it runs on
# its own (is_parallel: false, and a run of its own here): the vm and arena
# tests' commits beside it would be refused.
RTMEM_REQUIRE_STRICT=1 meson test -C "$build" --no-rebuild --print-errorlogs \
	--suite overcommit
meson test -C "$build" --no-rebuild --print-errorlogs --suite vm --suite arena
