#!/bin/sh
# Quick start 2: install what is missing, build, and run the whole test
# suite: unit and simulator tests, the same under ASan+UBSan and under
# valgrind, the explorer's threads under ThreadSanitizer, and the
# documentation checks.  .ci/run calls this.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh --lab

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

run() {
	echo "== $*"
	"$@"
}

# meson test, its output kept to count the results at the end
mtest() {
	echo "== meson test $*"
	meson test "$@" >"$LOG.1" 2>&1 && rc=0 || rc=$?
	cat "$LOG.1"
	cat "$LOG.1" >>"$LOG"
	rm -f "$LOG.1"
	return "$rc"
}

# 1. normal build, every suite but the VM lab (the kernel suite builds
# the patched dlm.ko; the explore suite runs the 3-node explorer)
[ -f build/build.ninja ] || run meson setup build
run meson compile -C build
mtest -C build --print-errorlogs --no-suite vm

# 2. AddressSanitizer + UndefinedBehaviorSanitizer
[ -f build-asan/build.ninja ] || run meson setup build-asan \
	-Db_sanitize=address,undefined -Db_lundef=false -Ddocs=false
run meson compile -C build-asan
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
mtest -C build-asan --print-errorlogs --no-suite vm --no-suite docs --no-suite explore \
	--no-suite kernel

# 2b. ThreadSanitizer on the explorer's threads (dlmctl explore
# --threads): test_threads runs the same searches on 1 and 3 threads
[ -f build-tsan/build.ninja ] || run meson setup build-tsan \
	-Db_sanitize=thread -Ddocs=false
run meson compile -C build-tsan tests/test-explore
run env EXPLORE_FILTER=test_threads TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	build-tsan/tests/test-explore

# 3. valgrind (memcheck) on the same tests; the CLI test is a shell
# script, so valgrind wraps each dlmctl it runs instead
VG='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --quiet'
mtest -C build --print-errorlogs --no-suite vm --no-suite docs --no-suite explore \
	--no-suite kernel \
	--no-suite cli --wrap="$VG" --timeout-multiplier=10
export DLMCTL_WRAP="$VG"
mtest -C build --print-errorlogs --suite cli --timeout-multiplier=10
unset DLMCTL_WRAP

# 4. the VM lab (real kernel DLM with the patched module, corosync,
# dlm_controld, gfs2, dlmctl)
mtest -C build --print-errorlogs --suite vm
passed=$(awk '/^Ok:/ { n += $2 } END { print n + 0 }' "$LOG")
failed=$(awk '/^Fail:/ { n += $2 } END { print n + 0 }' "$LOG")
echo "check.sh: all suites passed"
echo "$passed passed, $failed failed"
