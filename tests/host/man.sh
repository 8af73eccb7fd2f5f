#!/bin/bash
# man.sh - the man pages (docs/man/*.8.scd) against the tool itself (TAP).
#
# Builds the pages with scdoc into a temporary directory, then for every
# command that 'nsbox --help' lists:
#   - nsbox-CMD.8 exists and has the usual sections;
#   - every option 'nsbox CMD --help' prints (-x and --long alike) is in
#     the OPTIONS section of the built page;
#   - every option the page's OPTIONS section documents (its headings,
#     e.g. "*-o*, *--output* _LIST_") is an option of 'nsbox CMD --help';
#   - the page renders without groff warnings.
# and that nsbox.8 lists every command.  The comparison is first run on a
# page with an option taken out and one made up, which it must catch.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
NSBOX=$TOP/tools/nsbox
MANSRC=$TOP/docs/man
n=0
fails=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
}

# diag < TEXT: the text as TAP diagnostics
diag() {
	sed 's/^/# /'
}
# none NAME TEXT [LABEL]: ok when TEXT is empty, else not ok with TEXT
none() {
	if [ -z "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "${3:-}$2" | diag
	fi
}

echo "TAP version 13"
if [ ! -x "$NSBOX" ] && ! make -s -C "$TOP/tools" >/dev/null; then
	echo "Bail out! cannot build $NSBOX"
	exit 1
fi
if ! command -v scdoc >/dev/null; then
	echo "Bail out! scdoc is not installed (apt-get install scdoc)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OUT=$tmp/man

if out=$(make -s -C "$MANSRC" OUT="$OUT" 2>&1); then
	ok "make -C docs/man OUT=DIR builds the pages"
else
	not_ok "make -C docs/man OUT=DIR builds the pages"
	echo "$out" | diag
fi

# help_defined < HELP: the options the option list of a --help text
# defines: the "-x, --long" at the start of an indented line
help_defined() {
	sed -nE 's/^ +((--?[A-Za-z][A-Za-z0-9-]*)(, --?[A-Za-z][A-Za-z0-9-]*)*).*/\1/p' |
		tr ',' '\n' | tr -d ' ' | sort -u
}

# help_opts < HELP: the options a --help text prints: those of its usage
# lines (the "usage:" line and the lines after it up to the first empty
# one: a command with subcommands has one line each, e.g. "nsbox probe
# ls [-J] [-o LIST]") and of its option list, one per line (not those
# its prose names: "unshare --net=FILE", "'nsbox run' without --rootfs"
# are other commands')
help_opts() {
	local help

	help=$(cat)
	{
		echo "$help" | sed -n '/^usage:/,/^$/p' |
			grep -oE "(^|[][ ,(|])--?[A-Za-z][A-Za-z0-9-]*" | sed -E 's/^[^-]+//'
		echo "$help" | help_defined
	} | sort -u
}

# roff_section NAME < ROFF: the text of one section of a built page, fonts
# and escapes taken out, "\-" as "-"
roff_section() {
	awk -v want="$1" '
		/^\.SH / { sub(/^\.SH +/, ""); gsub(/"/, ""); on = ($0 == want); next }
		on' |
		sed -E 's/\\f[BIRP]//g; s/\\f\(..//g; s/\\&//g; s/\\-/-/g; s/\\\(hy/-/g; s/\\\(aq/'\''/g'
}

# scd_documented < SCD: the options the OPTIONS section of a page source
# documents: the bold -x / --long words of its headings (unindented lines)
scd_documented() {
	awk '/^# / { on = ($0 == "# OPTIONS"); next } on && /^\*-/' |
		grep -oE '\*--?[A-Za-z][A-Za-z0-9-]*\*' | tr -d '*' | sort -u
}

# has_word WORD < TEXT: WORD appears, not as part of a longer option
has_word() {
	grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)"
}

# compare HELP SCD ROFF: print what differs, one line each; status 1 if
# anything does
compare() {
	local help=$1 scd=$2 roff=$3 opts opt bad=0

	opts=$(roff_section OPTIONS < "$roff")
	for opt in $(help_opts < "$help"); do
		if ! echo "$opts" | has_word "$opt"; then
			echo "$opt: in --help, not in the page's OPTIONS"
			bad=1
		fi
	done
	for opt in $(scd_documented < "$scd"); do
		if ! help_defined < "$help" | grep -qxF -- "$opt"; then
			echo "$opt: documented in the page, not an option of --help"
			bad=1
		fi
	done
	return $bad
}

# The comparison must be able to fail: nsbox-stop.8 without --timeout and
# with a made-up --zap.
"$NSBOX" stop --help > "$tmp/stop.help" 2>&1
awk '/^\*-t\*, \*--timeout\*/ { skip = 1; next }
	skip && /^\t/ { next }
	{ skip = 0; print }
	/^# OPTIONS$/ { print ""; print "*-z*, *--zap*"; print "\tMade up." }' \
	"$MANSRC/nsbox-stop.8.scd" > "$tmp/fake.8.scd"
if scdoc < "$tmp/fake.8.scd" > "$tmp/fake.8" 2> "$tmp/fake.err" &&
   ! diff=$(compare "$tmp/stop.help" "$tmp/fake.8.scd" "$tmp/fake.8") &&
   echo "$diff" | grep -q -- '^--timeout: in --help, not in' &&
   echo "$diff" | grep -q -- '^-t: in --help, not in' &&
   echo "$diff" | grep -q -- '^--zap: documented in the page, not' &&
   echo "$diff" | grep -q -- '^-z: documented in the page, not'; then
	ok "self-check: a page without -t/--timeout and with a made-up -z/--zap is caught"
else
	not_ok "self-check: a page without -t/--timeout and with a made-up -z/--zap is caught"
	{ cat "$tmp/fake.err"; echo "compare said:"; echo "$diff"; } | diag
fi

# warnings FILE: what man (or groff) says about a page, nothing if clean
warnings() {
	if command -v man >/dev/null; then
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -E UTF-8 "$1" 2>&1 >/dev/null
	else
		groff -t -man -ww -z "$1" 2>&1
	fi
}

# ... and must see a warning when there is one
cp "$tmp/fake.8" "$tmp/warn.8"
echo ".nosuchmacro" >> "$tmp/warn.8"
if warnings "$tmp/warn.8" | grep -q nosuchmacro; then
	ok "self-check: a page calling an undefined macro gives a warning"
else
	not_ok "self-check: a page calling an undefined macro gives a warning"
	warnings "$tmp/warn.8" | diag
fi

# check_page NAME HELP: the checks of one built page against a --help text
check_page() {
	local name=$1 help=$2 page=$OUT/$1.8 scd=$MANSRC/$1.8.scd missing diff w s

	if [ ! -f "$page" ]; then
		not_ok "$name.8 exists"
		return
	fi
	missing=
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -qE "^\.SH \"?$s\"?\$" "$page" || missing="$missing $s"
	done
	none "$name.8 has NAME ... SEE ALSO" "$missing" "missing:"
	if diff=$(compare "$help" "$scd" "$page"); then
		ok "$name.8 documents exactly the options of --help ($(help_opts < "$help" | tr '\n' ' '))"
	else
		not_ok "$name.8 documents exactly the options of --help"
		echo "$diff" | diag
	fi
	w=$(warnings "$page")
	none "$name.8 renders without warnings" "$w"
}

"$NSBOX" --help > "$tmp/nsbox.help" 2>&1
cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' "$tmp/nsbox.help")
if [ "$(echo "$cmds" | wc -w)" -ge 14 ]; then
	ok "nsbox --help lists $(echo "$cmds" | wc -w) commands"
else
	not_ok "nsbox --help lists the commands"
	diag < "$tmp/nsbox.help"
fi

# nsbox.8: every command in COMMANDS, with a pointer to its page; the
# global options
page=$OUT/nsbox.8
if [ -f "$page" ]; then
	text=$(roff_section COMMANDS < "$page")
	missing=
	for c in $cmds; do
		if ! echo "$text" | grep -qx -- "$c" ||
		   ! echo "$text" | grep -qF -- "nsbox-$c(8)"; then
			missing="$missing $c"
		fi
	done
	none "nsbox.8 lists every command, each with its page" "$missing" "missing or without a nsbox-CMD(8) pointer:"
	text=$(roff_section "GLOBAL OPTIONS" < "$page")
	missing=
	for opt in $(help_opts < "$tmp/nsbox.help"); do
		echo "$text" | has_word "$opt" || missing="$missing $opt"
	done
	none "nsbox.8 documents the global options of nsbox --help" "$missing" "missing:"
	w=$(warnings "$page")
	none "nsbox.8 renders without warnings" "$w"
else
	not_ok "nsbox.8 exists"
fi

for c in $cmds; do
	"$NSBOX" "$c" --help > "$tmp/$c.help" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		not_ok "nsbox $c --help exits 0"
		echo "exit $rc" | diag
		continue
	fi
	check_page "nsbox-$c" "$tmp/$c.help"
done

# no page for a command that does not exist (any more)
extra=
for f in "$MANSRC"/nsbox-*.8.scd; do
	c=${f##*/nsbox-}
	c=${c%.8.scd}
	echo "$cmds" | grep -qx -- "$c" || extra="$extra ${f##*/}"
done
if [ -z "$extra" ]; then
	ok "every nsbox-CMD.8.scd is the page of a command"
else
	not_ok "every nsbox-CMD.8.scd is the page of a command"
	echo "pages of no command:$extra" | diag
fi

echo "1..$n"
[ "$fails" = 0 ]
