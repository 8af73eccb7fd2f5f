# bench/summarise.awk - the summary of bench/guest.sh's "BENCH ..." lines:
# ratios against lsns and the hooks' overhead (bench/run.sh; checked by
# tests/host/bench_summary.sh).  Every BENCH line after its tag is
# key=value pairs; a value that is missing or 0 gives "n/a", never inf.

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
/^BENCH round=/ {
	for (i = 2; i <= NF; i++) { split($i, p, "="); v[p[1]] += p[2] }
	n++
}
/^BENCH (population|list|text|start|dump|table|scrape|cgroupfs|probe_via)/ { print }
/^BENCH probe round=/ {
	for (i = 3; i <= NF; i++) { split($i, p, "="); pv[p[1]] += p[2] }
	pn++
}
/^BENCH list/ {
	kv(l)
	printf "  nsbox groups -J is %s faster than lsns -J\n", ratio(l["lsns_ns"], l["nsbox_groups_ns"])
	lsns_json = l["lsns_ns"]
}
/^BENCH text/ {
	kv(t)
	printf "  nsbox groups is %s faster than lsns (text tables)\n", ratio(t["lsns_ns"], t["nsbox_groups_ns"])
}
/^BENCH dump/ {
	kv(d)
	printf "  one GET_GROUP dump (kernel side + netlink) is %s faster than lsns -J\n", ratio(lsns_json, d["ns"])
}
/^BENCH scrape/ {
	kv(sc)
	printf "  one scrape (nsbox export) is %s faster than lsns -J\n", ratio(lsns_json, sc["export_ns"])
}
/^BENCH cgroupfs/ {
	kv(cf)
	printf "  nsbox export --kind cgroup2 is %s faster than reading 4 cgroupfs files per cgroup\n", ratio(cf["cat_ns"], cf["export_cgroup2_ns"])
}
END {
	if (pn && pv["write_none"] > 0) {
		printf "  vfs_write(): module off %d, on %d; probe %d (+%d), --sum-arg %d (+%d), --ret %d (+%d)\n",
			pv["write_off"]/pn, pv["write_none"]/pn, pv["write_plain"]/pn, (pv["write_plain"]-pv["write_none"])/pn,
			pv["write_sum"]/pn, (pv["write_sum"]-pv["write_none"])/pn, pv["write_ret"]/pn, (pv["write_ret"]-pv["write_none"])/pn
	}
	if (n && v["fork_off"] > 0 && v["exec_off"] > 0) {
		printf "  fork+exit:   off %d  on %d  (+%.2f%%)\n", v["fork_off"]/n, v["fork_on"]/n, 100*(v["fork_on"]-v["fork_off"])/v["fork_off"]
		printf "  fork+execve: off %d  on %d  (+%.2f%%)\n", v["exec_off"]/n, v["exec_on"]/n, 100*(v["exec_on"]-v["exec_off"])/v["exec_off"]
	}
}
