# scripts/tap-files.awk - per test file: how many checks passed, failed,
# were skipped, from one part's TAP log (check.sh, check-debug.sh).
#   awk -v part=NAME -f scripts/tap-files.awk LOG
# A VM log has "# ===== FILE on KVER" before each test file's output
# (run-all.sh); checks before the first such line belong to the part.
BEGIN { cur = part }
/^# ===== [^ ]+ on / {
	cur = part ": " $3
	if (!(cur in seen)) { seen[cur] = 1; order[++k] = cur }
	next
}
/^ok [0-9]+.*# (SKIP|skip)/ { s[cur]++; mark(); next }
/^ok [0-9]+/ { p[cur]++; mark(); next }
/^not ok [0-9]+/ { f[cur]++; mark(); next }
function mark() { if (!(cur in seen)) { seen[cur] = 1; order[++k] = cur } }
END {
	for (i = 1; i <= k; i++)
		printf "# %-40s %5d passed %4d failed %4d skipped\n", order[i], p[order[i]], f[order[i]], s[order[i]]
}
