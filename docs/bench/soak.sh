#!/usr/bin/env bash
# Soak: a steady load on one gateway (SQLite) for a set time, recording every SLICE seconds the
# rate, p50/p99 latency, the server's resident memory and how many items it holds. Memory
# should grow only with the duplicate index, which keeps a fingerprint of every item for 30
# days (at most about 0.8 KB an item, `gatehouse-bench duplicate`): the last column is the
# memory gained since the first line per item gained, which must stay at or under that (it
# moves in steps as the index's arrays and tables double).
#
#   docs/bench/soak.sh [MINUTES] [RATE] [SLICE]   # defaults: 30 minutes, 500 submissions/s, 10 s
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes="${1:-30}"
rate="${2:-500}"
slice="${3:-10}"
connections=8
# Each connection waits after every answer: 8 connections at (1000 * 8 / rate) ms apart give
# about `rate` a second while answers are fast.
delay=$(( 1000 * connections / rate ))
source docs/bench/gateway.sh
port=18125
bench_gateway $port
start=$(date +%s)
end=$(( start + minutes * 60 ))
echo "soak: $minutes min at about $rate submissions/s ($connections connections, ${delay} ms apart), a line every ${slice} s"
printf '%8s %10s %9s %9s %12s %9s %24s\n' "seconds" "per second" "p50 ms" "p99 ms" "items held" "RSS MiB" "KiB gained per item since"
first_rss="" first_held=""
slice_number=0
while [ "$(date +%s)" -lt "$end" ]; do
    slice_number=$(( slice_number + 1 ))
    out="$(BENCH_DELAY_MS=$delay BENCH_INSTANCE=$slice_number wrk -t2 -c$connections -d"${slice}s" --timeout 5s \
        -s docs/bench/submit.lua "http://127.0.0.1:$port/v1/submissions")"
    per_second=$(grep -o 'requests: [0-9]* in [0-9.]* s, [0-9]*/s' <<<"$out" | awk '{print $NF}' | tr -d '/s')
    p50=$(grep -o 'p50 [0-9.]*' <<<"$out" | awk '{print $2}')
    p99=$(grep -o 'p99 [0-9.]*' <<<"$out" | awk '{print $2}')
    rss_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")
    held=$(curl -s -H "Authorization: Bearer bench-admin-token" "http://127.0.0.1:$port/metrics" \
        | awk '/^gatehouse_submissions_total/ {n += $2} END {print n + 0}')
    [ -z "$first_rss" ] && { first_rss=$rss_kib; first_held=$held; }
    awk -v t=$(( $(date +%s) - start )) -v r="$per_second" -v a="$p50" -v b="$p99" -v h="$held" -v k="$rss_kib" \
        -v k0="$first_rss" -v h0="$first_held" \
        'BEGIN { printf "%8d %10s %9s %9s %12d %9.0f %24s\n", t, r, a, b, h, k / 1024, (h > h0 ? sprintf("%.2f", (k - k0) / (h - h0)) : "-") }'
done
