# SPDX-License-Identifier: GPL-2.0
# bash completion for nsbox                                -*- shell-script -*-
#
# Installed as /usr/share/bash-completion/completions/nsbox (make install),
# or sourced from ~/.bashrc.  Uses bash-completion's _init_completion when
# it is there and works without it.
#
# Completes the commands, each command's options (as in its getopt_long
# table in tools/cmd/*.c; tests/host/completion.sh compares them with the
# source and with `nsbox CMD --help`), and their values:
#   -o/--output      the command's columns (from `nsbox CMD --help`),
#                    a comma list: after the last comma
#   --kind           group kinds (groups, mem, top, export, serve), event
#                    types (events)
#   export -o        a file; export --format: prometheus, openmetrics
#   serve --listen   ADDR:PORT, nothing to offer
#   KIND:ID, -g      the groups nsbox.ko has (mem: and boxes) (`nsbox groups`; nothing
#                    when the module is not loaded)
#   NAME, -b         boxes (`nsbox ls -rn -o name`)
#   --rootfs, DIR    directories; --add FILE: files and commands
#   --ns, --net, --cap-add, --cap-drop, --seccomp-allow, top --sort
#   probe            its subcommands add, ls, rm, show; add SYMBOL: the
#                    text symbols of /proc/kallsyms that start with what
#                    is typed (nothing for an empty word: there are
#                    100,000 of them); rm, show NAME: the probes
#                    (`nsbox probe ls -rno name`, root only); --sum-arg 1-6
# Boxes and groups come from the nsbox being completed, so what it lists is
# what this user may see, wherever its state directory is.

_nsbox_commands='info groups ps mem top events probe export serve verify reset adopt run ls exec logs attach stop rm rootfs'
_nsbox_kinds='mnt pid net uts ipc user cgroup time cgroup2'
_nsbox_probe_subcommands='add ls rm show'
# the columns of `nsbox probe ls` (tools/cmd/probe.c), for when its --help
# does not list them
_nsbox_probe_columns='name symbol ret sum_arg calls misses missed groups via maxactive bytes'
# where add's SYMBOL comes from (a variable so that a test can change it)
_nsbox_kallsyms=/proc/kallsyms

# _nsbox_options CMD: the options of CMD; those taking a value end in '='.
# A subcommand of probe is CMD probe-SUB.
_nsbox_options() {
	local table='-o= --output= -J --json -r --raw -n --noheadings -b --bytes --exact'
	case $1 in
	info|verify) echo '-J --json -h --help' ;;
	groups) echo "-k= --kind= --no-adopt --max-age= --fresh $table -h --help" ;;
	ps|ls) echo "$table -h --help" ;;
	mem) echo "-k= --kind= $table -h --help" ;;
	top) echo '-d= --delay= -n= --iterations= -s= --sort= -b --batch -k= --kind= -h --help' ;;
	events) echo '-k= --kind= -g= --group= -b= --box= -n= --count= -J --json -h --help' ;;
	export) echo '-o= --output= -f= --format= -k= --kind= --skip-empty --max-age= --fresh -h --help' ;;
	serve) echo '-l= --listen= -k= --kind= --skip-empty -h --help' ;;
	reset) echo '-h --help' ;;
	adopt) echo '-v --verbose -h --help' ;;
	run) echo '--name= --rootfs= --overlay --ns= --user --hostname= --memory= --cpus=' \
		  '--pids= --cpuset-cpus= --io-weight= --disk= --net= -p= --publish= --cap-add= --cap-drop= --seccomp-allow=' \
		  '-e= --env= -w= --workdir= -d --detach -t --tty --log-size= --restart= --rm --views --no-views' \
		  '-v --verbose -h --help' ;;
	exec) echo '-e= --env= -w= --workdir= -v --verbose -h --help' ;;
	logs) echo '-f --follow -t --timestamps -n= --tail= -h --help' ;;
	attach) echo '-h --help' ;;
	stop) echo '-t= --timeout= -v --verbose -h --help' ;;
	rm) echo '-f --force -v --verbose -h --help' ;;
	rootfs) echo '-a= --add= -h --help' ;;
	probe) echo '-h --help' ;;
	probe-add) echo '--ret -a= --sum-arg= -N= --name= -h --help' ;;
	probe-ls) echo "$table -h --help" ;;
	probe-rm) echo '--all -h --help' ;;
	probe-show) echo '-J --json -k= --kind= -h --help' ;;
	esac
}

