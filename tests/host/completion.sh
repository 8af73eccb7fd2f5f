#!/bin/bash
# completion.sh - nsbox's shell completion (TAP): tools/completion/nsbox.bash
# driven as bash drives it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT,
# then _nsbox), once without bash-completion and once with it, against what
# the tool says (nsbox --help, nsbox CMD --help) and its source (the
# getopt_long tables in tools/cmd/*.c, the column tables); then
# tools/completion/_nsbox in zsh.
#
# Boxes, groups and probes: the completion asks the nsbox on the command
# line (`nsbox ls -rn -o name`, `nsbox groups -rn -o kind,id --kind K`,
# `nsbox probe ls -rno name`).  A stub nsbox earlier in PATH answers those
# with made-up boxes, groups and probes (the host has no module); the real
# tool lists a made-up state directory when run as a user that is not root
# (its $XDG_RUNTIME_DIR/nsbox).  probe add's SYMBOL comes from a made-up
# kallsyms file, then from /proc/kallsyms if it is readable.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
NSBOX=$TOP/tools/nsbox
COMP=$TOP/tools/completion/nsbox.bash
ZCOMP=$TOP/tools/completion/_nsbox
SRC=$TOP/tools/cmd
n=0
fails=0

echo "TAP version 13"
if [ ! -x "$NSBOX" ]; then
	echo "Bail out! $NSBOX not built (make -C tools)"
	exit 1
fi
T=$(mktemp -d /tmp/nsbox-completion.XXXXXX)
trap 'rm -rf "$T"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
words() { printf '%s\n' $1 | sed '/^$/d' | sort -u; }	# a list, one a line, sorted

# set_diff WANT GOT: the lines of one and not the other, "-x" / "+x"
set_diff() {
	diff <(words "$1") <(words "$2") | sed -n 's/^< /-/p; s/^> /+/p'
}
# same NAME WANT GOT: the sets of words are equal
same() {
	local d
	d=$(set_diff "$2" "$3")
	if [ -z "$d" ] && [ -n "$(words "$2")" ]; then
		ok "$1"
	else
		notok "$1"
		[ -n "$(words "$2")" ] || diag "nothing expected: the expectation itself is broken"
		diag "missing (-) / extra (+):" $d
	fi
}
# has NAME WANT GOT: every word of WANT is in GOT
has() {
	local d
	d=$(set_diff "$2" "$3" | grep '^-')
	if [ -z "$d" ] && [ -n "$(words "$2")" ]; then ok "$1"; else notok "$1"; diag "missing:" $d; fi
}
# is NAME WANT GOT: exactly equal strings
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1"; diag "want: $2" "got:  $3"; fi
}

# ---- driving _nsbox ------------------------------------------------------

