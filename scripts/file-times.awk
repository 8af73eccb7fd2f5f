# scripts/file-times.awk - seconds per VM test file, one column per lane,
# from the lanes' console logs (check.sh, check-debug.sh):
#   awk -v labels="5.10 6.1 ..." [-v totals="S1 S2 ..."] -f scripts/file-times.awk LOG...
# labels name the logs' columns, in order.  run-all.sh ends each test
# file's output with "# ===== FILE: N s"; a file a lane did not run shows
# "-".  Then a row sums each column: the time spent in test files, the
# guest's boot and set-up not included; totals, if given, is each lane's
# whole time (its initramfs, boot and all), printed as a last row.
BEGIN { ncol = split(labels, label, " "); split(totals, total, " ") }
FNR == 1 { col++ }
/^# ===== [^ ]+: [0-9]+ s$/ {
	f = $3
	sub(/:$/, "", f)
	if (!(f in seen)) { seen[f] = 1; order[++nf] = f }
	t[f, col] = $4
	sum[col] += $4
}
END {
	if (!nf)
		exit
	w = 16
	for (i = 1; i <= nf; i++)
		if (length(order[i]) > w)
			w = length(order[i])
	line = sprintf("# %-" w "s", "test file")
	for (c = 1; c <= ncol; c++)
		line = line sprintf(" %8s", label[c])
	print line
	for (i = 1; i <= nf; i++) {
		line = sprintf("# %-" w "s", order[i])
		for (c = 1; c <= ncol; c++)
			line = line sprintf(" %8s", ((order[i], c) in t) ? t[order[i], c] : "-")
		print line
	}
	line = sprintf("# %-" w "s", "all test files")
	for (c = 1; c <= ncol; c++)
		line = line sprintf(" %8d", sum[c])
	print line
	if (totals == "")
		exit
	line = sprintf("# %-" w "s", "the lane, in all")
	for (c = 1; c <= ncol; c++)
		line = line sprintf(" %8s", total[c])
	print line
}
