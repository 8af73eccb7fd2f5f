#!/bin/bash
# scripts/check.sh - `make check`: every test nsbox has, in one run.
#
#   1. build: the tool and tests (-Wall -Wextra -Werror), nsbox.ko for each
#      target kernel (5.10, 6.1, 6.12, 7.x, each in its own suite's build
#      root) with W=1 and sparse: no warnings allowed
#   2. checkpatch.pl --strict (from linux-source) on kmod/ and uapi/, and
#      kmod/'s include graph has no cycle (scripts/check-includes.sh)
#   3. modinfo fields of each nsbox.ko
#   4. host unit tests, host CLI tests, the tool's layering, the man pages
#      against each command's --help, bash and zsh completion
#   5. the VM suite (tests/vm) in the lab VM on each target kernel; a guest
#      crash, timeout or kernel warning in dmesg fails the run
#   6. the VM harness checking itself (exit status, WARN, panic, timeout)
#   5 and 6 run as one lane per kernel, lanes side by side (NSBOX_LANES)
#   7. beside them, the packages lane: make deb (lintian clean), and
#      tests/host/install.sh (the packages on a fresh Debian 12, DKMS,
#      the lab VM booted with the module DKMS built, purge), then
#      tests/host/prometheus.sh (a real Prometheus scraping nsbox serve
#      in the lab VM)
#
# Every part prints TAP; the last line sums them: "N passed, N failed".
# Exit status is non-zero if anything failed.
#
# Environment: NSBOX_CHECK_KVERS="k1 k2" to test other kernels;
# NSBOX_CHECK_QUICK=1 skips the harness self-test boots.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
cd "$TOP" || exit 2

LOGDIR=$TOP/build/check
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=()
PARTS=()
START=$(date +%s)

# count LOG PART: add the TAP results in LOG to the totals.
count() {
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$1" || true)
	s=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$1" || true)
	f=$(grep -cE '^not ok [0-9]+' "$1" || true)
	PASSED=$((PASSED + p - s))
	SKIPPED=$((SKIPPED + s))
	FAILED=$((FAILED + f))
	if [ "$f" != 0 ]; then
		FAILED_NAMES+=("$2: $(grep -E '^not ok [0-9]+' "$1" | sed 's/^not ok [0-9]* *-* *//' | paste -sd, | cut -c1-200)")
	fi
}

# part NAME COMMAND...: run one part, show its output, count its TAP.  A
# part that fails without printing a "not ok" counts as one failure.
part() {
	local name=$1 log rc
	shift
	log=$LOGDIR/$(echo "$name" | tr ' /' '__').log
	echo
	echo "######## $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	account "$name" "$log" "$rc"
}

# account NAME LOG RC: list the part, and count its TAP (a part that
# failed without a "not ok" is one failure)
account() {
	PARTS+=("$1	$2")
	if [ "$3" != 0 ] && ! grep -qE '^not ok [0-9]+' "$2"; then
		echo "not ok 1 - $1 (exit status $3)" | tee -a "$2"
	fi
	count "$2" "$1"
}

# A tiny TAP writer for the checks this script makes itself.
tap_n=0
tap() {	# tap NAME COMMAND...
	local name=$1
	shift
	tap_n=$((tap_n + 1))
	if "$@" > "$LOGDIR/tap-$tap_n.out" 2>&1; then
		echo "ok $tap_n - $name"
	else
		echo "not ok $tap_n - $name"
		sed 's/^/# /' "$LOGDIR/tap-$tap_n.out" | tail -n 40
	fi
}

if [ -n "${NSBOX_CHECK_KVERS:-}" ]; then
	read -r -a KVERS <<< "$NSBOX_CHECK_KVERS"
else
	mapfile -t KVERS < <(target_kvers)
fi

