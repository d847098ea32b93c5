#!/usr/bin/env python3
"""Scores `gatehouse scan` verdicts against a labelled stream from duplicate_stream.py.

    scripts/eval/duplicate_score.py STREAM.jsonl VERDICTS.jsonl [--show N]

An item counts as flagged when it has any finding of the duplicate plugin with a duplicate_of
(exact or near repeat, copy, campaign); floods are not copies and are ignored. Prints precision
and recall over copies, recall by kind of copy, the share of look-alikes and boilerplate answers
flagged, and attribution: of the flagged copies, the share whose duplicate_of is the item they
copy or another copy of the same source.
"""
import argparse
import collections
import json


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stream")
    parser.add_argument("verdicts")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    labels = {}
    for line in open(args.stream, encoding="utf-8"):
        record = json.loads(line)
        labels[record["id"]] = record
    root = {}
    for item_id, record in labels.items():
        source = record.get("copy_of")
        while source and labels.get(source, {}).get("copy_of"):
            source = labels[source]["copy_of"]
        root[item_id] = source or item_id
    flagged, pointed, errors = {}, {}, 0
    for line in open(args.verdicts, encoding="utf-8"):
        verdict = json.loads(line)
        if "error" in verdict:
            errors += 1
            continue
        hits = [f for f in verdict.get("findings", []) if f.get("plugin") == "duplicate" and f.get("duplicate_of")]
        flagged[verdict["id"]] = bool(hits)
        if hits:
            pointed[verdict["id"]] = hits[0]["duplicate_of"]
    copies = [i for i, r in labels.items() if r.get("copy_of")]
    negatives = [i for i, r in labels.items() if not r.get("copy_of")]
    tp = sum(1 for i in copies if flagged.get(i))
    fp = sum(1 for i in negatives if flagged.get(i))
    fn = len(copies) - tp
    by_kind = collections.defaultdict(lambda: [0, 0])
    for i in copies:
        by_kind[labels[i]["kind"]][1] += 1
        by_kind[labels[i]["kind"]][0] += bool(flagged.get(i))
    hard = collections.defaultdict(lambda: [0, 0])
    for i in negatives:
        kind = labels[i]["kind"]
        hard[kind][1] += 1
        hard[kind][0] += bool(flagged.get(i))
    attributed = sum(1 for i in copies if flagged.get(i) and root.get(pointed[i], pointed[i]) == root[i])
    print(f"items {len(labels)}, copies {len(copies)}, error lines {errors}")
    print(f"precision {tp / max(tp + fp, 1):.3f}  recall {tp / max(len(copies), 1):.3f}  (TP {tp}, FP {fp}, FN {fn})")
    print(f"attribution {attributed / max(tp, 1):.3f} ({attributed} of {tp} flagged copies point at their source or a copy of it)")
    print("recall by kind of copy:")
    for kind, (hit, total) in sorted(by_kind.items()):
        print(f"  {kind:14} {hit:5} of {total:5}  {hit / max(total, 1):.3f}")
    print("flagged among items that are not copies:")
    for kind, (hit, total) in sorted(hard.items()):
        print(f"  {kind:14} {hit:5} of {total:5}  {hit / max(total, 1):.3f}")
    if args.show:
        misses = [i for i in copies if not flagged.get(i)][:args.show]
        print(f"\nmissed (first {len(misses)}):")
        for i in misses:
            print(f"  {i} [{labels[i]['kind']}] copy of {labels[i]['copy_of']}: {labels[i]['text'][:100]!r}")
        wrong = [i for i in negatives if flagged.get(i)][:args.show]
        print(f"\nflagged but not copies (first {len(wrong)}):")
        for i in wrong:
            print(f"  {i} [{labels[i]['kind']}] -> {pointed[i]}: {labels[i]['text'][:100]!r}")


if __name__ == "__main__":
    main()
