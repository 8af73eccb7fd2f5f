#!/bin/sh
# run-all.sh - run every VM test in /opt/nsbox/tests, in the lab VM.
# Each test prints its own TAP; the exit status is non-zero if any failed.
cd "${NSBOX_TESTS:-/opt/nsbox/tests}" || exit 1
status=0
# lockdown.sh raises kernel lockdown, which cannot be lifted: it goes last.
# labs.sh goes first: the labs are checked as a student meets them, on
# the nsbox.ko the VM loaded at boot, before other tests reload it
for t in ./labs.sh $(ls ./* | grep -vx -e './lockdown.sh' -e './labs.sh') ./lockdown.sh; do
	case "$t" in
	# tests are the *_test programs and the *.sh scripts; the rest are
	# helpers they run (box_helper, escape_helper, setuid_relay, ...)
	./run-all.sh|./tap.sh) continue ;;
	./*_test|./*.sh) ;;
	*) continue ;;
	esac
	[ -x "$t" ] || continue
	# a lane may leave out tests another lane runs (NSBOX_SKIP_TESTS, the
	# debug lane: see scripts/check-debug.sh); it says so, it is no skip
	case " ${NSBOX_SKIP_TESTS:-} " in
	*" $(basename "$t") "*)
		echo "# ===== $(basename "$t") not run in this lane: ${NSBOX_SKIP_WHY:-NSBOX_SKIP_TESTS}"
		continue ;;
	esac
	echo "# ===== $(basename "$t") on $(uname -r)"
	t0=$(date +%s)
	"$t" || status=1
	echo "# ===== $(basename "$t"): $(( $(date +%s) - t0 )) s"
done
exit "$status"