# comp LINE: complete LINE with the cursor at its end, as bash does: the
# words split at blanks and around each run of COMP_WORDBREAKS's ':' and
# '='; prints COMPREPLY, one a line.  stderr goes to $T/err.
comp() {
	local line=$1 p
	local -a parts=() w=()
	read -r -a parts <<<"$line"
	for p in "${parts[@]}"; do
		while [[ $p =~ ^([^:=]*)([:=]+)(.*)$ ]]; do
			[ -n "${BASH_REMATCH[1]}" ] && w+=("${BASH_REMATCH[1]}")
			w+=("${BASH_REMATCH[2]}")
			p=${BASH_REMATCH[3]}
		done
		[ -n "$p" ] && w+=("$p")
	done
	[[ -z $line || $line == *' ' ]] && w+=('')
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_WORDS=("${w[@]}")
	COMP_CWORD=$((${#w[@]} - 1))
	COMP_TYPE=9
	COMP_KEY=9
	COMPREPLY=()
	_nsbox "${w[0]}" "${w[COMP_CWORD]}" "${w[COMP_CWORD - 1]}" 2>"$T/err"
	[ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}"
}
# applied LINE: the lines a user gets by taking each completion of LINE:
# readline replaces what follows the last word break (':', '=') or blank
applied() {
	local line=$1 keep c
	keep=${line%"${line##*[[:space:]:=]}"}
	comp "$line" | while IFS= read -r c; do echo "$keep$c"; done
}

# ---- what the tool and its source say -----------------------------------

CMDS=$("$NSBOX" --help | awk '/^Commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 } c && /^$/ { exit }')
# help_longs CMD: the long options `nsbox CMD --help` prints
# (the option list's lines: "  -k, --kind KIND   text", "  -b, --bytes, --exact")
help_longs() {
	"$NSBOX" "$1" --help | grep -E '^ +(-[A-Za-z0-9], )?--[a-z]' | sed 's/^ *//; s/  .*//' |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
# help_columns CMD: the -o columns `nsbox CMD --help` lists
help_columns() { "$NSBOX" "$1" --help | awk '/^Columns/ { c = 1; next } c { sub(/^  [* ] /, ""); print $1 }'; }
# the function of tools/cmd/FILE.c that parses each command's options
declare -A FUNC=([info]=info.c:cmd_info [groups]=groups.c:cmd_groups [ps]=ps.c:cmd_ps
	[mem]=mem.c:cmd_mem [top]=top.c:cmd_top [events]=events.c:cmd_events [verify]=admin.c:cmd_verify
	[reset]=admin.c:cmd_reset [adopt]=adopt.c:cmd_adopt [run]=run.c:parse_args
	[ls]=ls.c:cmd_ls [exec]=exec.c:cmd_exec [logs]=logs.c:cmd_logs [attach]=attach.c:cmd_attach [stop]=stop.c:cmd_stop [rm]=stop.c:cmd_rm
	[rootfs]=rootfs.c:cmd_rootfs [export]=export.c:cmd_export [serve]=serve.c:cmd_serve
	[probe]=probe.c:cmd_probe [probe-add]=probe.c:probe_add [probe-ls]=probe.c:probe_ls
	[probe-rm]=probe.c:probe_rm [probe-show]=probe.c:probe_show)
# the subcommands of a command, each with its own options (FUNC[CMD-SUB])
declare -A SUBS=([probe]="add ls rm show")
# body CMD: the source of that function
body() {
	awk -v f="${FUNC[$1]#*:}" '$0 ~ "^[a-z].*[ *]" f "\\(" { on = 1 } on { print } on && /^}/ { exit }' \
		"$SRC/${FUNC[$1]%%:*}"
}
TABLE_LONGS=$(sed -n '/^#define NSBOX_TABLE_OPTIONS/,/[^\\]$/p' "$TOP/tools/lib/table.h" |
	grep -oE '\{ *"[a-z][a-z0-9-]*"' | tr -d '{ "' | sed 's/^/--/')
TABLE_SHORTS=$(sed -n 's/^#define NSBOX_TABLE_SHORTOPTS "\(.*\)"$/\1/p' "$TOP/tools/lib/table.h")
# src_longs CMD: the long options of CMD's getopt_long table (or strcmp()s)
src_longs() {
	local b
	b=$(body "$1")
	{
		echo "$b" | grep -oE '\{ *"[a-z][a-z0-9-]*", *(no|required|optional)_argument' |
			grep -oE '"[a-z0-9-]+"' | tr -d '"' | sed 's/^/--/'
		echo "$b" | grep -q NSBOX_TABLE_OPTIONS && echo "$TABLE_LONGS"
		echo "$b" | grep -oE 'strcmp\(argv\[i\], "--[a-z0-9-]+"\)' | grep -oE -- '--[a-z0-9-]+'
	} | sort -u
}
# src_shorts CMD: its short options (the getopt_long string, or strcmp()s)
src_shorts() {
	local b s
	b=$(body "$1")
	s=$(echo "$b" | sed -n 's/.*getopt_long(argc, argv, \(.*\), opts, NULL).*/\1/p' |
		sed "s/NSBOX_TABLE_SHORTOPTS/\"$TABLE_SHORTS\"/g" | tr -d '" +:')
	{
		echo "$s" | grep -o . | sed 's/^/-/'
		echo "$b" | grep -oE 'strcmp\(argv\[i\], "-[a-zA-Z]"\)' | grep -oE -- '-[a-zA-Z]'
	} | sort -u
}
# src_columns FILE [TABLE]: the column names of tools/cmd/FILE's table
# (TABLE: its name, default columns)
src_columns() {
	sed -n "/^static const struct nsbox_col ${2:-columns}\\[/,/^};/p" "$SRC/$1" |
		grep -oE '\{ *"[a-z0-9_]+", *NSBOX_COL_' | grep -oE '"[a-z0-9_]+"' | tr -d '"'
}
KINDS=$("$NSBOX" groups --help | sed -n 's/.*only this kind: //p' | tr -d ,)
# kinds_of CMD: the kinds `nsbox CMD --help` lists for --kind (export, serve)
kinds_of() { "$NSBOX" "$1" --help | sed -n 's/.*--kind KIND.*(repeatable): //p' | tr -d ,; }
# the kinds `nsbox probe --help` lists for show --kind
probe_kinds() { "$NSBOX" probe --help | sed -n 's/.*--kind KIND.*of this kind: //p' | tr -d ,; }
# the formats of `nsbox export --help`: "prometheus (...) or openmetrics"
EXPORT_FORMATS=$("$NSBOX" export --help | sed -n 's/^ *-f, --format F *//p' | sed 's/([^)]*)//g; s/ or / /')
EVENT_TYPES="$(sed -n '/type_names\[/,/^};/p' "$SRC/events.c" | grep -oE '= "[a-z_]+"' | tr -d '= "')
$(sed -n 's/^#define EV_RESTART_NAME "\(.*\)"/\1/p' "$SRC/events.c")"
SORT_KEYS=$(sed -n 's/.*sort_names\[S_COUNT\]\[[0-9]*\] = {\(.*\)};/\1/p' "$SRC/top.c" | tr -d '",')
ALLOW=$(grep -A1 '^const char \*box_allow_groups' "$TOP/tools/box/sec.c" >/dev/null &&
	sed -n '/^const char \*box_allow_groups/,/^}/s/.*return "\(.*\)";/\1/p' "$TOP/tools/box/sec.c" | tr -d ,)

# ---- the stub: made-up boxes and groups ----------------------------------
mkdir -p "$T/bin" "$T/dirs/rootfs-a" "$T/dirs/rootfs-b"
: >"$T/dirs/rootfs-file"
cat >"$T/bin/nsbox" <<EOF
#!/bin/bash
# a stub nsbox: ls and groups from made-up data, anything else the real one
echo "\$*" >>"$T/stub.log"
case " \$* " in *" --help "*) exec "$NSBOX" "\$@" ;; esac
case \$1 in
ls) printf 'alpha\nbeta\nbox-1x2y3z\n' ;;
probe)
	case \$2 in
	ls) printf 'vfs_write\nsleep\nwsum\n' ;;
	*) exec "$NSBOX" "\$@" ;;
	esac ;;
