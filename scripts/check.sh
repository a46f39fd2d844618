#!/bin/bash
# Quick start 2: install what is missing, build, and run the whole test
# suite: unit and simulator tests, the same under ASan+UBSan and under
# valgrind, the explorer's threads under ThreadSanitizer, a short run of
# every libFuzzer harness (tests/fuzz), the documentation checks, the
# kernel series and the VM lab.  .ci/run calls
# this.  Not here, for time: the explorer's long three-node searches
# (meson test -C build --suite explore-large, about 12 minutes) and, on
# Linux 6.12, the lab scenarios that do not depend on the kernel line
# (tests/vm/meson.build: lab-6.12-rest).
#
#   scripts/check.sh [--debug-kernel]
#
# --debug-kernel adds two stages at the end: scripts/debug-kernel.sh
# builds (or reuses, cached) the lab's debug kernel, Linux 6.12 with
# lockdep, KASAN, DEBUG_ATOMIC_SLEEP and DEBUG_LIST (kernel/README.md,
# "The debug kernel": its build time), and the lab's suite vm-debug runs
# on it (DLMR_KVER=6.12-debug): the series' scenarios with a clean kernel
# log, and scenario lockbug, where lockdep must report the series' old
# locking.  Not in the default run, for time.
#
# Every stage runs, whatever the earlier ones did (a stage whose build
# failed reports that); the end is always the stage table and the line
# "N passed, M failed" (meson tests, plus one per stage that is not a
# meson test run).  Exit status: 0 if every stage passed, 1 otherwise.
set -u
cd "$(dirname "$0")/.."

DEBUG_KERNEL=0
for a in "$@"; do
	case $a in
	--debug-kernel) DEBUG_KERNEL=1 ;;
	*) echo "check.sh: unknown argument '$a' (usage: check.sh [--debug-kernel])" >&2; exit 2 ;;
	esac
done

OUT=$(mktemp)
TABLE=$(mktemp)
trap 'rm -f "$OUT" "$TABLE"' EXIT
T0=$SECONDS
PASSED=0
FAILED=0

