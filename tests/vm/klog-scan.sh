#!/bin/sh
# Scan kernel logs (the lab's node consoles) for kernel trouble.
#
#   tests/vm/klog-scan.sh [--allow FILE] [--matched OUT] LOG[:FROM]...
#
# A hit is a line matching one of the patterns below (warnings, BUGs,
# oopses, general protection faults, KASAN, UBSAN, lockdep, hung tasks,
# RCU stalls, panics, a gfs2 withdraw).  A hit is allowed when an entry of
# the allowlist (default tests/vm/klog-allow.txt) matches it; every other
# hit is printed as "LOG:LINE: the hit", followed by the next lines of
# that report (indented), and makes the exit status 1.  LOG:FROM scans
# LOG from line FROM on (the lab scans each scenario's new lines).
# --matched OUT appends, for each allowed hit, "ENTRY-PATTERN<TAB>LOG:LINE"
# to OUT.  Exit status: 0 no unallowed hit, 1 some, 2 usage or a bad
# allowlist (an entry without its "why").
#
# The allowlist: blocks of two lines, "pattern: ERE" (matched against the
# hit line) and "why: ..." (why the hit is not ours: where it was shown to
# happen without this project's code); '#' lines and blank lines are
# comments.
set -eu

PATTERNS='WARNING:|BUG:|kernel BUG at|Oops|general protection|KASAN|UBSAN|Kernel panic|INFO: task .* blocked for more than|rcu: .*(stall|Stall)|possible (recursive|circular) locking|inconsistent lock state|lock held when returning|about to withdraw|withdrawn'

ALLOW=$(dirname "$0")/klog-allow.txt
MATCHED=/dev/null
while [ $# -gt 0 ]; do
	case $1 in
	--allow) ALLOW=$2; shift 2 ;;
	--matched) MATCHED=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "klog-scan.sh: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: klog-scan.sh [--allow FILE] [--matched OUT] LOG[:FROM]..." >&2; exit 2; }
[ -r "$ALLOW" ] || { echo "klog-scan.sh: $ALLOW: cannot read the allowlist" >&2; exit 2; }

# the allowlist, checked: every pattern has its why
pats=$(awk '
	/^[ \t]*(#|$)/ { next }
	/^pattern: / { if (p != "") { bad = NR; exit } p = substr($0, 10); next }
	/^why: ./ { if (p == "") { bad = NR; exit } print p; p = ""; next }
	{ bad = NR; exit }
	END {
		if (bad) { print "klog-scan.sh: " FILENAME ":" bad ": expected \"pattern: ERE\" then \"why: ...\"" > "/dev/stderr"; exit 2 }
		if (p != "") { print "klog-scan.sh: " FILENAME ": pattern \"" p "\" has no why" > "/dev/stderr"; exit 2 }
	}' "$ALLOW") || exit 2

rc=0
for arg in "$@"; do
	f=${arg%:*}
	from=${arg##*:}
	if [ "$f" = "$arg" ] || ! [ "$from" -ge 1 ] 2>/dev/null; then
		f=$arg
		from=1
	fi
	[ -r "$f" ] || { echo "klog-scan.sh: $f: cannot read" >&2; exit 2; }
	PATS=$pats awk -v from="$from" -v re="$PATTERNS" -v file="$f" \
		-v matched="$MATCHED" '
		BEGIN { n = split(ENVIRON["PATS"], allow, "\n") }
		NR < from { next }
		ctx > 0 { print "    " $0; ctx--; next }
		$0 ~ re {
			for (i = 1; i <= n; i++)
				if (allow[i] != "" && $0 ~ allow[i]) {
					print allow[i] "\t" file ":" NR >>matched
					next
				}
			print file ":" NR ": " $0
			ctx = 4
			bad = 1
		}
		END { exit bad }' "$f" || rc=1
done
exit $rc
