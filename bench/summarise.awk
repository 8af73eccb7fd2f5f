# bench/summarise.awk - the summary of bench/guest.sh's BENCH lines
# (bench/run.sh; checked by tests/host/bench_summary.sh).  Every BENCH
# line after its tag is key=value pairs.  Times are guest instructions
# (-icount shift=0: one ns is one instruction).  A value that is missing
# or 0 gives "n/a", never inf or nan.

function kv(arr,    i, p) {
	delete arr
	for (i = 3; i <= NF; i++) {
		split($i, p, "=")
		arr[p[1]] = p[2]
	}
}
function ratio(num, den) {
	return (num > 0 && den > 0) ? sprintf("%.1fx", num / den) : "n/a"
}
function commas(x,    s, neg) {
	neg = x < 0
	s = sprintf("%.0f", neg ? -x : x)	# mawk: %d stops at 2^31 - 1
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return (neg ? "-" : "") s
}
function M(x) {
	return x > 0 ? sprintf("%.1f M", x / 1e6) : "n/a"
}
# a difference of two measurements, which may come out negative
function Md(x) {
	return x != "" ? sprintf("%.1f M", x / 1e6) : "n/a"
}
# the same, where 0 is a measurement
function M0(x) {
	return x != "" ? sprintf("%.2f M", x / 1e6) : "n/a"
}
# "123.4 M (123.1-123.9)"
function mspread(mean, min, max) {
	if (!(mean > 0))
		return "n/a"
	return sprintf("%s (%.1f-%.1f)", M(mean), min / 1e6, max / 1e6)
}
function pct(a, b) {
	return b > 0 ? sprintf("%+.2f%%", 100 * (a - b) / b) : "n/a"
}
function label_desc(l,    v) {
	if (l in desc)
		return desc[l]
	if (l ~ /^groups_J_/) {
		v = l; sub(/^groups_J_/, "", v)
		return "nsbox groups -J [" v "]"
	}
	if (l ~ /^groups_3col_noadopt_/) {
		v = l; sub(/^groups_3col_noadopt_/, "", v)
		return "nsbox groups -n -o kind,id,procs --no-adopt [" v "]"
	}
	return l
}
# the mean of label @l at population @p, or 0
function mean(p, l) {
	return ((p, l, "mean") in val) ? val[p, l, "mean"] : 0
}
# "Xx [Yx]": lsns 2.38 and 2.41 against nsbox label @l at population @p
function vs_lsns(p, l, what) {
	return ratio(mean(p, "lsns_" what), mean(p, l)) \
		(has241 ? " [" ratio(mean(p, "lsns241_" what), mean(p, l)) "]" : "")
}
# One refresh of nsbox top: ((top -n 4) - (top -n 1)) / 3 of the CPU
# time.  Not of the wall time: top sleeps until the delay after the end
# of its sample, so the time it spent drawing is hidden in the delay.
function refresh(p, k) {
	if (!(top[p, k, "top4_cpu"] > 0 && top[p, k, "top1_cpu"] > 0 && top[p, k, "refreshes"] > 0))
		return 0
	return (top[p, k, "top4_cpu"] - top[p, k, "top1_cpu"]) / top[p, k, "refreshes"]
}

# a population's column, in the order first seen
function addpop(p) {
	if (p != "" && !(p in popseen)) {
		popseen[p] = 1
		pops[++npops] = p
	}
}

BEGIN {
	fpair["fork"] = fpair["exec"] = fpair["forkcpu"] = fpair["execcpu"] = 1
	fname["fork"] = fname["forkcpu"] = "fork+exit"
	fname["exec"] = fname["execcpu"] = "fork+execve"
	desc["groups_J"] = "nsbox groups -J"
	desc["groups_J_noadopt"] = "nsbox groups -J --no-adopt"
	desc["groups_J1_noadopt"] = "nsbox groups -J -o kind --no-adopt"
	desc["groups_3col"] = "nsbox groups -n -o kind,id,procs"
	desc["groups_3col_noadopt"] = "nsbox groups -n -o kind,id,procs --no-adopt"
	desc["export"] = "nsbox export"
	desc["export_fresh"] = "nsbox export --fresh"
	desc["adopt"] = "nsbox adopt (the ADOPT scan alone)"
	desc["lsns_J"] = "lsns -J"
	desc["lsns_3col"] = "lsns -n -o TYPE,NS,NPROCS"
	desc["lsns241_J"] = "lsns 2.41 -J"
	desc["lsns241_3col"] = "lsns 2.41 -n -o TYPE,NS,NPROCS"
	npops = nlabels = 0
}

