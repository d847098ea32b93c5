#!/usr/bin/env python3
"""Scores `gatehouse scan` verdicts against pii_corpus.py or profanity_corpus.py labels.

    scripts/eval/pii_corpus.py --seed 33 --count 20000 > /tmp/p33.jsonl
    gatehouse scan --rules rules/pii /tmp/p33.jsonl > /tmp/p33.out.jsonl
    scripts/eval/scan_score.py pii /tmp/p33.jsonl /tmp/p33.out.jsonl

It needs only `gatehouse scan`, so any two builds (and rule sets) are scored the same way, an
old one included. PII: a labelled value is found when a finding of its category overlaps it; a
finding that overlaps no label of its category is a false positive; characters covered are the
labelled characters inside any finding; PII-free items changed are items with no label whose
text came back different. Profanity: an item is found when it has any profanity finding; clean
items flagged are those without swearing that have one. (`gatehouse-bench pii-eval` and
`profanity-eval` print more, for the build they are part of.)
"""
import collections
import json
import sys


def overlaps(finding, label):
    return finding["start"] < label["end"] and finding["end"] > label["start"]


def score_pii(items, verdicts):
    found, missed, false = collections.Counter(), collections.Counter(), collections.Counter()
    characters = covered = free = changed = 0
    for item in items:
        verdict = verdicts[item["id"]]
        findings = [f for f in verdict["findings"] if f["plugin"] == "pii"]
        for label in item["pii"]:
            hit = any(f["category"] == label["category"] and overlaps(f, label) for f in findings)
            (found if hit else missed)[label["category"]] += 1
            for offset in range(label["start"], label["end"]):
                characters += 1
                covered += any(f["start"] <= offset < f["end"] for f in findings)
        for finding in findings:
            if not any(finding["category"] == label["category"] and overlaps(finding, label) for label in item["pii"]):
                false[finding["category"]] += 1
        if not item["pii"]:
            free += 1
            changed += verdict["text"] != item["text"]
    for category in sorted(set(found) | set(missed) | set(false)) + ["ALL"]:
        pick = (lambda c: sum(c.values())) if category == "ALL" else (lambda c: c[category])
        hit, miss = pick(found), pick(missed)
        print(f"{category:18} recall {hit / max(hit + miss, 1):.3f} ({miss} missed of {hit + miss})  false positives {pick(false)}")
    print(f"PII characters covered {covered / max(characters, 1):.4f}; PII-free items changed {changed} of {free}")


def score_profanity(items, verdicts):
    swearing = found = clean = flagged = 0
    for item in items:
        hit = any(f["plugin"] == "profanity" for f in verdicts[item["id"]]["findings"])
        if item["swears"]:
            swearing += 1
            found += hit
        else:
            clean += 1
            flagged += hit
    print(f"item recall {found / max(swearing, 1):.3f} ({swearing - found} missed of {swearing}); "
          f"clean items flagged {flagged} of {clean}")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("pii", "profanity"):
        sys.exit(__doc__)
    kind, labels, output = sys.argv[1:]
    items = [json.loads(line) for line in open(labels, encoding="utf-8")]
    verdicts = {}
    for line in open(output, encoding="utf-8"):
        verdict = json.loads(line)
        verdicts[verdict["id"]] = verdict
    missing = [item["id"] for item in items if item["id"] not in verdicts]
    if missing:
        sys.exit(f"{output}: no verdict for {len(missing)} items (first: {missing[0]})")
    (score_pii if kind == "pii" else score_profanity)(items, verdicts)


if __name__ == "__main__":
    main()