# ---- 1. build ------------------------------------------------------------
build_part() {
	tap_n=0
	echo "TAP version 13"
	tap "linux-source: kselftest harness and checkpatch extracted" scripts/linux-source.sh
	tap "tool builds (C11, -Wall -Wextra -Werror)" make -s -C tools
	# no binary of a test that was deleted may still run
	rm -rf build/tests/vm
	tap "tests build (C11, -Wall -Wextra -Werror)" make -s -C tests
	[ -n "${NSBOX_CHECK_KVERS:-}" ] ||
		tap "a kernel of each line ($(kernel_lines)): ${KVERS[*]} (scripts/buildroot.sh LINE)" \
			test "${#KVERS[@]}" = "$(kernel_lines | wc -w)"
	# the kernel's own selftests (tests/vm/kselftests.sh), built in the
	# trixie build root; a run on chosen kernels may not have that root
	if [ -z "${NSBOX_CHECK_KVERS:-}" ] || [ -x "$(root_dir trixie)/usr/bin/gcc" ]; then
		tap "kernel selftests build (clone3 pidfd nsfs pid_namespace timens cgroup, static; scripts/kselftests.sh)" \
			scripts/kselftests.sh
	fi
	for k in "${KVERS[@]}"; do
		tap "nsbox.ko builds for $k with W=1 and sparse, no warnings" scripts/build-kmod.sh "$k"
	done
	tap "make (default kernel) builds kmod/nsbox.ko" make -s module
}
part "build" build_part

# ---- 2. checkpatch -------------------------------------------------------
checkpatch_part() {
	local f
	tap_n=0
	echo "TAP version 13"
	local files
	# nsbox_config.h is generated (scripts/configure-kmod.sh), not written
	files=$(find kmod uapi -name '*.[ch]' ! -name '*.mod.c' ! -name nsbox_config.h | sort)
	[ -n "$files" ] || { echo "not ok 1 - no sources found in kmod/ and uapi/"; return 1; }
	for f in $files; do
		tap "checkpatch --strict $f" \
			perl build/linux-source/scripts/checkpatch.pl --no-tree --strict --terse --show-types -f "$f"
	done
}
part "checkpatch" checkpatch_part

# ---- 2b. the module's files depend on each other without a cycle ---------
part "include graph" scripts/check-includes.sh

# ---- 3. modinfo ----------------------------------------------------------
modinfo_part() {
	local k field
	tap_n=0
	echo "TAP version 13"
	for k in "${KVERS[@]}"; do
		# each field has the value the sources give it, not just any
		tap "modinfo license is GPL ($k)" \
			sh -c "[ \"\$(modinfo -F license '$(kmod_path "$k")')\" = GPL ]"
		tap "modinfo version is a release number ($k)" \
			sh -c "modinfo -F version '$(kmod_path "$k")' | grep -qxE '[0-9]+\\.[0-9]+\\.[0-9]+'"
		tap "modinfo description and author are main.c's ($k)" \
			sh -c "modinfo -F description '$(kmod_path "$k")' | grep -qx 'nsbox: per-namespace and per-cgroup task accounting over generic netlink' &&
				modinfo -F author '$(kmod_path "$k")' | grep -qx 'The nsbox developers'"
		tap "modinfo alias: the genl family, for autoloading ($k)" \
			sh -c "modinfo -F alias '$(kmod_path "$k")' | grep -qx 'net-pf-16-proto-16-family-nsbox'"
		tap "vermagic is $k" sh -c "modinfo -F vermagic '$(kmod_path "$k")' | grep -q '^$k '"
	done
}
part "modinfo" modinfo_part