/^BENCH env / {
	kv(env)
	print
	if (env["lsns241"] != "" && env["lsns241"] != "none")
		has241 = 1
}
/^BENCH features / { kv(features); print }
/^BENCH probe_via/ { print }
/^BENCH start / { kv(st) }
/^BENCH fork round=/ {
	kv(f)
	nf++
	for (k in f) {
		if (k == "round")
			continue
		fs[k] += f[k]
		if (nf == 1 || f[k] < fmin[k]) fmin[k] = f[k]
		if (nf == 1 || f[k] > fmax[k]) fmax[k] = f[k]
	}
	for (k in fpair) {
		d = f[k "_on"] - f[k "_off"]
		if (nf == 1 || d < dmin[k]) dmin[k] = d
		if (nf == 1 || d > dmax[k]) dmax[k] = d
	}
}
/^BENCH pop / {
	kv(pp)
	p = pp["pop"]
	addpop(p)
	for (k in pp)
		pop[p, k] = pp[k]
}
/^BENCH set / {
	kv(s)
	p = s["pop"]
	addpop(p)
	for (i = 3; i <= NF; i++) {	# in the line's order: the table's
		k = substr($i, 1, index($i, "=") - 1)
		if (k == "pop" || k == "rounds")
			continue
		l = k; sub(/_(mean|min|max|cpu|sys|failed)$/, "", l)
		stat = substr(k, length(l) + 2)
		val[p, l, stat] = s[k]
		if (!(l in labelseen)) {
			labelseen[l] = 1
			labels[++nlabels] = l
		}
	}
	rounds = s["rounds"]
}
/^BENCH dump / {
	kv(dd)
	addpop(dd["pop"])
	dk = dd["kind"]
	if (dd["form"] != "") {	# ABI 9's forms of answer: "all packed_batch_age0"
		dk = dk " " dd["form"]
		if (!(dk in formseen)) {
			formseen[dk] = 1
			forms[++nforms] = dk
		}
	}
	for (k in dd)
		dump[dd["pop"], dk, k] = dd[k]
}
/^BENCH top / {
	kv(tt)
	addpop(tt["pop"])
	for (k in tt)
		top[tt["pop"], tt["kinds"], k] = tt[k]
	topkinds[tt["kinds"]] = 1
}
/^BENCH idle / {
	kv(id)
	if (id["seconds"] > 0) {
		idle[id["pop"], id["module"]] = id["busy_ns"] / id["seconds"]
		kidle[id["pop"], id["module"]] = id["kthread_ns"] / id["seconds"]
		nidle++
	}
}
/^BENCH cgroupfs / {
	kv(cf)
	cgpop = cf["pop"]
}
/^BENCH probe round=/ {
	for (i = 3; i <= NF; i++) { split($i, q, "="); pv[q[1]] += q[2] }
	pn++
}

