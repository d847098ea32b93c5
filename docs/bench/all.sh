#!/usr/bin/env bash
# Every benchmark in one run, printed as one Markdown table at the end: each plugin and the
# whole pipeline (items/s and MB/s, ASCII and mixed text), the duplicate plugin against 100,000
# earlier items, `gatehouse scan` (whole pipeline, and the PII pack alone) over #16's mix
# (scripts/eval/scan_corpus.py) and over a stream full of copies, `rules replay` over the
# latter, and the gateway over HTTP at 1, 16 and 64 connections, without and with a
# contributor and a clientRef on every request. A benchmark, not a test: it never
# fails on a number. Release builds; everything on this machine, so compare builds in
# alternating runs.
#
#   docs/bench/all.sh [HTTP_SECONDS]      # default 10 s per HTTP run (six runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-10}"
source docs/bench/gateway.sh
need_wrk
swift build -c release --product gatehouse >/dev/null
swift build -c release --product gatehouse-bench >/dev/null
binary=.build/release/gatehouse
bench=.build/release/gatehouse-bench
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
rows=()
row() { rows+=("| $1 | $2 |"); echo "  $1: $2"; }

echo "== plugins (gatehouse-bench, median of five parts)"
$bench pii --megabytes 16 >"$work/pii.txt"
$bench profanity --megabytes 16 >"$work/profanity.txt"
$bench duplicate >"$work/duplicate.txt"
# "label  N items/s  M MB/s (best part …)": items/s and MB/s of one labelled line.
rate() { awk -v label="$2" 'index($0, label) == 1 { for (i = 1; i <= NF; i++) { if ($i == "items/s") items = $(i-1); if ($i == "MB/s" && mb == "") mb = $(i-1) } }
    END { if (items == "") print "not measured"; else printf "%s items/s, %s MB/s\n", items, mb }' "$1"; }
row "PII plugin, realistic text" "$(rate "$work/pii.txt" "plugin, realistic")"
row "PII pipeline, realistic text" "$(rate "$work/pii.txt" "pipeline, realistic")"
row "profanity plugin, ASCII" "$(rate "$work/profanity.txt" "plugin, ASCII")"
row "profanity plugin, mixed Unicode" "$(rate "$work/profanity.txt" "plugin, mixed")"
row "duplicate plugin, 20,000 against 100,000 earlier" "$(grep -o 'earlier: [0-9]* items/s' "$work/duplicate.txt" | cut -d' ' -f2-)"

echo "== batch: #16's mix (100,000 lines of about 300 bytes, 1 in 10 with personal data, 1 in 20 a repeat)"
head -c 32 /dev/urandom >"$work/key"
timed() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }
per() { awk -v s="$1" -v b="$bytes" 'BEGIN { printf "%.0f lines/s, %.1f MB/s (%.2f s)\n", 100000 / s, b / 1048576 / s, s }'; }
python3 scripts/eval/scan_corpus.py --seed 7 --count 100000 >"$work/mix.jsonl"
bytes=$(stat -c %s "$work/mix.jsonl")
row "scan, whole pipeline, --jobs 2, #16's mix" "$(per "$(timed $binary scan --quiet-rules --secret-file "$work/key" "$work/mix.jsonl")")"
row "scan, PII pack alone, --jobs 2, #16's mix" "$(per "$(timed $binary scan --quiet-rules --rules rules/pii --secret-file "$work/key" "$work/mix.jsonl")")"

echo "== batch: a stream full of copies (100,000 lines: copies, campaigns, dense personal data)"
python3 scripts/eval/duplicate_stream.py --seed 7 --count 60000 >"$work/corpus.jsonl"
python3 scripts/eval/pii_corpus.py --seed 7 --count 40000 >>"$work/corpus.jsonl"
bytes=$(stat -c %s "$work/corpus.jsonl")
row "scan, whole pipeline, --jobs 2, copies" "$(per "$(timed $binary scan --quiet-rules --secret-file "$work/key" "$work/corpus.jsonl")")"
row "scan, PII pack alone, --jobs 2, copies" "$(per "$(timed $binary scan --quiet-rules --rules rules/pii --secret-file "$work/key" "$work/corpus.jsonl")")"
cp -r rules "$work/rules"
row "rules replay, shipped rules against a copy" "$(per "$(timed $binary rules replay --corpus "$work/corpus.jsonl" --baseline rules --rules "$work/rules" --output "$work/replay.md")")"

echo "== HTTP (gatehouse serve on SQLite, wrk on the same cores, ${seconds} s a run)"
port=18124
start_gateway $port "$work"
for clientref in 0 1; do
    for connections in 1 16 64; do
        threads=$(( connections < 2 ? 1 : 2 ))
        out="$(BENCH_CLIENTREF=$clientref BENCH_INSTANCE=$(( clientref * 100 + connections )) \
            wrk -t$threads -c$connections -d"${seconds}s" --timeout 5s -s docs/bench/submit.lua "http://127.0.0.1:$port/v1/submissions")"
        rate=$(grep -o 'requests: [0-9]* in [0-9.]* s, [0-9]*/s' <<<"$out" | awk '{print $NF}')
        latency=$(grep -o 'p50 [0-9.]* ms, p90 [0-9.]* ms, p99 [0-9.]* ms' <<<"$out" | sed 's/, p90 [0-9.]* ms//')
        label="HTTP, $connections connections"
        [ "$connections" = 1 ] && label="HTTP, 1 connection"
        [ "$clientref" = 1 ] && label="$label, contributor and clientRef"
        row "$label" "$rate durable submissions, $latency"
    done
done

echo
echo "| measure (release build, $(date -u +%Y-%m-%d), $(nproc) cores) | result |"
echo "|---|---|"
printf '%s\n' "${rows[@]}"
