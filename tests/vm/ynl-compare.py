#!/usr/bin/python3
"""Compare what the kernel's generic netlink CLI (tools/net/ynl/cli.py,
driven by Documentation/netlink/specs/dlm_recover.yaml alone) and dlmctl
(libdlmrecover) got from the same kernel.  The lab runs both on a node
and hands their outputs here, one file of sections ("== NAME" lines):

  ynl-compare.py get FILE
      == ynl dump          ynl --dump get --output-json
      == dlmctl recover    dlmctl recover -j            (every lockspace)
      == dlmctl slots      dlmctl slots -j
      == ynl do LS         ynl --do get --json '{"ls-name":"LS"}' --output-json
                           (one section per lockspace)
    The dump and dlmctl list the same lockspaces; for each one every
    field of the reply (id, generation, our slot, state, members, ops,
    seq, wall and monotonic time, the last recovery with its failed
    members) is the same,
    each ynl do equals its dump entry, and its slot table is dlmctl's.

  ynl-compare.py events FILE LS FIRSTSEQ
      == ynl events        ynl --subscribe events --sleep S --output-json
      == watch             dlmctl recover watch -j LS (JSON Lines)
    ynl got LS's events from FIRSTSEQ on without a gap, the last one a
    done, and they equal the watch's events of the same numbers, field by
    field (time, prep/slot/done, nodeid and slot, generation, our slot,
    slot table).

Prints one line: "ok: ..." (exit 0) or "MISMATCH: ..." (exit 1); bad
input is a one-line error (exit 2).
"""
import json
import sys


def die(msg):
    print(f"ynl-compare: {msg}", file=sys.stderr)
    sys.exit(2)


def mismatch(msg):
    print(f"MISMATCH: {msg}")
    sys.exit(1)


def sections(path):
    out, name, buf = {}, None, []
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        die(f"{path}: {e.strerror}")
    for line in lines + ['== end']:
        if line.startswith('== '):
            if name is not None:
                out[name] = '\n'.join(buf).strip()
            name, buf = line[3:].strip(), []
        elif name is not None:
            buf.append(line)
    return out


def load(secs, name):
    if name not in secs:
        die(f"no section '{name}'")
    try:
        return json.loads(secs[name])
    except ValueError as e:
        die(f"section '{name}' is not JSON: {e}: {secs[name][:200]!r}")


def in_order(entries):
    """[(nodeid, slot)] from ynl's repeated attribute (a list, absent when
    empty) or dlmctl's list"""
    if entries is not None and not isinstance(entries, list):
        mismatch(f"a slot table that is not a list: {entries!r}")
    return [(e['nodeid'], e['slot']) for e in entries or []]


def table(entries):
    """the same by nodeid"""
    return sorted(in_order(entries))


# the same facts under each client's names: ynl's (the spec's attribute
# names) and dlmctl's JSON keys; 'last' lists the nest and its members
# start, done, generation, failed, truncated
YNL_KEYS = {'id': 'ls-id', 'generation': 'generation', 'our_slot': 'our-slot',
            'state': 'state', 'members': 'members', 'ops': 'ops', 'seq': 'seq',
            'time_ns': 'time-ns', 'mono_ns': 'mono-ns',
            'last': ('last', 'start-ns', 'done-ns', 'start-mono-ns', 'done-mono-ns',
                     'generation', 'failed', 'truncated')}
DLMCTL_KEYS = {'id': 'id', 'generation': 'generation', 'our_slot': 'our_slot',
               'state': 'state', 'members': 'members', 'ops': 'ops', 'seq': 'seq',
               'time_ns': 'time_ns', 'mono_ns': 'mono_ns',
               'last': ('last', 'start_ns', 'done_ns', 'start_mono_ns', 'done_mono_ns',
                        'generation', 'failed', 'failed_truncated')}


def fields(e, keys):
    out = {k: e.get(v) for k, v in keys.items() if k != 'last'}
    out['ops'] = bool(out['ops'])
    nest, start, done, smono, dmono, gen, failed, trunc = keys['last']
    last = e.get(nest, {})
    out['last'] = (last.get(start), last.get(done), last.get(smono), last.get(dmono),
                   last.get(gen), in_order(last.get(failed)), last.get(trunc))
    return out