groups)
	kind=
	while [ \$# -gt 0 ]; do
		case \$1 in --kind|-k) kind=\$2; shift ;; esac
		shift
	done
	printf 'net 4026531840\nnet 4026532210\npid 4026531836\ncgroup2 1\ncgroup2 1234\n' |
		awk -v k="\$kind" 'k == "" || \$1 == k' ;;
*) exec "$NSBOX" "\$@" ;;
esac
EOF
chmod +x "$T/bin/nsbox"
# a made-up /proc/kallsyms: functions (t, T), data, padding, a module's
printf '%s\n' 'ffffffff81000000 T _stext' '0000000000000000 T vfs_write' \
	'0000000000000000 t vfs_writev' '0000000000000000 t __pfx_vfs_write' \
	'0000000000000000 t vfs_write_iter.isra.0' '0000000000000000 d vfs_write_data' \
	'0000000000000000 D vfs_write_count' '0000000000000000 T vfs_read' \
	'0000000000000000 t __pfx___put_task' '0000000000000000 T __put_task' \
	'0000000000000000 T vfs_write' >"$T/kallsyms"
printf '0000000000000000 t mod_func\t[nsbox_test]\n' >>"$T/kallsyms"
REALPATH=$PATH

# ---- the checks, once per mode -------------------------------------------

