#!/usr/bin/env bash
# HTTP benchmark: durable submissions per second and latency at 64 connections on loopback.
# Builds the release binary, starts `gatehouse serve` on a fresh data directory, drives it
# with wrk (Debian's package) for DURATION seconds, prints the numbers, stops the server.
#   docs/bench/http.sh [DURATION] [CONNECTIONS]
#   BENCH_CLIENTREF=1 docs/bench/http.sh ...   # each request with a contributor and a clientRef
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-15}"
connections="${2:-64}"
source docs/bench/gateway.sh
port=18123
bench_gateway $port
wrk -t2 -c"$connections" -d"${duration}s" --timeout 5s -s docs/bench/submit.lua "http://127.0.0.1:$port/v1/submissions"
metrics="$(curl -s -H "Authorization: Bearer bench-admin-token" "http://127.0.0.1:$port/metrics")"
grep -E '^gatehouse_submissions_total' <<<"$metrics"
awk '/^gatehouse_commits_total/ {t=$2} /^gatehouse_committed_writes_total/ {w=$2} /^gatehouse_commit_seconds_total/ {s=$2}
     /^gatehouse_commit_slowest_seconds/ {m=$2}
     END {if (t > 0) printf "commits: %d, %.1f submissions each, %.2f ms on average, slowest %.1f ms\n", t, w/t, 1000*s/t, 1000*m}' <<<"$metrics"
echo "server memory: $(( $(ps -o rss= -p $server) / 1024 )) MiB resident after the run"
echo "stored: $(sqlite3 "$work/data/gatehouse.sqlite" 'SELECT COUNT(*) FROM contribution' 2>/dev/null || echo '?') contributions"
