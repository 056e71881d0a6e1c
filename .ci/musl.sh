#!/usr/bin/env bash
# The musl build: librtmem, its tests, examples and benchmarks linked
# statically against musl (cross/musl.ini): everything a default build
# builds, then every test run.
#
#   bash .ci/musl.sh [BUILD_DIR]      default: build-musl
#
# Debian's Check is built for glibc and cannot be linked with musl, so this
# first builds Check from Debian's source package with musl-gcc, into
# BUILD_DIR/check-musl (kept across runs; delete it to rebuild). As root it
# installs the packages it needs; otherwise they must be there already.
set -Eeuo pipefail
trap 'echo "musl.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."

build=$(realpath -m "${1:-build-musl}")
deps=$build/check-musl
prefix=$deps/prefix

section() { printf '\n=== %s ===\n' "$*"; }

if [ "$(id -u)" = 0 ]; then
	section "musl: packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends \
		musl-tools gcc make meson ninja-build pkg-config
fi

# write_deb_src: a private deb-src configuration (shared with cross-check.sh).
. .ci/deb-src.sh

build_check() {
	local apt=$deps/apt src=$deps/src obj=$deps/obj log=$deps/build.log
	rm -rf "$apt" "$src" "$obj" "$prefix"
	mkdir -p "$apt/lists/partial" "$apt/cache" "$src" "$obj"
	write_deb_src "$apt"
	# The download runs as the calling user: apt's own _apt user cannot
	# write into a build directory.
	local aptopts=(
		-o Dir::Etc::SourceList="$apt/sources.list"
		-o Dir::Etc::SourceParts="$apt/sources.list.d"
		-o Dir::State::Lists="$apt/lists"
		-o Dir::Cache="$apt/cache"
		-o APT::Sandbox::User="$(id -un)"
	)
	apt-get "${aptopts[@]}" -q update
	(cd "$src" && apt-get "${aptopts[@]}" -q source --download-only check)

	# Upstream's tarball, without Debian's patches: 01pkgconfig points
	# check.pc at libcheck_pic.a, which only Debian's packaging builds; the
	# others touch Check's documentation and its own test suite.
	local orig
	orig=$(find "$src" -maxdepth 1 -name 'check_*.orig.tar.gz' | head -n 1)
	if [ -z "$orig" ]; then
		echo "musl.sh: apt-get source check brought no orig tarball" >&2
		return 1
	fi
	mkdir "$src/check"
	tar -xzf "$orig" -C "$src/check" --strip-components=1

	# Only the library, its two headers and check.pc: Check's own tests and
	# manual are not needed here.
	if ! (cd "$obj" &&
		"$src/check/configure" CC=musl-gcc --prefix="$prefix" \
			--enable-static --disable-shared --disable-subunit --disable-build-docs &&
		make -j"$(nproc)" -C lib &&
		make -j"$(nproc)" -C src install &&
		make install-includeHEADERS install-pcdataDATA) >"$log" 2>&1; then
		tail -n 60 "$log" >&2
		echo "musl.sh: building Check with musl-gcc failed (full log: $log)" >&2
		return 1
	fi
}

if [ ! -e "$prefix/lib/pkgconfig/check.pc" ]; then
	section "musl: Check from Debian's source package, built with musl-gcc"
	build_check
fi

section "musl: static build and tests"
setup=(--native-file cross/musl.ini -Dpkg_config_path="$prefix/lib/pkgconfig" -Dtests=enabled)
if [ -d "$build/meson-private" ]; then
	meson setup --reconfigure "$build" "${setup[@]}"
else
	meson setup "$build" "${setup[@]}"
fi
# The whole tree first: meson test builds only what the tests need, which
# leaves the benchmark programs (bench/) out.
ninja -C "$build"
meson test -C "$build" --print-errorlogs
