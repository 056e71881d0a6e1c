#!/usr/bin/env bash
# The musl build: librtmem, its tests and examples linked statically against
# musl (cross/musl.ini), with every test run.
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

# A deb-src twin of every entry of this machine's apt sources that serves
# its Debian release, written to a private apt configuration: the machine's
# own sources and package lists stay as they were, and third-party
# repositories (which may publish no sources) stay out.
write_deb_src() {
	local out=$1 codename
	# shellcheck source=/dev/null
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	if [ -z "$codename" ]; then
		echo "musl.sh: no VERSION_CODENAME in /etc/os-release" >&2
		return 1
	fi
	mkdir -p "$out/sources.list.d"
	# One-line format: "deb [options] URI suite components".
	local f
	: >"$out/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		awk -v c="$codename" '
			$1 == "deb" {
				i = 2
				if ($2 ~ /^\[/) {
					while (i < NF && $i !~ /\]$/)
						i++
					i++
				}
				suite = $(i + 1)
				if (suite == c || index(suite, c "-") == 1) {
					sub(/^deb/, "deb-src")
					print
				}
			}' "$f" >>"$out/sources.list"
	done
	# deb822 format: one stanza per paragraph; the copy keeps every field
	# (URIs, Suites, Components, Signed-By, Enabled) and changes Types.
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk -v c="$codename" '
			BEGIN { RS = ""; ORS = "\n\n" }
			{
				types = 0; suites = 0
				n = split($0, line, "\n")
				for (k = 1; k <= n; k++) {
					if (line[k] ~ /^Types:/ && line[k] ~ /[: \t]deb([ \t]|$)/)
						types = 1
					if (line[k] ~ /^Suites:/ && line[k] ~ ("[: \t]" c "(-[a-z]+)?([ \t]|$)"))
						suites = 1
				}
				if (types && suites) {
					sub(/(^|\n)Types:[^\n]*/, "Types: deb-src")
					print
				}
			}' "$f" >"$out/sources.list.d/$(basename "$f")"
	done
	if ! grep -qs '^deb-src\|^Types: deb-src' "$out/sources.list" "$out"/sources.list.d/*; then
		echo "musl.sh: no apt source of this machine serves $codename" >&2
		return 1
	fi
}

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
meson test -C "$build" --print-errorlogs
