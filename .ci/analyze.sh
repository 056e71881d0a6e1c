#!/usr/bin/env bash
# Static analysis and warning builds of the library, with no findings
# allowed: cppcheck, clang-tidy (.clang-tidy), and gcc + clang at -O0, -O2
# and -Os with -Wall -Wextra -Werror (the project's default warnings).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${RTM_ANALYZE_DIR:-build-analyze}
mkdir -p "$out"

# cppcheck sees one architecture at a time; the arch headers are checked
# through the configuration of the machine it runs on.
cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	--enable=warning,style,performance,portability \
	-Iinclude -I. -D__linux__ -D__x86_64__ -URTM_VALGRIND -URTM_ASAN -U__SANITIZE_ADDRESS__ \
	sys mem
echo "cppcheck: no findings"

for cc in gcc clang; do
	for opt in 0 2 s; do
		dir="$out/$cc-O$opt"
		rm -rf "$dir"
		CC=$cc meson setup "$dir" -Dbuildtype=plain -Doptimization=$opt \
			-Dtests=disabled -Dbenchmarks=disabled >/dev/null
		ninja -C "$dir" >/dev/null
		echo "$cc -O$opt: builds with -Wall -Wextra -Werror"
	done
done

# clang-tidy needs clang's view of the flags (gcc-only ones are unknown to it).
clang-tidy --quiet -p "$out/clang-O2" sys/*.c sys/linux/*.c mem/*.c
echo "clang-tidy: no findings"