checks() {
	local mode=$1 c want got line
	PATH=$T/bin:$REALPATH	# nsbox is the stub

	same "[$mode] nsbox <TAB>: the commands of nsbox --help" "$CMDS" "$(comp 'nsbox ')"
	is "[$mode] nsbox gr<TAB>: groups" groups "$(comp 'nsbox gr')"
	same "[$mode] nsbox r<TAB>: reset run rm rootfs" "$(echo "$CMDS" | grep '^r')" "$(comp 'nsbox r')"
	same "[$mode] nsbox -<TAB>: the global options of nsbox --help, and -h -V" \
		"$("$NSBOX" --help | head -1 | grep -oE -- '--[a-z]+') -h -V" "$(comp 'nsbox -')"

	for c in $CMDS; do
		[ -n "${SUBS[$c]}" ] && continue
		line="nsbox $c --"
		[ "$c" = rootfs ] && line="nsbox rootfs create --"
		got=$(comp "$line")
		same "[$mode] $line<TAB>: the long options of its getopt_long table" "$(src_longs "$c")" "$got"
		[ "$mode" = plain ] &&
			same "$line<TAB>: the long options nsbox $c --help prints, no more" "$(help_longs "$c")" "$got"
		same "[$mode] ${line%-}<TAB>: its short and long options" \
			"$(src_shorts "$c") $(src_longs "$c")" "$(comp "${line%-}")"
	done
	# commands with subcommands: each subcommand's own options; those of
	# every subcommand but ls (its table options) are what --help prints
	for c in "${!SUBS[@]}"; do
		local s all=
		for s in ${SUBS[$c]}; do
			line="nsbox $c $s --"
			got=$(comp "$line")
			same "[$mode] $line<TAB>: the long options of its getopt_long table ($c.c)" \
				"$(src_longs "$c-$s")" "$got"
			same "[$mode] ${line%-}<TAB>: its short and long options" \
				"$(src_shorts "$c-$s") $(src_longs "$c-$s")" "$(comp "${line%-}")"
			[ "$s" = ls ] || all+=" $got"
		done
		[ "$mode" = plain ] &&
			same "nsbox $c SUB --<TAB>: the long options nsbox $c --help prints (ls: the table's)" \
				"$(help_longs "$c")" "$all"
		same "[$mode] nsbox $c <TAB>: its subcommands" "${SUBS[$c]}" "$(comp "nsbox $c ")"
		same "[$mode] nsbox $c -<TAB>: only -h --help before the subcommand" "-h --help" "$(comp "nsbox $c -")"
	done
	same "[$mode] nsbox rootfs -<TAB> (before create): only -h --help" "-h --help" "$(comp 'nsbox rootfs -')"
	is "[$mode] nsbox rootfs <TAB>: create" create "$(comp 'nsbox rootfs ')"
	is "[$mode] nsbox exec alpha --<TAB>: no options after NAME (getopt +)" "" "$(comp 'nsbox exec alpha --')"

	# probe: subcommands, symbols, probe names
	is "[$mode] nsbox pr<TAB>: probe" probe "$(comp 'nsbox pr')"
	is "[$mode] nsbox probe s<TAB>: show" show "$(comp 'nsbox probe s')"
	is "[$mode] nsbox probe frob <TAB>: nothing (no such subcommand)" "" "$(comp 'nsbox probe frob ')"
	same "[$mode] nsbox probe add --sum-arg <TAB>: 1 to 6" "1 2 3 4 5 6" "$(comp 'nsbox probe add --sum-arg ')"
	same "[$mode] nsbox probe add -ra <TAB>: 1 to 6 (-a ends the cluster)" "1 2 3 4 5 6" "$(comp 'nsbox probe add -ra ')"
	same "[$mode] nsbox probe add --sum-arg=<TAB>: --sum-arg=1 to 6" \
		"$(printf 'nsbox probe add --sum-arg=%s\n' 1 2 3 4 5 6)" "$(applied 'nsbox probe add --sum-arg=')"
	is "[$mode] nsbox probe add --name <TAB>: nothing (a new name)" "" "$(comp 'nsbox probe add --name ')"
	_nsbox_kallsyms=$T/kallsyms
	same "[$mode] nsbox probe add vfs_wr<TAB>: the t/T symbols of kallsyms, not data nor __pfx_" \
		"vfs_write vfs_writev vfs_write_iter.isra.0" "$(comp 'nsbox probe add vfs_wr')"
	same "[$mode] nsbox probe add -r --name x -a 3 vfs_wr<TAB>: the same past options" \
		"vfs_write vfs_writev vfs_write_iter.isra.0" "$(comp 'nsbox probe add -r --name x -a 3 vfs_wr')"
	same "[$mode] nsbox probe add mod_f<TAB>: a module's function, without [module]" \
		"mod_func" "$(comp 'nsbox probe add mod_f')"
	same "[$mode] nsbox probe add __p<TAB>: not the __pfx_ padding symbols" \
		"__put_task" "$(comp 'nsbox probe add __p')"
	is "[$mode] nsbox probe add .<TAB>: a dot is not a pattern" "" "$(comp 'nsbox probe add .')"
	is "[$mode] nsbox probe add <TAB>: nothing for an empty word" "" "$(comp 'nsbox probe add ')"
	is "[$mode] nsbox probe add vfs_write <TAB>: nothing (one SYMBOL)" "" "$(comp 'nsbox probe add vfs_write ')"
	_nsbox_kallsyms=$T/no-such-file
	is "[$mode] nsbox probe add vfs_<TAB>, kallsyms not readable: nothing, quietly" \
		"<>" "<$(comp 'nsbox probe add vfs_')$(cat "$T/err")>"
	_nsbox_kallsyms=/proc/kallsyms
	if grep -q ' T vfs_write$' /proc/kallsyms 2>/dev/null; then
		has "[$mode] nsbox probe add vfs_writ<TAB>: vfs_write, from /proc/kallsyms" vfs_write \
			"$(comp 'nsbox probe add vfs_writ')"
	else
		skip "[$mode] nsbox probe add vfs_writ<TAB> from /proc/kallsyms" "not readable, or no vfs_write"
	fi
	same "[$mode] nsbox probe rm <TAB>: the probes (stub)" "vfs_write sleep wsum" "$(comp 'nsbox probe rm ')"
	same "[$mode] nsbox probe rm wsum <TAB>: the other probes" "vfs_write sleep" "$(comp 'nsbox probe rm wsum ')"
	is "[$mode] nsbox probe rm --all <TAB>: nothing" "" "$(comp 'nsbox probe rm --all ')"
	same "[$mode] nsbox probe show <TAB>: the probes (stub)" "vfs_write sleep wsum" "$(comp 'nsbox probe show ')"
	same "[$mode] nsbox probe show -J w<TAB>: after an option" "wsum" "$(comp 'nsbox probe show -J w')"
	same "[$mode] nsbox probe show wsum <TAB>: KIND: for every kind" \
		"$(echo "$KINDS" | tr ' ' '\n' | sed 's/$/:/')" "$(comp 'nsbox probe show wsum ')"
	same "[$mode] nsbox probe show wsum cgroup2:12<TAB>: cgroup2:1234 (stub)" \
		"nsbox probe show wsum cgroup2:1234" "$(applied 'nsbox probe show wsum cgroup2:12')"
	is "[$mode] nsbox probe show wsum net:1 <TAB>: nothing more" "" "$(comp 'nsbox probe show wsum net:1 ')"
	same "[$mode] nsbox probe show --kind <TAB>: the kinds of nsbox probe --help" \
		"$(probe_kinds)" "$(comp 'nsbox probe show --kind ')"
	same "[$mode] nsbox probe ls -o <TAB>: the columns of tools/cmd/probe.c" \
		"$(src_columns probe.c ls_columns)" "$(comp 'nsbox probe ls -o ')"
	same "[$mode] nsbox probe ls -rno name,<TAB>: name,COLUMN" \
		"$(src_columns probe.c ls_columns | grep -vx name | sed 's/^/name,/')" "$(comp 'nsbox probe ls -rno name,')"
	is "[$mode] nsbox probe ls <TAB>: nothing (ls takes no argument)" "" "$(comp 'nsbox probe ls ')"

	# -o columns
	for c in groups ps ls; do
		got=$(comp "nsbox $c -o ")
		same "[$mode] nsbox $c -o <TAB>: the columns of nsbox $c --help" "$(help_columns $c)" "$got"
		[ "$mode" = plain ] &&
			same "nsbox $c: --help lists the columns of tools/cmd/$c.c" "$(src_columns $c.c)" "$(help_columns $c)"
	done
	same "[$mode] nsbox groups -o kind,<TAB>: kind,COLUMN for every other column" \
		"$(help_columns groups | grep -vx kind | sed 's/^/kind,/')" "$(comp 'nsbox groups -o kind,')"
	same "[$mode] nsbox ps --output pid,comm,net<TAB>: after the last comma" \
		"pid,comm,netns" "$(comp 'nsbox ps --output pid,comm,net')"
	same "[$mode] nsbox ls --output=name,stat<TAB>: --output=name,status" \
		"nsbox ls --output=name,status" "$(applied 'nsbox ls --output=name,stat')"
	same "[$mode] nsbox ps -Jo pp<TAB>: -o at the end of a cluster" "ppid" "$(comp 'nsbox ps -Jo pp')"
	same "[$mode] nsbox groups -okin<TAB>: the value glued to -o" "-okind" "$(comp 'nsbox groups -okin')"
	same "[$mode] nsbox groups -o kind <TAB>: past the value, KIND:ID" \
		"$(echo "$KINDS" | tr ' ' '\n' | sed 's/$/:/')" "$(comp 'nsbox groups -o kind ')"

	# kinds, types, keys, modes
	same "[$mode] nsbox groups --kind <TAB>: the kinds of nsbox groups --help" "$KINDS" "$(comp 'nsbox groups --kind ')"
	same "[$mode] nsbox groups --kind=cg<TAB>: --kind=cgroup, --kind=cgroup2" \
		"nsbox groups --kind=cgroup nsbox groups --kind=cgroup2" "$(applied 'nsbox groups --kind=cg' | tr '\n' ' ')"
	same "[$mode] nsbox top -k net,<TAB>: net,KIND for each other kind" \
		"$(echo "$KINDS" | tr ' ' '\n' | grep -vx net | sed 's/^/net,/')" "$(comp 'nsbox top -k net,')"
	same "[$mode] nsbox events -k <TAB>: the event types of tools/cmd/events.c" "$EVENT_TYPES" "$(comp 'nsbox events -k ')"
	same "[$mode] nsbox events --kind fork,exec,<TAB>: the others" \
		"$(echo "$EVENT_TYPES" | grep -vxE 'fork|exec' | sed 's/^/fork,exec,/')" "$(comp 'nsbox events --kind fork,exec,')"
	same "[$mode] nsbox top -s <TAB>: the sort keys of tools/cmd/top.c" "$SORT_KEYS" "$(comp 'nsbox top -s ')"
	same "[$mode] nsbox run --seccomp-allow <TAB>: the groups of tools/box/sec.c" "$ALLOW" "$(comp 'nsbox run --seccomp-allow ')"
	same "[$mode] nsbox run --net <TAB>: none host bridge" "none host bridge" "$(comp 'nsbox run --net ')"
	same "[$mode] nsbox run --ns <TAB>: all, none and the namespace kinds" \
		"all none $(echo "$KINDS" | sed 's/cgroup2//')" "$(comp 'nsbox run --ns ')"
	has "[$mode] nsbox run --cap-add NET_<TAB>: NET_ADMIN, NET_RAW" "NET_ADMIN NET_RAW" "$(comp 'nsbox run --cap-add NET_')"
	is "[$mode] nsbox run --name <TAB>: nothing (a new name)" "" "$(comp 'nsbox run --name ')"
	same "[$mode] nsbox export --format <TAB>: the formats of nsbox export --help" \
		"$EXPORT_FORMATS" "$(comp 'nsbox export --format ')"
	same "[$mode] nsbox export --format=o<TAB>: --format=openmetrics" \
		"nsbox export --format=openmetrics" "$(applied 'nsbox export --format=o')"
	for c in export serve; do
		same "[$mode] nsbox $c --kind <TAB>: the kinds of nsbox $c --help" \
			"$(kinds_of $c)" "$(comp "nsbox $c --kind ")"
		same "[$mode] nsbox $c -k net -k <TAB>: the kinds again (repeatable)" \
			"$(kinds_of $c)" "$(comp "nsbox $c -k net -k ")"
	done
	is "[$mode] nsbox serve --listen <TAB>: nothing (an address of the user's)" "" "$(comp 'nsbox serve --listen ')"
	same "[$mode] nsbox serve --listen 127.0.0.1:9847 -<TAB>: the options again" \
		"$(src_shorts serve) $(src_longs serve)" "$(comp 'nsbox serve --listen 127.0.0.1:9847 -')"

	# KIND:ID, from the stub's groups
	same "[$mode] nsbox ps <TAB>: KIND: for every kind" \
		"$(echo "$KINDS" | tr ' ' '\n' | sed 's/$/:/')" "$(comp 'nsbox ps ')"
	same "[$mode] nsbox groups net:<TAB>: the net groups (stub)" \
		"nsbox groups net:4026531840 nsbox groups net:4026532210" "$(applied 'nsbox groups net:' | tr '\n' ' ')"
	same "[$mode] nsbox reset cgroup2:12<TAB>: cgroup2:1234 (stub)" \
		"nsbox reset cgroup2:1234" "$(applied 'nsbox reset cgroup2:12')"
	same "[$mode] nsbox events -g pid:<TAB>: the pid group (stub)" \
		"nsbox events -g pid:4026531836" "$(applied 'nsbox events -g pid:')"
	is "[$mode] nsbox ps net:1 <TAB>: one KIND:ID only" "" "$(comp 'nsbox ps net:1 ')"
	: >"$T/stub.log"
	comp 'nsbox groups net:' >/dev/null
	has "[$mode] groups are asked for with --no-adopt (no walk of every mount, as root)" \
		"--no-adopt" "$(cat "$T/stub.log")"

	# boxes, from the stub's ls
	same "[$mode] nsbox exec <TAB>: the boxes (stub)" "alpha beta box-1x2y3z" "$(comp 'nsbox exec ')"
	same "[$mode] nsbox exec -w /tmp b<TAB>: boxes after an option's value" "beta box-1x2y3z" "$(comp 'nsbox exec -w /tmp b')"
	has "[$mode] nsbox exec alpha -- ech<TAB>: a command" "echo" "$(comp 'nsbox exec alpha -- ech')"
	same "[$mode] nsbox stop alpha <TAB>: the other boxes" "beta box-1x2y3z" "$(comp 'nsbox stop alpha ')"
	same "[$mode] nsbox rm -f a<TAB>: alpha" "alpha" "$(comp 'nsbox rm -f a')"
	same "[$mode] nsbox events -b <TAB>: the boxes (stub)" "alpha beta box-1x2y3z" "$(comp 'nsbox events -b ')"
	is "[$mode] nsbox ls <TAB>: nothing (ls takes no NAME)" "" "$(comp 'nsbox ls ')"

	# files and directories
	same "[$mode] nsbox run --rootfs DIR/roo<TAB>: directories only" \
		"$T/dirs/rootfs-a $T/dirs/rootfs-b" "$(comp "nsbox run --rootfs $T/dirs/roo")"
	same "[$mode] nsbox rootfs create DIR/roo<TAB>: directories only" \
		"$T/dirs/rootfs-a $T/dirs/rootfs-b" "$(comp "nsbox rootfs create $T/dirs/roo")"
	same "[$mode] nsbox rootfs create --add DIR/rootfs-f<TAB>: files" \
		"$T/dirs/rootfs-file" "$(comp "nsbox rootfs create --add $T/dirs/rootfs-f")"
	has "[$mode] nsbox run -- ech<TAB>: a command" "echo" "$(comp 'nsbox run -- ech')"
	has "[$mode] nsbox run --memory 64M ech<TAB>: a command" "echo" "$(comp 'nsbox run --memory 64M ech')"
	same "[$mode] nsbox export -o DIR/rootfs-<TAB>: files, not columns" \
		"$T/dirs/rootfs-a $T/dirs/rootfs-b $T/dirs/rootfs-file" "$(comp "nsbox export -o $T/dirs/rootfs-")"
	same "[$mode] nsbox export --output=DIR/rootfs-f<TAB>: a file" \
		"nsbox export --output=$T/dirs/rootfs-file" "$(applied "nsbox export --output=$T/dirs/rootfs-f")"

	# the real tool: no module on the host, so no groups, and not a word
	PATH=$TOP/tools:$REALPATH
	if [ -d /sys/module/nsbox ]; then
		skip "[$mode] real nsbox, no module: nsbox ps net:<TAB> gives nothing, quietly" "nsbox.ko is loaded here"
	else
		got=$(comp 'nsbox ps net:')
		is "[$mode] real nsbox, no module: nsbox ps net:<TAB> gives nothing, quietly" \
			"<>" "<$got$(cat "$T/err")>"
		got=$(comp 'nsbox probe show ')
		is "[$mode] real nsbox, no module: nsbox probe show <TAB> gives nothing, quietly" \
			"<>" "<$got$(cat "$T/err")>"
	fi
	PATH=$REALPATH
}