# ---- 4. host tests -------------------------------------------------------
deb_part() {	# make deb as TAP
	echo "TAP version 13"
	if scripts/deb.sh; then echo "ok 1 - make deb: both packages built, lintian clean"
	else echo "not ok 1 - make deb: both packages built, lintian clean"; fi
	echo "1..1"
}
for t in build/tests/unit/*; do
	[ -x "$t" ] && part "unit $(basename "$t")" "$t"
done
part "host cli" tests/host/cli.sh
part "host bench summary" tests/host/bench_summary.sh
part "tool layers" scripts/check-layers.sh
part "host man pages" tests/host/man.sh
part "host completion" tests/host/completion.sh

# ---- 5. VM suite on each kernel, and 6. the VM harness checking itself ------
# One lane per kernel: its VM suite, then its harness boots.  Lanes run side
# by side, NSBOX_LANES at a time (default: one per core; each guest runs in
# one host thread, thread=single), and their logs are shown in kernel order.
lane() {	# lane KVER: run one kernel's lane, logs in $LOGDIR/lane-KVER.*
	local k=$1 t0
	t0=$(date +%s)
	scripts/vm.sh --kernel "$k" --timeout 1800 --run build/tests/vm/run-all.sh \
		> "$LOGDIR/lane-$k.vm" 2>&1
	echo $? > "$LOGDIR/lane-$k.vm.rc"
	if [ -z "${NSBOX_CHECK_QUICK:-}" ]; then
		tests/host/vm_harness.sh "$k" > "$LOGDIR/lane-$k.harness" 2>&1
		echo $? > "$LOGDIR/lane-$k.harness.rc"
	fi
	echo $(( $(date +%s) - t0 )) > "$LOGDIR/lane-$k.secs"
}
# The packages lane, beside the VM lanes (it waits on apt and DKMS more than
# it computes): make deb (lintian clean), then the packages installed,
# built by DKMS, booted and purged in a fresh Debian 12 root.
pkg_lane() {
	local t0
	t0=$(date +%s)
	deb_part > "$LOGDIR/deb" 2>&1
	echo $? > "$LOGDIR/deb.rc"
	tests/host/install.sh > "$LOGDIR/install" 2>&1
	echo $? > "$LOGDIR/install.rc"
	tests/host/prometheus.sh > "$LOGDIR/prometheus" 2>&1
	echo $? > "$LOGDIR/prometheus.rc"
	echo $(( $(date +%s) - t0 )) > "$LOGDIR/pkg.secs"
}
LANES=${NSBOX_LANES:-$(nproc)}
echo
echo "######## VM lanes: ${#KVERS[@]} kernels, $LANES at a time, and the packages lane"
lanes_t0=$(date +%s)
pkg_lane &
pkg_pid=$!
running=0
for k in "${KVERS[@]}"; do
	while [ "$running" -ge "$LANES" ]; do
		wait -n -p done_pid
		[ "$done_pid" = "$pkg_pid" ] || running=$((running - 1))
	done
	echo "# lane $k started at +$(( $(date +%s) - lanes_t0 )) s"
	lane "$k" &
	running=$((running + 1))
done
wait
# shown_part NAME LOG RCFILE: a part that already ran, shown and counted
shown_part() {
	local rc
	rc=$(cat "$3" 2>/dev/null || echo 1)
	echo
	echo "######## $1"
	cat "$2"
	account "$1" "$2" "$rc"
}
shown_part "deb" "$LOGDIR/deb" "$LOGDIR/deb.rc"
shown_part "host install" "$LOGDIR/install" "$LOGDIR/install.rc"
shown_part "host prometheus" "$LOGDIR/prometheus" "$LOGDIR/prometheus.rc"
for k in "${KVERS[@]}"; do
	shown_part "vm $k" "$LOGDIR/lane-$k.vm" "$LOGDIR/lane-$k.vm.rc"
	[ -z "${NSBOX_CHECK_QUICK:-}" ] &&
		shown_part "vm harness $k" "$LOGDIR/lane-$k.harness" "$LOGDIR/lane-$k.harness.rc"
done
LANE_TIMES=$(for k in "${KVERS[@]}"; do printf '%s %s s, ' "$k" "$(cat "$LOGDIR/lane-$k.secs")"; done
	printf 'packages %s s, ' "$(cat "$LOGDIR/pkg.secs" 2>/dev/null)")

echo
echo "######## checks per part and test file"
for entry in "${PARTS[@]}"; do
	awk -v part="${entry%%	*}" -f scripts/tap-files.awk "${entry#*	}"
done
echo
echo "######## summary ($(( $(date +%s) - START )) s; lanes: ${LANE_TIMES%, })"
for n in "${FAILED_NAMES[@]}"; do
	echo "# FAILED in $n"
done
if [ "$SKIPPED" != 0 ]; then
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
	echo "$PASSED passed, $FAILED failed"
fi
[ "$FAILED" = 0 ]