# _nsbox_takes_arg CMD OPT: does OPT (-k, --kind) of CMD take a value?
_nsbox_takes_arg() {
	local o
	for o in $(_nsbox_options "$1"); do
		[[ $o == "$2=" ]] && return 0
	done
	return 1
}

# _nsbox_list CUR WORD...: the WORDs completing the last item of the comma
# list CUR, each item once (nospace: another comma may follow)
_nsbox_list() {
	local cur=$1 pre='' w have
	shift
	[[ $cur == *,* ]] && pre=${cur%,*},
	local -a words=()
	for w in "$@"; do
		have=",$pre"
		[[ $have == *",$w,"* ]] || words+=("$pre$w")
	done
	COMPREPLY=($(compgen -W "${words[*]}" -- "$cur"))
	compopt -o nospace 2>/dev/null
}

# _nsbox_columns PROG CMD: the -o columns that `PROG CMD --help` lists
_nsbox_columns() {
	"$1" "$2" --help 2>/dev/null | awk '
		/^Columns/ { c = 1; next }
		c && /^  [* ] [a-z][a-z0-9_]* / { sub(/^  [* ] /, ""); print $1 }'
}

# _nsbox_boxes PROG: the boxes `PROG ls` lists
_nsbox_boxes() {
	"$1" ls -rn -o name 2>/dev/null
}

# _nsbox_probes PROG: the probes `PROG probe ls` lists (root only)
_nsbox_probes() {
	"$1" probe ls -rno name 2>/dev/null
}

# _nsbox_symbols CUR: the functions of $_nsbox_kallsyms (text symbols, type
# t or T; a module's too) whose names start with CUR, each once.  Nothing
# for an empty CUR, and grep -F to keep it quick on 100,000 lines.
_nsbox_symbols() {
	local cur=$1
	[[ -n $cur && -r $_nsbox_kallsyms ]] || return 0
	grep -F -e " t $cur" -e " T $cur" -- "$_nsbox_kallsyms" 2>/dev/null |
		awk -v p="$cur" 'index($3, p) == 1 && $3 !~ /^__pfx_/ { print $3 }' | sort -u
}