# one check shown to fail: the comparison sees a command too many or too few
out=$(fails=0 n=0; same "a list with a made-up command" "$CMDS frobnicate" "$CMDS"; \
	same "a list with a command not wanted" "$(echo "$CMDS" | grep -vx rm)" "$CMDS"; echo "fails=$fails")
if [ "$(echo "$out" | grep -c '^not ok')" = 2 ] && echo "$out" | grep -q '^# .*-frobnicate' &&
	echo "$out" | grep -q '^# .*+rm'; then
	ok "the comparison finds a made-up command and a missing one"
else
	notok "the comparison finds a made-up command and a missing one"
	diag "$out"
fi
is "nsbox --help lists 20 commands" 20 "$(echo "$CMDS" | wc -l)"
missing=
for c in $CMDS; do [ -n "${FUNC[$c]}" ] || missing+=" $c"; done
is "every command's option parser is known to this test" "" "$missing"

# shellcheck source=tools/completion/nsbox.bash
. "$COMP"
is "the file registers _nsbox for nsbox" "complete -F _nsbox nsbox" "$(complete -p nsbox 2>&1)"
checks plain

# the real tool lists a made-up state directory: $XDG_RUNTIME_DIR/nsbox of
# a user that is not root (root's is /run/nsbox, not to be touched)
mkdir -p "$T/xdg/nsbox/web1" "$T/xdg/nsbox/web2" "$T/xdg/nsbox/db"
printf 'name=db\nstatus=exited\nexit=0\n' >"$T/xdg/nsbox/db/state"
chmod -R a+rX "$T"
# as nsbox makes it: its user's own, mode 0700 (anything else is refused)
chmod 0700 "$T/xdg/nsbox"
[ "$(id -u)" != 0 ] || chown -R 65534:65534 "$T/xdg/nsbox"
bc_line='PATH=$1:$PATH; . "$2"; COMP_LINE="nsbox stop web"; COMP_POINT=${#COMP_LINE}
	COMP_WORDS=(nsbox stop web); COMP_CWORD=2; _nsbox nsbox web stop; echo "${COMPREPLY[*]}"'
