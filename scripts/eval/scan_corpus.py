#!/usr/bin/env python3
"""Generates `gatehouse scan` input for the batch benchmark, to #16's specification.

Contributions of about 300 bytes; 1 in 10 carries personal data (from pii_corpus.py: names,
phone numbers, NHS numbers, addresses, emails, in every form that generator writes); 1 in 20 is
a repeat of an earlier contribution (the same text from another contributor); the rest are
distinct contributions from duplicate_stream.py (originals, look-alikes and boilerplate answers)
and pii_corpus.py's clean ones, full of its traps. Lines carry only what an intake sends (id,
conversation, contributor, receivedAt, text), a second apart, in time order.

    python3 scripts/eval/scan_corpus.py --seed 7 --count 100000 > corpus.jsonl
"""
import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def generate(script, seed, count):
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, script), "--seed", str(seed), "--count", str(count)],
        check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True, help="random seed: tune on one, report on another")
    parser.add_argument("--count", type=int, default=100000, help="lines to write (default 100,000)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    personal_needed = args.count // 10
    repeats_needed = args.count // 20
    distinct_needed = args.count - personal_needed - repeats_needed

    pii = generate("pii_corpus.py", args.seed, max(1000, personal_needed * 2 + distinct_needed // 4))
    personal = [item["text"] for item in pii if item["pii"]]
    clean_pii = [item["text"] for item in pii if not item["pii"]]
    stream = generate("duplicate_stream.py", args.seed, max(1000, distinct_needed * 2))
    distinct = [item["text"] for item in stream if item["kind"] in ("original", "lookalike", "boilerplate")]
    distinct += clean_pii
    rng.shuffle(distinct)
    if len(personal) < personal_needed or len(distinct) < distinct_needed:
        sys.exit("not enough generated text; try a larger --count")

    kinds = ["personal"] * personal_needed + ["distinct"] * distinct_needed + ["repeat"] * repeats_needed
    rng.shuffle(kinds)
    # A repeat needs something before it to repeat.
    while kinds and kinds[0] == "repeat":
        kinds.append(kinds.pop(0))
    written = []
    start = 1767225600  # 2026-01-01T00:00:00Z
    for index, kind in enumerate(kinds):
        if kind == "personal":
            text = personal.pop()
        elif kind == "distinct":
            text = distinct.pop()
        else:
            text = rng.choice(written)
        written.append(text)
        line = {
            "id": f"s{index}",
            "conversation": "aph-2026",
            "contributor": f"c{rng.randrange(args.count)}",
            "receivedAt": _iso(start + index),
            "text": text,
        }
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


def _iso(seconds):
    import datetime
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    main()
