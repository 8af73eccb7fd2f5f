#!/bin/bash
# scripts/kselftests.sh - build the kernel's own selftests for the parts of
# the kernel nsbox hooks (clone3, pidfd, nsfs, pid_namespace, timens,
# cgroup) from Debian's linux-source package, statically, into
# build/kselftests/ (never into the repository).  tests/vm/kselftests.sh
# runs them in the lab VM without and with nsbox.ko and compares.
#
# Compiled in the trixie build root (scripts/buildroot.sh 7): its uapi
# headers are the newest nsbox targets, and static binaries run on every
# kernel line.  A program that does not compile is listed in
# build/kselftests/NOT-BUILT with the reason (the VM test prints it).
# Idempotent: does nothing once build/kselftests/.done exists.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

OUT=$TOP/build/kselftests
DIRS="clone3 pidfd nsfs pid_namespace timens cgroup"
[ -f "$OUT/.done" ] && exit 0

# shellcheck disable=SC2012
TAR=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$TAR" ] || die 2 "no /usr/src/linux-source-*.tar.xz: install linux-source-6.12 (scripts/deps.sh --labs)"
ROOT=$(root_dir trixie)
[ -x "$ROOT/usr/bin/gcc" ] || die 2 "no build root $ROOT: run scripts/buildroot.sh 7"
NAME=$(basename "$TAR" .tar.xz)

WORK=$ROOT/tmp/nsbox-kselftests
rm -rf "$WORK" "$OUT"
mkdir -p "$WORK/out" "$OUT"
trap 'rm -rf "$WORK"' EXIT
echo "kselftests: $DIRS from $TAR"
# shellcheck disable=SC2046
tar -xJf "$TAR" -C "$WORK" --strip-components=4 --wildcards \
	"$NAME/tools/testing/selftests/kselftest*.h" \
	$(for d in $DIRS; do echo "$NAME/tools/testing/selftests/$d/*"; done)

cat > "$WORK/build.sh" <<'EOF'
cd /tmp/nsbox-kselftests
for d in $DIRS; do
	for c in "$d"/*.c; do
		n=$(basename "$c" .c)
		case "$d/$n" in
		# helpers linked into the cgroup tests, not tests
		cgroup/cgroup_util|cgroup/wait_inotify) continue ;;
		# a benchmark, not a test
		timens/gettime_perf) continue ;;
		esac
		extra=
		[ "$d" = cgroup ] && extra=cgroup/cgroup_util.c
		if ! gcc -static -O2 -w -D_GNU_SOURCE -I. -pthread -o "out/$d-$n" "$c" $extra -lrt \
			2> "out/$d-$n.err"; then
			echo "$d-$n: $(grep -m1 'error' "out/$d-$n.err")"
			rm -f "out/$d-$n"
		fi
		rm -f "out/$d-$n.err"
	done
done > out/NOT-BUILT
EOF
in_root "$ROOT" env DIRS="$DIRS" sh /tmp/nsbox-kselftests/build.sh
cp "$WORK"/out/* "$OUT/"
echo "$NAME" > "$OUT/.done"
echo "kselftests: $(find "$OUT" -type f -perm -u+x | wc -l) programs built, $(wc -l < "$OUT/NOT-BUILT") not (build/kselftests/NOT-BUILT)"