def get(path):
    secs = sections(path)
    dump = load(secs, 'ynl dump')
    rec = load(secs, 'dlmctl recover')
    slots = load(secs, 'dlmctl slots')
    if not isinstance(dump, list) or not isinstance(rec, list):
        die("the dump and dlmctl recover -j must be JSON arrays")
    y = {e.get('ls-name'): e for e in dump}
    d = {e.get('ls'): e for e in rec}
    s = {e.get('ls'): e for e in slots}
    if sorted(y) != sorted(d):
        mismatch(f"ynl dump lists {sorted(y)}, dlmctl recover {sorted(d)}")
    if not y:
        mismatch("no lockspace at all")
    for ls in sorted(y):
        a, b = fields(y[ls], YNL_KEYS), fields(d[ls], DLMCTL_KEYS)
        for k in a:
            if a[k] != b[k]:
                mismatch(f"{ls}: {k}: ynl {a[k]}, dlmctl {b[k]}")
    dos = [k[len('ynl do '):] for k in secs if k.startswith('ynl do ')]
    if not dos:
        die("no 'ynl do LS' section")
    for ls in dos:
        one = load(secs, 'ynl do ' + ls)
        if one != y.get(ls):
            mismatch(f"{ls}: ynl do {one} != its dump entry {y.get(ls)}")
        if ls not in s:
            mismatch(f"{ls}: not in dlmctl slots -j")
        if table(one.get('member')) != table(s[ls].get('slots')):
            mismatch(f"{ls}: slots: ynl {table(one.get('member'))}, dlmctl slots {table(s[ls].get('slots'))}")
        if (one.get('generation'), one.get('our-slot')) != \
           (s[ls].get('generation'), s[ls].get('our_slot')):
            mismatch(f"{ls}: generation/our slot: ynl {one.get('generation')}/{one.get('our-slot')}, dlmctl slots {s[ls].get('generation')}/{s[ls].get('our_slot')}")
    print(f"ok: {len(y)} lockspaces ({', '.join(sorted(y))}): ynl's dump = dlmctl recover -j field by field; "
          f"ynl do of {', '.join(dos)} = the dump and dlmctl slots -j")


def event_key_ynl(e):
    m = e.get('msg', {})
    return (m.get('seq'), e.get('name'), m.get('time-ns'), m.get('mono-ns'),
            m.get('nodeid'), m.get('slot'), m.get('generation'), m.get('our-slot'),
            table(m.get('member')) if e.get('name') == 'done' else None)


def event_key_watch(w):
    return (w.get('seq'), w.get('event'), w.get('time_ns'), w.get('mono_ns'),
            w.get('nodeid'), w.get('slot'), w.get('generation'), w.get('our_slot'),
            table(w.get('slots')) if w.get('event') == 'done' else None)


def events(path, ls, first):
    secs = sections(path)
    ntf = load(secs, 'ynl events')
    if not isinstance(ntf, list):
        die("ynl events must be a JSON array")
    watch = []
    for line in secs.get('watch', '').splitlines():
        if line.strip():
            try:
                watch.append(json.loads(line))
            except ValueError:
                die(f"watch line is not JSON: {line[:200]!r}")
    mine = [e for e in ntf if e.get('msg', {}).get('ls-name') == ls]
    if not mine:
        mismatch(f"ynl received no event of {ls} ({len(ntf)} events of other lockspaces)")
    seqs = [e['msg'].get('seq') for e in mine]
    if seqs != list(range(first, first + len(seqs))):
        mismatch(f"ynl's {ls} events have seq {seqs}, expected {first}.. without a gap")
    if mine[-1].get('name') != 'done':
        mismatch(f"ynl's last {ls} event is {mine[-1].get('name')}, not a done")
    ws = [w for w in watch if w.get('ls') == ls and first <= w.get('seq', 0) <= seqs[-1]]
    a = [event_key_ynl(e) for e in mine]
    b = [event_key_watch(w) for w in ws]
    if a != b:
        mismatch(f"{ls} events {first}..{seqs[-1]}: ynl {a}, dlmctl recover watch {b}")
    print(f"ok: {ls}: ynl received events {first}..{seqs[-1]} "
          f"({' '.join(e['name'] for e in mine)}) = dlmctl recover watch's, field by field "
          f"({len(ntf) - len(mine)} events of other lockspaces)")


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == 'get':
        get(a[1])
    elif len(a) == 4 and a[0] == 'events':
        try:
            first = int(a[3])
        except ValueError:
            die(f"FIRSTSEQ '{a[3]}' is not a number")
        events(a[1], a[2], first)
    else:
        die("usage: ynl-compare.py get FILE | events FILE LS FIRSTSEQ")


if __name__ == '__main__':
    main()
