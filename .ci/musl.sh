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

# check_build: Check from Debian's source package for a target.
. .ci/check-source.sh

if [ ! -e "$prefix/lib/pkgconfig/check.pc" ]; then
	section "musl: Check from Debian's source package, built with musl-gcc"
	check_build "$deps/src" "$deps" musl-gcc
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
