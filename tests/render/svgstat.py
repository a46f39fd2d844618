#!/usr/bin/env python3
"""The structure of a dlmctl SVG diagram (tools/dlmctl/svg.c), one
"key=value" a line: whether it is well-formed XML at all (else exit 1
with the parser's message), its size, nodes, lifelines and their nodeids
and x, events, violations and marked events.  Standard library only.

Usage: svgstat.py FILE.svg
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def main():
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except (ET.ParseError, OSError) as e:
        print(f"svgstat: {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    if root.tag != NS + "svg":
        print(f"svgstat: {sys.argv[1]}: root is {root.tag}, not svg",
              file=sys.stderr)
        return 1
    groups = list(root.iter(NS + "g"))
    cls = lambda g: (g.get("class") or "").split()
    lifelines = [g for g in groups if cls(g) == ["lifeline"]]
    events = [g for g in groups if "ev" in cls(g)]
    xs = []
    for g in lifelines:
        lines = g.findall(NS + "line")
        xs.append(lines[0].get("x1") if lines else "none")
    print("width=" + root.get("width", ""))
    print("height=" + root.get("height", ""))
    print("nodes=" + root.get("data-nodes", ""))
    print(f"lifelines={len(lifelines)}")
    print("lifeline_nodes=" + ",".join(g.get("data-node", "?")
                                       for g in lifelines))
    print("lifeline_x=" + ",".join(xs))
    print(f"events={len(events)}")
    print("event_nodes=" + ",".join(sorted({g.get("data-node", "?")
                                            for g in events}, key=int)))
    print(f"violations={sum(1 for g in groups if cls(g) == ['violation'])}")
    print(f"warnings={sum(1 for g in groups if cls(g) == ['warning'])}")
    for m in ("at", "ref", "hazard"):
        print(f"{m}={sum(1 for g in events if m in cls(g))}")
    print(f"scripts={len(list(root.iter(NS + 'script')))}")
    hrefs = [e for e in root.iter() for k in e.attrib
             if k.endswith("href")]
    print(f"hrefs={len(hrefs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