# stage NAME COMMAND...: run one stage, record its result and time.  A
# stage that runs meson test counts its tests; any other counts as one.
stage() {
	local name=$1 t=$SECONDS rc ok fail
	shift
	echo "== stage $name: $*"
	: >"$OUT"
	"$@" && rc=0 || rc=$?
	ok=$(awk '/^Ok:/ { n += $2 } END { print n + 0 }' "$OUT")
	fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ { n += $2 } END { print n + 0 }' "$OUT")
	if [ $((ok + fail)) -eq 0 ]; then
		[ "$rc" = 0 ] && ok=1 || fail=1
	elif [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
		fail=1 # meson itself failed (a build error) after some tests
	fi
	PASSED=$((PASSED + ok))
	FAILED=$((FAILED + fail))
	printf '%-12s %-6s %5d s  %4d passed %4d failed\n' "$name" \
		"$([ "$rc" = 0 ] && echo ok || echo FAIL)" $((SECONDS - t)) \
		"$ok" "$fail" >>"$TABLE"
	[ "$rc" = 0 ] || echo "== stage $name FAILED (exit $rc)"
	return 0
}

# meson test, its output kept (in $OUT) for stage() to count the results
mtest() {
	local rc
	meson test "$@" >"$OUT" 2>&1 && rc=0 || rc=$?
	cat "$OUT"
	return "$rc"
}

# build DIR ARGS...: meson setup DIR ARGS once, then compile
build() {
	local dir=$1
	shift
	{ [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"; } &&
		meson compile -C "$dir"
}

# 0. the packages (the kernel under test: scripts/kernel.sh)
stage deps scripts/deps.sh --lab
echo "kernel under test: $(scripts/kernel.sh kver 2>&1)"

# The suites no stage but their own runs: the VM lab (vm, stage 4), the
# long ones (vm-long, explore-large: not in check.sh) and the debug
# kernel's lab (vm-debug, --debug-kernel).  meson's
# --no-suite matches a suite's whole name: --no-suite vm leaves vm-long
# in (before this list, the unit, asan and valgrind stages all ran
# lab-6.12-rest, and asan and valgrind explore-large).
NOT_HERE=(--no-suite vm --no-suite vm-long --no-suite vm-debug --no-suite explore-large)

# 1. normal build, every suite but the VM lab (the kernel suite builds
# the patched dlm.ko; the explore suite runs the 3-node explorer)
normal() {
	build build && mtest -C build --print-errorlogs "${NOT_HERE[@]}"
}
stage unit normal

# 2. AddressSanitizer + UndefinedBehaviorSanitizer
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
asan() {
	local rc
	# test-explore leaves out test_reduced_encoding and
	# test_reduced_mutants (they compare results with and without the
	# reduced encoding, which every other search here uses: 160 s
	# under ASan, past meson's timeout on CI's two cores) and
	# test_threads (ThreadSanitizer below)
	export EXPLORE_SKIP=test_reduced_encoding,test_reduced_mutants,test_threads
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Ddocs=false &&
		mtest -C build-asan --print-errorlogs "${NOT_HERE[@]}" \
			--no-suite docs --no-suite explore --no-suite kernel \
			--no-suite render --no-suite install \
			--timeout-multiplier=2 && rc=0 || rc=$?
	unset EXPLORE_SKIP
	return "$rc"
}
stage asan asan

# 2b. ThreadSanitizer on the explorer's threads (dlmctl explore
# --threads): test_threads runs the same searches on 1 and 3 threads
tsan() {
	{ [ -f build-tsan/build.ninja ] ||
		meson setup build-tsan -Db_sanitize=thread -Ddocs=false; } &&
		meson compile -C build-tsan tests/test-explore &&
		env EXPLORE_FILTER=test_threads \
			TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
			build-tsan/tests/test-explore
}
stage tsan tsan

# 2c. libFuzzer: a short bounded run of every harness of tests/fuzz
# (their corpora are replayed as tests in the unit, asan and valgrind
# stages); bench/fuzz builds build-fuzz (clang, ASan+UBSan) and stops at
# the first crash, leak or UB report.  FUZZ_SECONDS per harness (default
# 20): five harnesses, 147 s with the build from scratch on 2 cores
# (bench/README.md, bench/fuzz).  The long run is bench/fuzz alone.
fuzz() {
	nice bench/fuzz -t "${FUZZ_SECONDS:-20}"
}
stage fuzz fuzz

# 3. valgrind (memcheck) on the same tests; the CLI tests are shell
# scripts, so valgrind wraps each dlmctl they run instead.  Under
# valgrind test-explore runs only its short searches: it leaves out
# (EXPLORE_SKIP) the reduced-encoding comparisons, test_por_mutants,
# test_fair_livelock, test_por_preserves_quiescent_states and
# test_threads, which took 10 of valgrind's 12 minutes on CI's two
# cores; all run natively, all but the reduced-encoding comparisons
# under ASan+UBSan above, and test_threads under ThreadSanitizer.
# test_finding11_late_delivery too (26 s of CPU under valgrind, 0.6 s
# natively): the late-delivery code runs under valgrind in the CLI
# tests (valgrind-cli: the replays and dlmctl explore --delivery late).
VG='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --quiet'
vg() {
	local rc
	local skip=test_reduced_encoding,test_reduced_mutants,test_por_mutants
	skip=$skip,test_fair_livelock,test_por_preserves_quiescent_states
	export EXPLORE_SKIP=$skip,test_threads,test_finding11_late_delivery
	mtest -C build --print-errorlogs "${NOT_HERE[@]}" --no-suite docs \
		--no-suite explore --no-suite kernel --no-suite cli \
		--no-suite render --no-suite install --wrap="$VG" \
		--timeout-multiplier=10 && rc=0 || rc=$?
	unset EXPLORE_SKIP
	return "$rc"
}
stage valgrind vg
vgcli() {
	local rc
	export DLMCTL_WRAP="$VG"
	mtest -C build --print-errorlogs --suite cli --timeout-multiplier=10 &&
		rc=0 || rc=$?
	unset DLMCTL_WRAP
	return "$rc"
}
stage valgrind-cli vgcli

# 4. the VM lab (real kernel DLM with the patched module, corosync,
# dlm_controld, gfs2, dlmctl)
stage vm mtest -C build --print-errorlogs --suite vm

# 5. --debug-kernel: the lab on the debug kernel (kernel/README.md, "The
# debug kernel"; tests/vm/README.md)
if [ "$DEBUG_KERNEL" = 1 ]; then
	stage debug-kernel scripts/debug-kernel.sh
	stage vm-debug mtest -C build --print-errorlogs --suite vm-debug
fi

echo
echo "check.sh: stages (kernel $(scripts/kernel.sh kver 2>/dev/null || echo unknown), $((SECONDS - T0)) s in all)"
cat "$TABLE"
if [ "$FAILED" = 0 ]; then
	echo "check.sh: all stages passed"
else
	echo "check.sh: FAILED"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