END {
	if (st["nsbox_version_mean"] > 0) {
		printf "== start-up (M instructions, mean (min-max))\n"
		printf "  %-44s %s\n", "nsbox --version", mspread(st["nsbox_version_mean"], st["nsbox_version_min"], st["nsbox_version_max"])
		printf "  %-44s %s\n", "lsns --version", mspread(st["lsns_version_mean"], st["lsns_version_min"], st["lsns_version_max"])
		if (has241)
			printf "  %-44s %s\n", "lsns 2.41 --version", mspread(st["lsns241_version_mean"], st["lsns241_version_min"], st["lsns241_version_max"])
		if (st["noop_mean"] > 0 && st["noop_nsbox_libs_mean"] > 0) {
			printf "  %-44s %s\n", "a program that does nothing (libc only)", mspread(st["noop_mean"], st["noop_min"], st["noop_max"])
			printf "  %-44s %s\n", "the same, linked against nsbox's libraries", mspread(st["noop_nsbox_libs_mean"], st["noop_nsbox_libs_min"], st["noop_nsbox_libs_max"])
			printf "  nsbox --version = exec and libc %s + nsbox's libraries %s + nsbox's own %s\n", M(st["noop_mean"]),
				M(st["noop_nsbox_libs_mean"] - st["noop_mean"]), M(st["nsbox_version_mean"] - st["noop_nsbox_libs_mean"])
		}
	}
	if (nf && fs["fork_off"] > 0 && fs["exec_off"] > 0) {
		printf "== hooks: module unloaded vs loaded (instructions per iteration, %d rounds alternated; mean (min-max))\n", nf
		split("fork exec forkcpu execcpu", fk, " ")
		for (i = 1; i <= 4; i++) {
			k = fk[i]
			if (!(fs[k "_off"] > 0))
				continue
			if (k == "forkcpu")
				printf "  CPU time of the loop's processes (getrusage: without kernel threads and timers elsewhere)\n"
			off = fs[k "_off"] / nf; on = fs[k "_on"] / nf
			printf "  %-12s off %s (%s-%s)  on %s (%s-%s)  hooks add %s (%s); per round %s..%s\n",
				fname[k], commas(off), commas(fmin[k "_off"]), commas(fmax[k "_off"]),
				commas(on), commas(fmin[k "_on"]), commas(fmax[k "_on"]),
				(on >= off ? "+" : "") commas(on - off), pct(on, off),
				(dmin[k] >= 0 ? "+" : "") commas(dmin[k]), (dmax[k] >= 0 ? "+" : "") commas(dmax[k])
		}
	}
	if (npops) {
		printf "== populations\n"
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			if (pop[p, "failed"])
				printf "  %-5s could not be made (%s)\n", p, pop[p, "failed"]
			else
				printf "  %-5s %s processes, %s tasks, %s groups, %s MB used\n", p,
					commas(pop[p, "procs"]), commas(pop[p, "tasks"]), commas(pop[p, "groups"]), pop[p, "mem_used_mb"]
		}
	}
	if (nlabels) {
		printf "== commands (M instructions, whole command; mean of %d rounds (min-max), alternated, same boot)\n", rounds
		printf "  %-48s", "command"
		for (i = 1; i <= npops; i++) printf " %-22s", pops[i] " tasks"
		printf "\n"
		for (j = 1; j <= nlabels; j++) {
			l = labels[j]
			printf "  %-48s", label_desc(l)
			for (i = 1; i <= npops; i++) {
				p = pops[i]
				if ((p, l, "failed") in val)
					printf " %-22s", "failed (" val[p, l, "failed"] ")"
				else
					printf " %-22s", mspread(val[p, l, "mean"], val[p, l, "min"], val[p, l, "max"])
			}
			printf "\n"
		}
		printf "  %-48s", "one GET_GROUP dump, raw (bench/dump_stats)"
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			printf " %-22s", mspread(dump[p, "all", "ns"], dump[p, "all", "ns_min"], dump[p, "all", "ns_max"])
		}
		printf "\n"
		printf "  %-48s", "  the same, time namespaces only (1 group)"
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			printf " %-22s", mspread(dump[p, "time", "ns"], dump[p, "time", "ns_min"], dump[p, "time", "ns_max"])
		}
		printf "\n"
		split("default all", tk, " ")
		for (j = 1; j <= 2; j++) {
			k = tk[j]
			if (!(k in topkinds))
				continue
			printf "  %-48s", "nsbox top, one refresh (" k " kinds; CPU)"
			for (i = 1; i <= npops; i++)
				printf " %-22s", M(refresh(pops[i], k))
			printf "\n"
		}
		printf "== CPU time of each command (user + system, M instructions, mean): without the work other\n"
		printf "   tasks did meanwhile (the module's load-average walk every 5 s, other kworkers)\n"
		for (j = 1; j <= nlabels; j++) {
			l = labels[j]
			printf "  %-48s", label_desc(l)
			for (i = 1; i <= npops; i++) {
				p = pops[i]
				if (val[p, l, "cpu"] > 0)
					printf " %-22s", M(val[p, l, "cpu"]) " (sys " sprintf("%.0f%%", 100 * val[p, l, "sys"] / val[p, l, "cpu"]) ")"
				else
					printf " %-22s", "n/a"
			}
			printf "\n"
		}
		if (nidle) {
			printf "  %-48s", "idle machine: kernel threads per second"
			for (i = 1; i <= npops; i++)
				printf " %-22s", M0(kidle[pops[i], "on"])
			printf "\n"
			printf "  %-48s", "  busy per second (/proc/stat, 10 ms ticks)"
			for (i = 1; i <= npops; i++)
				printf " %-22s", M0(idle[pops[i], "on"])
			printf "\n"
			if (("base", "off") in idle)
				printf "  idle machine without the population: kernel threads %s per second with the module unloaded, %s loaded (busy %s, %s)\n",
					M0(kidle["base", "off"]), M0(kidle["base", "on"]), M0(idle["base", "off"]), M0(idle["base", "on"])
		}
		printf "== per group entry of one dump (instructions)\n"
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			printf "  %-5s %s entries, %s bytes, %s recvmsg: %s per entry%s\n", p,
				commas(dump[p, "all", "entries"]), commas(dump[p, "all", "bytes"]),
				dump[p, "all", "recvmsg"], commas(dump[p, "all", "per_entry"]),
				dump[p, "all", "intr"] ? ", " dump[p, "all", "intr"] " interrupted" : ""
		}
		for (j = 1; j <= nforms; j++) {
			printf "  dump %s:\n", forms[j]
			for (i = 1; i <= npops; i++) {
				p = pops[i]
				if ((p, forms[j], "ns") in dump)
					printf "  %-5s %s entries, %s bytes, %s recvmsg: %s (%.1f-%.1f), %s per entry\n", p,
						commas(dump[p, forms[j], "entries"]), commas(dump[p, forms[j], "bytes"]),
						dump[p, forms[j], "recvmsg"], M(dump[p, forms[j], "ns"]),
						dump[p, forms[j], "ns_min"] / 1e6, dump[p, forms[j], "ns_max"] / 1e6,
						commas(dump[p, forms[j], "per_entry"])
			}
		}
		printf "== ratios (lsns / nsbox: how many times cheaper nsbox is; [lsns 2.41])\n"
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			printf "  %-5s groups -J %s, --no-adopt %s; three columns %s, --no-adopt %s; export vs lsns -J %s; raw dump vs lsns -J %s\n", p,
				vs_lsns(p, "groups_J", "J"), vs_lsns(p, "groups_J_noadopt", "J"),
				vs_lsns(p, "groups_3col", "3col"), vs_lsns(p, "groups_3col_noadopt", "3col"),
				vs_lsns(p, "export", "J"), ratio(mean(p, "lsns_J"), dump[p, "all", "ns"])
			for (j = 1; j <= nlabels; j++) {
				l = labels[j]
				if (l ~ /^groups_J_/ && l != "groups_J_noadopt")
					printf "        %s: %s\n", label_desc(l), vs_lsns(p, l, "J")
				if (l ~ /^groups_3col_noadopt_/)
					printf "        %s: %s\n", label_desc(l), vs_lsns(p, l, "3col")
				if (l ~ /^export_/)
					printf "        %s vs lsns -J: %s\n", label_desc(l), vs_lsns(p, l, "J")
			}
		}
	}
	if (nlabels && st["nsbox_version_mean"] > 0) {
		# sub-steps: start-up S, ADOPT A, raw dump D (its walk of the
		# tasks W: the dump of one group), receiving, parsing and one
		# column P, the other columns F
		printf "== where the time goes (M instructions; start-up = nsbox --version, dump = the raw dump in its\n"
		printf "   default form: a tool that asks for another form (above) gets the rest lower, even below 0)\n"
		S = st["nsbox_version_mean"]
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			D = dump[p, "all", "ns"]; W = dump[p, "time", "ns"]
			if (!(D > 0) || !(mean(p, "groups_J") > 0))
				continue
			A = mean(p, "groups_J") - mean(p, "groups_J_noadopt")
			P = mean(p, "groups_J1_noadopt") - S - D
			F = mean(p, "groups_J_noadopt") - mean(p, "groups_J1_noadopt")
			cells = dump[p, "all", "entries"] * (features["json_fields"] - 1)
			printf "  %-5s groups -J %s = start-up %s + ADOPT %s + dump %s (walk of the tasks %s) + receive, parse, one column %s + %d more columns %s (%s per cell)\n",
				p, M(mean(p, "groups_J")), M(S), Md(A), M(D), M(W), Md(P),
				features["json_fields"] - 1, Md(F), (cells > 0 ? commas(F / cells) : "n/a")
			printf "        groups -n -o kind,id,procs --no-adopt %s = start-up + dump + %s; export %s = start-up + dump + %s\n",
				M(mean(p, "groups_3col_noadopt")), Md(mean(p, "groups_3col_noadopt") - S - D),
				M(mean(p, "export")), Md(mean(p, "export") - S - D)
			if (val[p, "lsns_J", "cpu"] > 0)
				printf "        lsns -J %s: %.0f%% of its CPU time in the kernel (reading /proc); nsbox groups -J %.0f%%\n",
					M(mean(p, "lsns_J")), 100 * val[p, "lsns_J", "sys"] / val[p, "lsns_J", "cpu"],
					(val[p, "groups_J", "cpu"] > 0 ? 100 * val[p, "groups_J", "sys"] / val[p, "groups_J", "cpu"] : 0)
		}
	}
	if (cgpop != "") {
		printf "== %d cgroups at %s tasks (%d groups): cgroupfs files vs nsbox export\n", cf["cgroups"], cgpop, cf["groups"]
		printf "  %-48s %s\n", "cat cpu.stat memory.current memory.events pids.current", mspread(cf["cat_mean"], cf["cat_min"], cf["cat_max"])
		printf "  %-48s %s\n", "nsbox export --kind cgroup2", mspread(cf["export_cgroup2_mean"], cf["export_cgroup2_min"], cf["export_cgroup2_max"])
		printf "  %-48s %s\n", "nsbox export (every group)", mspread(cf["export_mean"], cf["export_min"], cf["export_max"])
		printf "  nsbox export --kind cgroup2 is %s cheaper than reading the 4 files of each cgroup\n", ratio(cf["cat_mean"], cf["export_cgroup2_mean"])
	}
	if (npops) {
		# the issue's targets, at 10k tasks where measured
		t = ("10k", "groups_J", "mean") in val ? "10k" : pops[1]
		printf "== targets (at %s tasks; lsns is the VM's lsns %s, [2.41])\n", t, env["lsns"]
		printf "  %-62s %-22s %s\n", "groups -J vs lsns -J (--no-adopt)", vs_lsns(t, "groups_J", "J") " (" vs_lsns(t, "groups_J_noadopt", "J") ")", ">= 25x"
		printf "  %-62s %-22s %s\n", "groups -n -o kind,id,procs vs lsns -n -o TYPE,NS,NPROCS (--no-adopt)", vs_lsns(t, "groups_3col", "3col") " (" vs_lsns(t, "groups_3col_noadopt", "3col") ")", ">= 100x"
		e10 = dump[t, "all", "per_entry"]; e30 = dump["30k", "all", "per_entry"]
		printf "  %-62s %-22s %s\n", "one dump per group entry (" t "; 30k: change from " t ")",
			commas(e10) " (" (e30 > 0 ? commas(e30) ", " pct(e30, e10) : "n/a") ")", "<= 2,000, within 10%"
		for (j = 1; j <= nforms; j++) {
			e10 = dump[t, forms[j], "per_entry"]; e30 = dump["30k", forms[j], "per_entry"]
			printf "  %-62s %-22s %s\n", "  the same, " forms[j],
				commas(e10) " (" (e30 > 0 ? commas(e30) ", " pct(e30, e10) : "n/a") ")", ""
		}
		printf "  %-62s %-22s %s\n", "export vs cgroupfs (" commas(cf["cgroups"]) " cgroups); export vs lsns -J",
			ratio(cf["cat_mean"], cf["export_cgroup2_mean"]) "; " vs_lsns(t, "export", "J"), ">= 30x; >= 20x"
		printf "  %-62s %-22s %s\n", "nsbox top, one refresh (CPU time of the process)", M(refresh(t, "default")), "<= 10 M"
		if (nf && fs["fork_off"] > 0)
			printf "  %-62s %-22s %s\n", "fork+exit added by the hooks (spread of off rounds)",
				pct(fs["fork_on"], fs["fork_off"]) " (" sprintf("%.2f%%", 100 * (fmax["fork_off"] - fmin["fork_off"]) / (fs["fork_off"] / nf)) ")", "<= 0.5%, spread below it"
	}
	if (pn && pv["write_none"] > 0) {
		printf "== one probed vfs_write() (instructions per call)\n"
		printf "  module off %d, on %d; probe %d (+%d), --sum-arg %d (+%d), --ret %d (+%d)\n",
			pv["write_off"]/pn, pv["write_none"]/pn, pv["write_plain"]/pn, (pv["write_plain"]-pv["write_none"])/pn,
			pv["write_sum"]/pn, (pv["write_sum"]-pv["write_none"])/pn, pv["write_ret"]/pn, (pv["write_ret"]-pv["write_none"])/pn
	}
}
