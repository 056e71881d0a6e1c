# Sourced by .ci/cross-check.sh, .ci/windows-check.sh and .ci/musl.sh:
# Check built from Debian's source package for a target whose Check
# Debian does not ship (another architecture, Windows, musl).
#
#   check_build SRC DEPS CC [CONFIGURE_ARG...]
#       the static library, its two headers and check.pc in DEPS/prefix
#       (log: DEPS/build.log), built with CC from the source unpacked in
#       SRC/check (downloaded first if it is not there); nothing to do if
#       DEPS/prefix already has check.pc. 0, or 1 with the reason on
#       stderr.

# write_deb_src: a private deb-src configuration.
. "$(dirname "${BASH_SOURCE[0]}")/deb-src.sh"

# Upstream's tarball from Debian's source package, unpacked in SRC/check,
# without Debian's patches: 01pkgconfig points check.pc at
# libcheck_pic.a, which only Debian's packaging builds; the others touch
# Check's documentation and its own test suite. tar keeps the tarball's
# timestamps, so automake sees its generated files as up to date and does
# not try to regenerate them (there is no automake to do it).
check_fetch() {
	local src=$1 apt=$1/apt orig
	[ -x "$src/check/configure" ] && return 0
	rm -rf "$src"
	mkdir -p "$apt/lists/partial" "$apt/cache" "$src/check"
	write_deb_src "$apt" || return 1
	# The download runs as the calling user: apt's own _apt user cannot
	# write into a build directory.
	local aptopts=(
		-o Dir::Etc::SourceList="$apt/sources.list"
		-o Dir::Etc::SourceParts="$apt/sources.list.d"
		-o Dir::State::Lists="$apt/lists"
		-o Dir::Cache="$apt/cache"
		-o APT::Sandbox::User="$(id -un)"
	)
	# set -e does not reach here (callers test the result): every step
	# is checked.
	apt-get "${aptopts[@]}" -q update || return 1
	(cd "$src" && apt-get "${aptopts[@]}" -q source --download-only check) || return 1
	orig=$(find "$src" -maxdepth 1 -name 'check_*.orig.tar.gz' | head -n 1)
	if [ -z "$orig" ]; then
		echo "${0##*/}: apt-get source check brought no orig tarball" >&2
		return 1
	fi
	tar -xzf "$orig" -C "$src/check" --strip-components=1 || { rm -rf "$src/check"; return 1; }
}

# Only the library, its two headers and check.pc: Check's own tests and
# manual are not needed.
check_build() {
	local src=$1 deps=$2 cc=$3 log=$2/build.log
	shift 3
	[ -e "$deps/prefix/lib/pkgconfig/check.pc" ] && return 0
	check_fetch "$src" || return 1
	# SRC may lie inside DEPS (musl.sh keeps it there).
	rm -rf "$deps/obj" "$deps/prefix"
	mkdir -p "$deps/obj"
	if ! (cd "$deps/obj" &&
		"$src/check/configure" CC="$cc" --prefix="$deps/prefix" \
			--enable-static --disable-shared --disable-subunit --disable-build-docs "$@" &&
		make -j"$(nproc)" -C lib &&
		make -j"$(nproc)" -C src install &&
		make install-includeHEADERS install-pcdataDATA) >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		echo "${0##*/}: building Check with $cc failed (full log: $log)" >&2
		return 1
	fi
}