if [ "$(id -u)" != 0 ]; then
	got=$(XDG_RUNTIME_DIR=$T/xdg bash -c "$bc_line" _ "$TOP/tools" "$COMP" 2>&1)
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$COMP"; then
	got=$(XDG_RUNTIME_DIR=$T/xdg setpriv --reuid=65534 --regid=65534 --clear-groups \
		bash -c "$bc_line" _ "$TOP/tools" "$COMP" 2>&1)
else
	got=skip
fi
if [ "$got" = skip ]; then
	skip "real nsbox: nsbox stop web<TAB> lists \$XDG_RUNTIME_DIR/nsbox" "root, and no setpriv or the tree is not readable by nobody"
else
	same "real nsbox: nsbox stop web<TAB> lists \$XDG_RUNTIME_DIR/nsbox (as uid 65534)" "web1 web2" "$got"
fi

BC=/usr/share/bash-completion/bash_completion
if [ -r "$BC" ]; then
	# shellcheck source=/dev/null
	. "$BC"
	. "$COMP"
	if declare -F _init_completion >/dev/null; then
		checks bash-completion
	else
		skip "with bash-completion" "$BC defines no _init_completion"
	fi
else
	skip "with bash-completion" "not installed ($BC)"
fi

# ---- zsh -----------------------------------------------------------------
if command -v zsh >/dev/null; then
	out=$(zsh -n "$ZCOMP" 2>&1)
	is "zsh -n tools/completion/_nsbox: it parses" "" "$out"
	is "_nsbox starts with #compdef nsbox" "#compdef nsbox" "$(head -1 "$ZCOMP")"
else
	skip "zsh -n tools/completion/_nsbox" "zsh is not installed"
fi

echo "1..$n"
[ "$fails" = 0 ]
