#!/usr/bin/env bash
# rtmem as its users get it: installed into a prefix and found through
# pkg-config or CMake's find_package, carried as a meson subproject, or
# vendored by hand. Checks what `meson install` puts down, that each
# installed header compiles on its own, and builds and runs the outside
# projects in test/consumer each way, plus a program with no libc linked
# from the installed librtmem.a as <rtmem/start.h> documents; that a
# subproject with install=false installs nothing; and runs the commands of
# the README's sections "Install and use from another project", "Vendoring
# the sources" and "Freestanding programs" as they are written there.
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
		meson ninja-build pkg-config gcc g++ clang binutils git cmake python3
fi

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
# The consumers must not see rtmem's source tree, nor a pkg-config or
# CMake search path from the caller.
unset PKG_CONFIG_PATH CMAKE_PREFIX_PATH

# The lines of the README's code blocks in LANG (sh, cmake, meson) in
# section TITLE ("## TITLE"), in order; a section with none is an error.
readme_blocks() {
	local title=$1 lang=$2 text
	text=$(awk -v want="## $title" -v fence="\`\`\`$lang" '
		/^## / { insec = ($0 == want); next }
		insec && !inblk && $0 == fence { inblk = 1; next }
		inblk && /^```$/ { inblk = 0; next }
		inblk { print }
	' "$src/README.md")
	[ -n "$text" ] || die "README.md: no \`\`\`$lang block in \"## $title\""
	printf '%s\n' "$text"
}
# A copy of the working tree as git sees it, ignored files (build
# directories) left out: what a fresh clone with these changes holds.
copy_tree() {
	mkdir -p "$1"
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && tar --null -T - -cf -) | tar -xf - -C "$1"
}

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

section "CMake: find_package(rtmem) from the install"
# The install above keeps meson's multiarch libdir, which CMake searches
# through CMAKE_LIBRARY_ARCHITECTURE; the README's run below uses
# --libdir=lib.
cmake -S test/consumer/cmake -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >"$work/cmake.log" ||
	{ cat "$work/cmake.log"; die "cmake could not configure test/consumer/cmake"; }
cmake --build "$work/cmake" >>"$work/cmake.log" ||
	{ cat "$work/cmake.log"; die "test/consumer/cmake does not build"; }
ctest --test-dir "$work/cmake" --output-on-failure
loaded=$(ldd "$work/cmake/consumer")
! grep librtmem <<<"$loaded" || die "rtmem::libc_hooks linked a shared librtmem"
ok "test/consumer/cmake: rtmem::rtmem and rtmem::libc_hooks link and run"

# What find_package accepts, and where its targets point. PROBE_ARGS are
# find_package's arguments after the name.
mkdir "$work/cmake-probe"
cat >"$work/cmake-probe/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.13)
project(rtmem_probe LANGUAGES C)
find_package(rtmem ${PROBE_ARGS})
if(NOT rtmem_FOUND)
  message(FATAL_ERROR "find_package(rtmem ${PROBE_ARGS}): not found")
endif()
get_target_property(lib rtmem::rtmem IMPORTED_LOCATION)
get_target_property(inc rtmem::rtmem INTERFACE_INCLUDE_DIRECTORIES)
get_target_property(hooks rtmem::libc_hooks IMPORTED_LOCATION)
get_target_property(hooks_links rtmem::libc_hooks INTERFACE_LINK_LIBRARIES)
file(WRITE "${CMAKE_BINARY_DIR}/found" "${rtmem_VERSION}|${lib}|${inc}|${hooks}|${hooks_links}\n")
EOF
probe_n=0
probe() { # probe PREFIX ARGS: 0 when find_package(rtmem ARGS) finds rtmem
	probe_n=$((probe_n + 1))
	probe_dir=$work/cmake-probe/build-$probe_n
	cmake -S "$work/cmake-probe" -B "$probe_dir" -DCMAKE_PREFIX_PATH="$1" \
		"-DPROBE_ARGS=$2" >"$probe_dir.log" 2>&1
}
for want in "" 0 0.1 0.1.0 "$version" 0.1...0.2 0.0...0.2 "0.1...<0.2" "COMPONENTS;libc_hooks" "0.1;COMPONENTS;rtmem;libc_hooks"; do
	probe "$prefix" "$want" || { cat "$probe_dir.log"; die "find_package(rtmem $want) failed"; }
done
for want in 0.2 0.0 1 1.0 0.1.1 0.2...0.3 "0.0...<0.1" "COMPONENTS;shared"; do
	! probe "$prefix" "$want" || die "find_package(rtmem $want) accepted rtmem $version"
done
probe "$prefix" "$version;EXACT" || { cat "$probe_dir.log"; die "find_package(rtmem $version EXACT) failed"; }
ok "find_package(rtmem): versions 0.1, 0.1.0, ranges, components; not 0.0, 0.2, 1.0, COMPONENTS shared"

# Everything found lies under the prefix it was found in, also in the
# staged copy (the paths are computed relative to rtmemConfig.cmake).
for p in "$prefix" "$work/stage$prefix"; do
	probe "$p" "$version" || { cat "$probe_dir.log"; die "find_package(rtmem) in $p failed"; }
	want="$version|${libdir/#$prefix/$p}/librtmem.a|$p/include|${libdir/#$prefix/$p}/librtmem_libc_hooks.a|rtmem::rtmem"
	[ "$(cat "$probe_dir/found")" = "$want" ] ||
		die "find_package(rtmem) in $p: $(cat "$probe_dir/found"), want $want"
done
ok "rtmem::rtmem and rtmem::libc_hooks point into the prefix they were found in, a staged copy too"

# An install for another pointer size is unsuitable (a 32-bit project must
# not link this 64-bit archive). A cmake script stands for the project: it
# sets the project's CMAKE_SIZEOF_VOID_P and loads the version file, as
# find_package does.
unsuitable() { # unsuitable SIZEOF_VOID_P: what PACKAGE_VERSION_UNSUITABLE is
	cat >"$work/cmake-probe/unsuitable.cmake" <<EOF
set(CMAKE_SIZEOF_VOID_P $1)
include("$libdir/cmake/rtmem/rtmemConfigVersion.cmake")
message("\${PACKAGE_VERSION_UNSUITABLE}")
EOF
	cmake -P "$work/cmake-probe/unsuitable.cmake" 2>&1
}
bits=$(getconf LONG_BIT)
other=$((bits == 64 ? 4 : 8))
[ "$(unsuitable $((bits / 8)))" = "" ] || die "a $bits-bit project finds the $bits-bit install unsuitable"
[ "$(unsuitable $other)" = TRUE ] || die "a $((other * 8))-bit project finds the $bits-bit install suitable"
ok "a $((other * 8))-bit project finds the $bits-bit install unsuitable, a $bits-bit one suitable"

section "consumer with rtmem as a subproject"
unset PKG_CONFIG_PATH
mkdir -p "$work/sub"
cp test/consumer/meson.build test/consumer/*.c "$work/sub/"
copy_tree "$work/sub/subprojects/rtmem"
meson setup "$work/sub/build" "$work/sub" --force-fallback-for=rtmem,rtmem-libc-hooks
meson test -C "$work/sub/build" --print-errorlogs --suite rtmem-consumer
loaded=$(ldd "$work/sub/build/consumer")
! grep librtmem <<<"$loaded" || die "the subproject consumer loads a shared librtmem"
ok "built and ran with rtmem as a subproject"

# What the parent's install holds: with rtmem's default, rtmem's files
# too, as with any meson subproject; with install=false its program only.
# The paths printed relative to the stage, files and links.
staged() { (cd "$1" && find . -type f -o -type l | sort); }
meson install -C "$work/sub/build" --quiet --destdir "$work/sub-stage-default" >/dev/null
grep -q '/rtmem\.pc$' <(staged "$work/sub-stage-default") ||
	die "the subproject's default install did not install rtmem.pc: the install=false check below would prove nothing"
meson configure "$work/sub/build" -Drtmem:install=false
meson install -C "$work/sub/build" --quiet --destdir "$work/sub-stage" >/dev/null
[ "$(staged "$work/sub-stage")" = "./usr/local/bin/consumer" ] ||
	die "with -Drtmem:install=false the parent's install holds more than its program:
$(staged "$work/sub-stage")"
ok "-Drtmem:install=false: the parent's install holds its program only"

# The README's form, as written there: install=false in the parent's
# dependency() call. The parent builds static libraries by default, which
# reaches rtmem too.
mkdir -p "$work/sub2/subprojects"
ln -s "$work/sub/subprojects/rtmem" "$work/sub2/subprojects/rtmem"
cp test/consumer/hello.c "$work/sub2/"
{
	echo "project('rtmem-parent', 'c', default_options: ['c_std=c11', 'default_library=static'])"
	readme_blocks "Install and use from another project" meson
	echo "executable('hello', 'hello.c', dependencies: rtmem, install: true)"
} >"$work/sub2/meson.build"
meson setup "$work/sub2/build" "$work/sub2" --force-fallback-for=rtmem >"$work/sub2/setup.log" ||
	{ cat "$work/sub2/setup.log"; die "the README's subproject form does not set up"; }
meson install -C "$work/sub2/build" --quiet --destdir "$work/sub2-stage" >/dev/null
[ "$(staged "$work/sub2-stage")" = "./usr/local/bin/hello" ] ||
	die "with the README's default_options: ['install=false'] the parent's install holds more than its program:
$(staged "$work/sub2-stage")"
"$work/sub2/build/hello" >/dev/null || die "the README's subproject parent's program failed"
ok "the README's dependency(..., default_options: ['install=false']), default_library=static: its program only"

section "the README's commands, as written there"
# In a fresh copy of the tree, with a home directory of its own (the
# README installs into $HOME/.local) and no search paths from the caller.
readme=$work/readme
copy_tree "$readme/rtmem"
mkdir -p "$readme/home"
run_readme() { # run_readme TITLE: the section's sh blocks, in one shell, as a reader would
	printf -- '--- README: %s\n' "$1"
	(cd "$readme/rtmem" &&
		env -u PKG_CONFIG_PATH -u CMAKE_PREFIX_PATH HOME="$readme/home" \
			bash -Eeuxo pipefail -c "$(readme_blocks "$1" sh)") ||
		die "README.md: a command in \"## $1\" failed"
}
run_readme "Install and use from another project"
[ -f "$readme/home/.local/lib/librtmem.a" ] && [ -f "$readme/home/.local/lib/cmake/rtmem/rtmemConfig.cmake" ] ||
	die "README.md: the install did not go to \$HOME/.local/lib"
run_readme "Vendoring the sources"
# "Freestanding programs" links the quick start's build/librtmem.a: built
# here without what the quick start builds besides.
meson setup "$readme/rtmem/build" "$readme/rtmem" -Dtests=disabled -Dbenchmarks=disabled \
	-Dexamples=disabled >"$readme/setup.log" || { cat "$readme/setup.log"; die "meson setup failed"; }
ninja -C "$readme/rtmem/build" librtmem.a >/dev/null
run_readme "Freestanding programs"
ok "the README's install, CMake, vendoring and freestanding commands work as written"

# What the README says around those commands, checked against the build:
# the vendoring list is meson.build's, file for file.
core=$(meson introspect --targets "$work/rtmem" | python3 -c '
import json, os, sys
src = sys.argv[1]
for t in json.load(sys.stdin):
    if t["name"] == "rtmem" and t["type"] == "static library":
        for ts in t["target_sources"]:
            for f in ts["sources"]:
                print(os.path.relpath(f, src))
' "$src" | sort)
[ -n "$core" ] || die "no sources of librtmem.a from meson introspect"
vendor=$(readme_blocks "Vendoring the sources" sh)
listed=$(sed -n '/^for f in/,/; do$/p' <<<"$vendor" | grep -oE '(sys|mem)/[a-z0-9_/]+\.c' | sort)
[ "$listed" = "$core" ] ||
	die "README.md: the vendoring loop compiles $(echo $listed), meson.build's librtmem.a $(echo $core)"
section_text=$(awk '/^## / { insec = ($0 == "## Vendoring the sources"); next } insec' README.md)
named=$(grep -oE '(sys|mem)/[a-z0-9_/]+\.c' <<<"$section_text" | grep -v '^sys/linux/libc_hooks\.c$' | sort -u)
[ "$named" = "$core" ] ||
	die "README.md: \"## Vendoring the sources\" names $(echo $named), meson.build's librtmem.a $(echo $core)"
ok "the README's vendoring list is librtmem.a's sources: $(echo $core)"
# The CMake lines the README shows are those of the consumer it builds.
while IFS= read -r line; do
	grep -qxF "$line" test/consumer/cmake/CMakeLists.txt ||
		die "README.md shows \"$line\", which test/consumer/cmake/CMakeLists.txt does not have"
done < <(readme_blocks "Install and use from another project" cmake)
ok "the README's CMake lines are test/consumer/cmake's"

section "consumer: done"
