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
	s = sprintf("%d", neg ? -x : x)
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return (neg ? "-" : "") s
}
function M(x) {
	return x > 0 ? sprintf("%.1f M", x / 1e6) : "n/a"
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
	desc["groups_J"] = "nsbox groups -J"
	desc["groups_J_noadopt"] = "nsbox groups -J --no-adopt"
	desc["groups_3col"] = "nsbox groups -n -o kind,id,procs"
	desc["groups_3col_noadopt"] = "nsbox groups -n -o kind,id,procs --no-adopt"
	desc["export"] = "nsbox export"
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
/^BENCH (features|probe_via)/ { print }
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
	d = f["fork_on"] - f["fork_off"]
	if (nf == 1 || d < dmin["fork"]) dmin["fork"] = d
	if (nf == 1 || d > dmax["fork"]) dmax["fork"] = d
	d = f["exec_on"] - f["exec_off"]
	if (nf == 1 || d < dmin["exec"]) dmin["exec"] = d
	if (nf == 1 || d > dmax["exec"]) dmax["exec"] = d
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
	for (k in dd)
		dump[dd["pop"], dd["kind"], k] = dd[k]
}
/^BENCH top / {
	kv(tt)
	addpop(tt["pop"])
	for (k in tt)
		top[tt["pop"], tt["kinds"], k] = tt[k]
	topkinds[tt["kinds"]] = 1
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
	}
	if (nf && fs["fork_off"] > 0 && fs["exec_off"] > 0) {
		printf "== hooks: module unloaded vs loaded (instructions per iteration, %d rounds alternated; mean (min-max))\n", nf
		split("fork exec", fk, " ")
		fname["fork"] = "fork+exit"; fname["exec"] = "fork+execve"
		for (i = 1; i <= 2; i++) {
			k = fk[i]
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
		printf "  %-48s", "  CPU time of nsbox groups -J (of which system)"
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			printf " %-22s", M(val[p, "groups_J", "cpu"]) " (" M(val[p, "groups_J", "sys"]) ")"
		}
		printf "\n"
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
		printf "== per group entry of one dump (instructions)\n"
		for (i = 1; i <= npops; i++) {
			p = pops[i]
			printf "  %-5s %s entries, %s bytes, %s recvmsg: %s per entry%s\n", p,
				commas(dump[p, "all", "entries"]), commas(dump[p, "all", "bytes"]),
				dump[p, "all", "recvmsg"], commas(dump[p, "all", "per_entry"]),
				dump[p, "all", "intr"] ? ", " dump[p, "all", "intr"] " interrupted" : ""
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
			}
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
