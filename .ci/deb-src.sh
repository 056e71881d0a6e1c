# Sourced by .ci/check-source.sh, which builds Check from Debian's source
# package.

# A deb-src twin of every entry of this machine's apt sources that serves
# its Debian release, written to a private apt configuration: the machine's
# own sources and package lists stay as they were, and third-party
# repositories (which may publish no sources) stay out.
write_deb_src() {
	local out=$1 codename
	# shellcheck source=/dev/null
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	if [ -z "$codename" ]; then
		echo "${0##*/}: no VERSION_CODENAME in /etc/os-release" >&2
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
		echo "${0##*/}: no apt source of this machine serves $codename" >&2
		return 1
	fi
}