# _nsbox_groups PROG CUR: KIND: for each kind, then KIND:ID of the groups
# of that kind the module has (nothing when it is not loaded)
_nsbox_groups() {
	local prog=$1 cur=$2 kind
	if [[ $cur != *:* ]]; then
		COMPREPLY=($(compgen -S : -W "$_nsbox_kinds" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return
	fi
	kind=${cur%%:*}
	[[ " $_nsbox_kinds " == *" $kind "* ]] || return
	COMPREPLY=($(compgen -W "$("$prog" groups --no-adopt -rn -o kind,id --kind "$kind" \
		2>/dev/null | awk -v k="$kind" '$1 == k && $2 ~ /^[0-9]+$/ { print k ":" $2 }')" \
		-- "$cur"))
}

_nsbox_caps='ALL CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK
IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT
SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL
SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
CHECKPOINT_RESTORE'

# _nsbox_value PROG CMD OPT CUR: complete CUR, the value of CMD's option OPT
_nsbox_value() {
	local prog=$1 cmd=$2 opt=$3 cur=$4
	case $cmd:$opt in
	export:-o|export:--output)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	probe-ls:-o|probe-ls:--output)
		local cols
		cols=$("$prog" probe ls --help 2>/dev/null | awk '
			/^Columns/ { c = 1; next }
			c && /^  [* ] [a-z][a-z0-9_]* / { sub(/^  [* ] /, ""); print $1 }')
		_nsbox_list "$cur" ${cols:-$_nsbox_probe_columns} ;;
	*:-o|*:--output)
		_nsbox_list "$cur" $(_nsbox_columns "$prog" "$cmd") ;;
	export:-f|export:--format)
		COMPREPLY=($(compgen -W 'prometheus openmetrics' -- "$cur")) ;;
	groups:-k|groups:--kind|mem:-k|mem:--kind|export:-k|export:--kind|serve:-k|serve:--kind|probe-show:-k|probe-show:--kind)
		COMPREPLY=($(compgen -W "$_nsbox_kinds" -- "$cur")) ;;
	top:-k|top:--kind)
		_nsbox_list "$cur" $_nsbox_kinds ;;
	probe-add:-a|probe-add:--sum-arg)
		COMPREPLY=($(compgen -W '1 2 3 4 5 6' -- "$cur")) ;;
	top:-s|top:--sort)
		COMPREPLY=($(compgen -W 'cpu tasks rss io forks name load' -- "$cur")) ;;
	events:-k|events:--kind)
		_nsbox_list "$cur" fork exec exit ns_change cgroup_move oom_kill lost restart ;;
	events:-g|events:--group)
		_nsbox_groups "$prog" "$cur" ;;
	events:-b|events:--box)
		COMPREPLY=($(compgen -W "$(_nsbox_boxes "$prog")" -- "$cur")) ;;
	run:--rootfs)
		COMPREPLY=($(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	run:--ns)
		if [[ $cur == *,* ]]; then
			_nsbox_list "$cur" mnt pid net uts ipc user cgroup time
		else
			_nsbox_list "$cur" all none mnt pid net uts ipc user cgroup time
		fi ;;
	run:--net)
		COMPREPLY=($(compgen -W 'none host bridge' -- "$cur")) ;;
	run:--cap-add|run:--cap-drop)
		_nsbox_list "$cur" $_nsbox_caps ;;
	run:--seccomp-allow)
		_nsbox_list "$cur" mount ns keyring perf bpf io_uring userfaultfd ;;
	run:-e|run:--env|exec:-e|exec:--env)
		COMPREPLY=($(compgen -e -S = -- "$cur"))
		compopt -o nospace 2>/dev/null ;;
	rootfs:-a|rootfs:--add)
		COMPREPLY=($(compgen -f -- "$cur"))
		[[ $cur == */* ]] || COMPREPLY+=($(compgen -c -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	esac
	# everything else is a number, a size, an address (serve --listen)
	# or a name of the user's own
	return 0
}

# _nsbox_trim CUR: readline replaces only what follows the last word break
# character (':' of KIND:ID, '=' of --opt=) in CUR: drop what precedes
_nsbox_trim() {
	local cur=$1 pre='' i c
	for ((i = ${#cur} - 1; i >= 0; i--)); do
		c=${cur:i:1}
		if [[ ($c == : || $c == =) && ${COMP_WORDBREAKS-} == *"$c"* ]]; then
			pre=${cur:0:i+1}
			break
		fi
	done
	[[ -n $pre ]] || return 0
	for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]#"$pre"}
	done
}

_nsbox() {
	local cur prev words cword
	COMPREPLY=()
	if declare -F _init_completion >/dev/null; then
		# -n: KIND:ID and --opt=value stay one word
		_init_completion -n =: || return
	else
		# without bash-completion: the words of the line up to the
		# cursor, split at blanks (quotes are not taken apart)
		local line=${COMP_LINE:0:COMP_POINT}
		read -r -a words <<<"$line"
		[[ -z $line || $line == *[[:space:]] ]] && words+=('')
		cword=$((${#words[@]} - 1))
		cur=${words[cword]}
	fi
	_nsbox_complete
	_nsbox_trim "$cur"
	return 0
}

# _nsbox_complete: fill COMPREPLY for cur, words[], cword
_nsbox_complete() {
	local prog=${words[0]:-nsbox} cmd i w o opt valopt dd='' npos=0 optend=0 first=2
	[[ $prog == \~/* ]] && prog=$HOME/${prog#\~/}
	type -P -- "$prog" >/dev/null || prog=nsbox

	if ((cword == 1)); then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_nsbox_commands" -- "$cur"))
		fi
		return
	fi
	cmd=${words[1]}
	[[ " $_nsbox_commands " == *" $cmd "* ]] || return
	# probe: its subcommand first, then that subcommand's options
	if [[ $cmd == probe ]]; then
		if ((cword == 2)); then
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W '-h --help' -- "$cur"))
			else
				COMPREPLY=($(compgen -W "$_nsbox_probe_subcommands" -- "$cur"))
			fi
			return
		fi
		[[ " $_nsbox_probe_subcommands " == *" ${words[2]} "* ]] || return
		cmd=probe-${words[2]}
		first=3
	fi

	# walk the words between the command and the cursor: options, their
	# values, and how many positional arguments came before
	for ((i = first; i < cword; i++)); do
		w=${words[i]}
		# "--" ends the options; exec also takes one after NAME
		if [[ $w == -- ]] && ((!optend)); then
			optend=1
			continue
		fi
		if [[ $w == -- && $cmd == exec && $npos == 1 && -z $dd ]]; then
			dd=1
			continue
		fi
		if ((optend)) || [[ $w != -?* ]]; then
			npos=$((npos + 1))
			# run, exec: options end at the first argument (getopt "+")
			[[ $cmd == run || $cmd == exec ]] && optend=1
			continue
		fi
		if [[ $w == --* ]]; then
			if [[ $w != *=* ]] && _nsbox_takes_arg "$cmd" "$w"; then
				valopt=$w
				i=$((i + 1))
			fi
			continue
		fi
		# -Jo LIST, -oLIST: a short option taking a value ends the cluster
		for ((o = 1; o < ${#w}; o++)); do
			if _nsbox_takes_arg "$cmd" "-${w:o:1}"; then
				if ((o == ${#w} - 1)); then
					valopt=-${w:o:1}
					i=$((i + 1))
				fi
				break
			fi
		done
	done
	# i > cword: the word before the cursor takes it as its value
	if ((i > cword)); then
		_nsbox_value "$prog" "$cmd" "$valopt" "$cur"
		return
	fi

	if ((!optend)) && [[ $cur == -* ]]; then
		if [[ $cur == --*=* ]]; then
			opt=${cur%%=*}
			_nsbox_takes_arg "$cmd" "$opt" || return
			_nsbox_value "$prog" "$cmd" "$opt" "${cur#*=}"
			for i in "${!COMPREPLY[@]}"; do
				COMPREPLY[i]=$opt=${COMPREPLY[i]}
			done
			return
		fi
		if [[ $cur != --* ]]; then
			for ((o = 1; o < ${#cur} - 1; o++)); do
				if _nsbox_takes_arg "$cmd" "-${cur:o:1}"; then
					opt=${cur:0:o+1}
					_nsbox_value "$prog" "$cmd" "-${cur:o:1}" "${cur:o+1}"
					for i in "${!COMPREPLY[@]}"; do
						COMPREPLY[i]=$opt${COMPREPLY[i]}
					done
					return
				fi
			done
		fi
		local -a all=()
		# rootfs: only --help comes before the subcommand, "create"
		[[ $cmd == rootfs ]] && ((npos == 0)) && all=(-h --help)
		((${#all[@]})) || for o in $(_nsbox_options "$cmd"); do
			all+=("${o%=}")
		done
		COMPREPLY=($(compgen -W "${all[*]}" -- "$cur"))
		return
	fi

	# a positional argument, the (npos+1)th
	case $cmd in
	groups|ps|reset)
		((npos == 0)) && _nsbox_groups "$prog" "$cur" ;;
	mem)
		# groups and boxes, any number
		_nsbox_groups "$prog" "$cur"
		[[ $cur == *:* ]] || COMPREPLY+=($(compgen -W "$(_nsbox_boxes "$prog")" -- "$cur")) ;;
	logs|attach)
		((npos == 0)) && COMPREPLY=($(compgen -W "$(_nsbox_boxes "$prog")" -- "$cur")) ;;
	exec)
		if ((npos == 0)); then
			COMPREPLY=($(compgen -W "$(_nsbox_boxes "$prog")" -- "$cur"))
		elif ((npos == 1)); then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	stop|rm)
		# every box once
		local -a boxes=()
		for w in $(_nsbox_boxes "$prog"); do
			[[ " ${words[*]:2:cword-2} " == *" $w "* ]] || boxes+=("$w")
		done
		COMPREPLY=($(compgen -W "${boxes[*]}" -- "$cur")) ;;
	run)
		if ((npos == 0)); then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	probe-add)
		((npos == 0)) && COMPREPLY=($(compgen -W "$(_nsbox_symbols "$cur")" -- "$cur")) ;;
	probe-rm)
		# every probe once; none after --all
		[[ " ${words[*]:3:cword-3} " == *" --all "* ]] && return 0
		local -a probes=()
		for w in $(_nsbox_probes "$prog"); do
			[[ " ${words[*]:3:cword-3} " == *" $w "* ]] || probes+=("$w")
		done
		COMPREPLY=($(compgen -W "${probes[*]}" -- "$cur")) ;;
	probe-show)
		if ((npos == 0)); then
			COMPREPLY=($(compgen -W "$(_nsbox_probes "$prog")" -- "$cur"))
		elif ((npos == 1)); then
			_nsbox_groups "$prog" "$cur"
		fi ;;
	rootfs)
		if ((npos == 0)); then
			COMPREPLY=($(compgen -W create -- "$cur"))
		elif ((npos == 1)); then
			COMPREPLY=($(compgen -d -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	esac
	return 0
}

complete -F _nsbox nsbox
