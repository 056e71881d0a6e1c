#!/usr/bin/env bash
# rtmem as its users get it: installed into a prefix and found through
# pkg-config, or carried as a meson subproject. Checks what `meson install`
# puts down, that each installed header compiles on its own, and builds and
# runs the outside project in test/consumer both ways, plus a program with
# no libc linked from the installed librtmem.a as <rtmem/start.h> documents.
#
#   bash .ci/consumer.sh [WORK_DIR]      default: build-consumer (emptied)
#
# As root it installs the packages it needs; otherwise they must be there.
set -Eeuo pipefail
trap 'echo "consumer.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
src=$PWD
work=$(realpath -m "${1:-build-consumer}")

section() { printf '\n=== %s ===\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
die() {
	printf 'consumer.sh: %s\n' "$*" >&2
	exit 1
}

if [ "$(id -u)" = 0 ]; then
	section "consumer: packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends \
		meson ninja-build pkg-config gcc g++ clang binutils git
fi

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
# The consumers must not see rtmem's source tree, nor a pkg-config path
# from the caller.
unset PKG_CONFIG_PATH

section "install"
meson setup "$work/rtmem" --prefix="$prefix" -Dtests=disabled -Dbenchmarks=disabled >"$work/setup.log" ||
	{ cat "$work/setup.log"; die "meson setup failed"; }
meson install -C "$work/rtmem" --quiet
meson install -C "$work/rtmem" --quiet --destdir "$work/stage"
version=$(meson introspect --projectinfo "$work/rtmem" | sed -n 's/^{"version": "\([^"]*\)".*/\1/p')
[ -n "$version" ] || die "no project version from meson introspect"
pcdir=$(dirname "$(find "$prefix" -name rtmem.pc)")
libdir=$(dirname "$pcdir")

# A staged install must put down exactly what a direct one does.
diff <(cd "$prefix" && find . | sort) <(cd "$work/stage$prefix" && find . | sort) ||
	die "meson install --destdir differs from the --prefix install"
ok "--destdir and --prefix installs hold the same files"

for h in include/rtmem/*.h; do
	cmp -s "$h" "$prefix/$h" || die "$h not installed as $prefix/$h"
done
for h in arch/*.h; do
	cmp -s "$h" "$prefix/include/rtmem/$h" || die "$h not installed in include/rtmem/arch"
done
ok "every public header installed, arch/ under include/rtmem/arch"

for f in librtmem.a librtmem_libc_hooks.a "librtmem.so.$version"; do
	[ -f "$libdir/$f" ] || die "$libdir/$f missing"
done
soname=librtmem.so.${version%%.*}
[ "$(readlink "$libdir/librtmem.so")" = "$soname" ] || die "librtmem.so does not point at $soname"
[ "$(readlink "$libdir/$soname")" = "librtmem.so.$version" ] || die "$soname does not point at librtmem.so.$version"
# Outputs are kept before grep reads them: grep -q stops at the first
# match, and the writer's SIGPIPE would fail the pipeline (pipefail).
dynamic=$(readelf -d "$libdir/librtmem.so.$version")
grep -q "SONAME.*\[$soname\]" <<<"$dynamic" || die "librtmem.so.$version has no SONAME $soname"
ok "librtmem.so.$version, SONAME $soname, both links"

# The shared library is as libc-free as the archive: it needs no other
# library and no symbol from outside (the weak ones are crtbegin's).
! grep NEEDED <<<"$dynamic" || die "librtmem.so needs the libraries above"
undefined=$(nm -D --undefined-only "$libdir/librtmem.so.$version" | awk '$1 != "w"')
[ -z "$undefined" ] || die "librtmem.so needs symbols: $undefined"
exported=$(nm -D --defined-only "$libdir/librtmem.so.$version" | awk '$2 == "T" { print $3 }')
for sym in rtm_mmap rtm_set_hooks rtm_reserve rtm_arena_create rtm_arena_alloc; do
	grep -qx "$sym" <<<"$exported" || die "librtmem.so does not export $sym"
done
grep -v '^rtm_' <<<"$exported" && die "librtmem.so exports names outside rtm_*"
ok "librtmem.so needs nothing, exports rtm_* only"

section "pkg-config"
export PKG_CONFIG_PATH=$pcdir
# pkg-config's answer with its trailing blank and doubled spaces squeezed.
pc() {
	local words
	read -ra words <<<"$(pkg-config "$@")"
	printf '%s\n' "${words[*]}"
}
pkg-config --validate rtmem
pkg-config --validate rtmem-libc-hooks
[ "$(pkg-config --modversion rtmem)" = "$version" ] || die "rtmem.pc version is not $version"
[ "$(pc --cflags rtmem)" = "-I$prefix/include" ] ||
	die "pkg-config --cflags rtmem: $(pc --cflags rtmem)"
[ "$(pc --libs rtmem)" = "-L$libdir -lrtmem" ] ||
	die "pkg-config --libs rtmem: $(pc --libs rtmem)"
# librtmem_libc_hooks.a calls into librtmem: it must come first.
[ "$(pc --libs rtmem-libc-hooks)" = "-L$libdir -lrtmem_libc_hooks -lrtmem" ] ||
	die "pkg-config --libs rtmem-libc-hooks: $(pc --libs rtmem-libc-hooks)"
ok "rtmem.pc and rtmem-libc-hooks.pc: $(pc --cflags --libs rtmem-libc-hooks)"
read -ra cflags <<<"$(pkg-config --cflags rtmem)"

section "installed headers on their own"
# From an empty directory with pkg-config's flags only: <rtmem/syscall.h>
# must find arch/ next to itself. The typedef keeps errno.h's translation
# unit from being empty, which -Wpedantic refuses.
mkdir "$work/headers"
cd "$work/headers"
compilers=("gcc -std=c11 -x c" "gcc -std=c99 -x c" "clang -std=c11 -x c" "g++ -std=c++11 -x c++")
for h in "$prefix"/include/rtmem/*.h; do
	h=rtmem/$(basename "$h")
	for c in "${compilers[@]}"; do
		# start.h calls main, which ISO C++ forbids: it is for C programs.
		[[ $h == rtmem/start.h && $c == g++* ]] && continue
		printf '#include <%s>\ntypedef int translation_unit_not_empty;\n' "$h" |
			$c -Wall -Wextra -Wpedantic -Werror "${cflags[@]}" -fsyntax-only - ||
			die "<$h> does not compile on its own with $c"
	done
done
cd "$src"
ok "each header compiles alone as C11, C99 (gcc, clang) and C++11 (start.h: C only)"

section "consumer through pkg-config"
# nofallback: a missing or broken rtmem.pc fails here instead of quietly
# looking for a subproject.
meson setup "$work/pc" test/consumer --wrap-mode=nofallback
meson test -C "$work/pc" --print-errorlogs
loaded=$(ldd "$work/pc/consumer")
grep -q "$soname => $libdir/$soname" <<<"$loaded" ||
	die "the consumer did not load the installed librtmem.so: $loaded"
ok "built with the installed rtmem.pc, runs with the installed librtmem.so"

section "no libc, linked by hand against the installed librtmem.a"
# The command <rtmem/start.h> documents, with the flags from rtmem.pc.
mkdir "$work/bare"
for c in gcc clang; do
	$c -ffreestanding -fno-stack-protector -ffunction-sections -fdata-sections \
		-Wall -Wextra -Werror "${cflags[@]}" \
		-c test/consumer/bare.c -o "$work/bare/bare-$c.o"
	$c -nostdlib -static -Wl,--gc-sections "$work/bare/bare-$c.o" "$libdir/librtmem.a" \
		-o "$work/bare/bare-$c"
	headers=$(readelf -l "$work/bare/bare-$c")
	! grep -q INTERP <<<"$headers" || die "bare-$c has a program interpreter"
	[ "$("$work/bare/bare-$c" one two)" = "bare: ok" ] || die "bare-$c failed"
done
ok "freestanding programs from gcc and clang run"

section "consumer with rtmem as a subproject"
unset PKG_CONFIG_PATH
mkdir -p "$work/sub/subprojects/rtmem"
cp test/consumer/meson.build test/consumer/*.c "$work/sub/"
# The working tree as git sees it, ignored files (build directories) left out.
git ls-files -z --cached --others --exclude-standard |
	tar --null -T - -cf - | tar -xf - -C "$work/sub/subprojects/rtmem"
meson setup "$work/sub/build" "$work/sub" --force-fallback-for=rtmem,rtmem-libc-hooks
meson test -C "$work/sub/build" --print-errorlogs --suite rtmem-consumer
loaded=$(ldd "$work/sub/build/consumer")
! grep librtmem <<<"$loaded" || die "the subproject consumer loads a shared librtmem"
ok "built and ran with rtmem as a subproject"

section "consumer: done"
