#!/usr/bin/env bash
# HTTP benchmark of several gateways on one PostgreSQL, beside one gateway on SQLite, in the
# same run and on the same machine. Every request carries a contributor and a clientRef (an
# idempotency lookup and record per submission), as a real intake sends.
#
#   docs/bench/shared.sh [DURATION] [CONNECTIONS] [GATEWAYS]
#
# Defaults: 15 s, 64 connections in all, 2 gateways. The connections are split evenly over the
# gateways, one wrk per gateway (as a load balancer would spread them); the combined rate is
# the sum, and the p50/p99 printed for the shared store are the worst of the gateways'.
# PostgreSQL is a throwaway cluster (scripts/test-postgres on port 54339) with its defaults:
# synchronous_commit on, so "durable" means the same as on SQLite (committed before the 201).
#
# It also prints the CPU time spent per 1,000 submissions in the gateways and in PostgreSQL
# (user + system, from /proc), from which capacity per added machine is projected in
# docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-15}"
connections="${2:-64}"
gateways="${3:-2}"
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product gatehouse >/dev/null
binary="${GATEHOUSE_BINARY:-.build/release/gatehouse}"  # GATEHOUSE_BINARY: another build, to compare builds in alternating runs
work="$(mktemp -d)"
chmod 755 "$work"
export GATEHOUSE_TEST_POSTGRES_PORT=54339
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    scripts/test-postgres stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
export GATEHOUSE_TOKEN=bench-intake-token BENCH_CLIENTREF=1
export GATEHOUSE_TOKEN_INTAKE=$GATEHOUSE_TOKEN GATEHOUSE_TOKEN_ADMIN=bench-admin-token
# The default per-token rate limit (600,000 a minute) is below what one token reaches here.
printf 'limits: {rate_per_minute: 100000000}\n' >"$work/gatehouse.yaml"
head -c 32 /dev/urandom >"$work/secret.key"

clock_ticks=$(getconf CLK_TCK)
# CPU seconds (user + system, including reaped children) of the given processes.
cpu_seconds() {
    local total=0 pid fields
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        # Fields after the command name: utime is 14, stime 15, cutime 16, cstime 17.
        fields=$(sed 's/^.*) //' "/proc/$pid/stat")
        total=$(awk -v f="$fields" 'BEGIN {split(f, a, " "); print a[12] + a[13] + a[14] + a[15]}')
        echo "$total"
    done | awk -v hz="$clock_ticks" '{s += $1} END {printf "%.3f", s / hz}'
}
postgres_pids() { pgrep -u postgres -f "postgres" || true; }
commits() {  # the group committer's numbers on one gateway, from /metrics
    curl -s -H "Authorization: Bearer bench-admin-token" "http://127.0.0.1:$1/metrics" |
        awk '/^gatehouse_commits_total/ {t=$2} /^gatehouse_committed_writes_total/ {w=$2} /^gatehouse_commit_seconds_total/ {s=$2}
             /^gatehouse_commit_slowest_seconds/ {m=$2}
             END {if (t > 0) printf "commits: %d, %.1f submissions each, %.2f ms on average, slowest %.1f ms\n", t, w/t, 1000*s/t, 1000*m}'
}
submissions() {  # accepted + held + rejected on one gateway, from /metrics
    curl -s -H "Authorization: Bearer bench-admin-token" "http://127.0.0.1:$1/metrics" |
        awk '/^gatehouse_submissions_total/ {s += $2} END {print s + 0}'
}
wait_ready() {
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.1; done
    echo "gateway on port $1 did not become ready" >&2; exit 1
}
# run_wrk PORT CONNECTIONS OUT: one wrk (one thread, as two would compete for two cores),
# its texts and clientRefs apart from the other wrk's (BENCH_INSTANCE: the port).
run_wrk() {
    BENCH_INSTANCE=$1 wrk -t1 -c"$2" -d"${duration}s" --timeout 5s -s docs/bench/submit.lua "http://127.0.0.1:$1/v1/submissions" >"$3" 2>&1
}
report() {  # LABEL GATEWAY_CPU POSTGRES_CPU COUNT WRK_OUTPUTS...
    local label=$1 gateway_cpu=$2 postgres_cpu=$3 count=$4; shift 4
    awk -v label="$label" -v gcpu="$gateway_cpu" -v pcpu="$postgres_cpu" -v n="$count" -v d="$duration" '
        # requests: N in S s, R/s; errors: connect C, read R, write W, timeout T, status S
        /^requests:/ {gsub(",", ""); errors += $9 + $11 + $13 + $15 + $17}
        # latency: p50 X ms, p90 Y ms, p99 Z ms, max M ms
        /^latency:/ {gsub(",", ""); if ($3 + 0 > p50) p50 = $3 + 0; if ($9 + 0 > p99) p99 = $9 + 0}
        END {
            printf "%-26s %8.0f submissions/s  p50 %6.2f ms  p99 %6.2f ms  errors %d\n", label, n / d, p50, p99, errors
            if (n > 0) printf "%-26s CPU per 1,000 submissions: gateways %.0f ms, PostgreSQL %.0f ms\n", "", 1000000 * gcpu / n, 1000000 * pcpu / n
        }' "$@"
}

echo "== one gateway on SQLite, $connections connections, ${duration}s"
mkdir -p "$work/sqlite"
$binary serve --config "$work/gatehouse.yaml" --listen 127.0.0.1:18200 --data-dir "$work/sqlite" --rules rules --log-level error &
sqlite_pid=$!; pids+=("$sqlite_pid")
wait_ready 18200
before=$(cpu_seconds "$sqlite_pid"); count_before=$(submissions 18200)
run_wrk 18200 "$connections" "$work/wrk-sqlite.txt"
after=$(cpu_seconds "$sqlite_pid"); count_after=$(submissions 18200)
echo "  $(commits 18200)"
kill "$sqlite_pid"; wait "$sqlite_pid" 2>/dev/null || true
cat "$work/wrk-sqlite.txt" | grep -E '^(requests|latency):' | sed 's/^/  /'
report "SQLite, 1 gateway" "$(awk -v a="$after" -v b="$before" 'BEGIN {print a - b}')" 0 $((count_after - count_before)) "$work/wrk-sqlite.txt"

echo "== $gateways gateways on one PostgreSQL, $connections connections in all, ${duration}s"
eval "export $(scripts/test-postgres start)"
export GATEHOUSE_DATABASE_URL="$GATEHOUSE_TEST_POSTGRES" GATEHOUSE_SECRET_FILE="$work/secret.key"
ports=()
gateway_pids=()
for i in $(seq "$gateways"); do
    port=$((18300 + i))
    mkdir -p "$work/g$i"
    $binary serve --config "$work/gatehouse.yaml" --listen 127.0.0.1:$port --data-dir "$work/g$i" --rules rules --log-level error &
    gateway_pids+=("$!"); pids+=("$!"); ports+=("$port")
done
for port in "${ports[@]}"; do wait_ready "$port"; done
per=$((connections / gateways))
gateway_before=$(cpu_seconds "${gateway_pids[@]}"); postgres_before=$(cpu_seconds $(postgres_pids))
count_before=0; for port in "${ports[@]}"; do count_before=$((count_before + $(submissions "$port"))); done
wrk_pids=()
for port in "${ports[@]}"; do run_wrk "$port" "$per" "$work/wrk-$port.txt" & wrk_pids+=("$!"); done
wait "${wrk_pids[@]}"
gateway_after=$(cpu_seconds "${gateway_pids[@]}"); postgres_after=$(cpu_seconds $(postgres_pids))
count_after=0; for port in "${ports[@]}"; do count_after=$((count_after + $(submissions "$port"))); done
for port in "${ports[@]}"; do
    grep -E '^(requests|latency):' "$work/wrk-$port.txt" | sed "s/^/  :$port /"
    echo "  :$port $(commits "$port")"
done
outputs=(); for port in "${ports[@]}"; do outputs+=("$work/wrk-$port.txt"); done
report "PostgreSQL, $gateways gateways" \
    "$(awk -v a="$gateway_after" -v b="$gateway_before" 'BEGIN {print a - b}')" \
    "$(awk -v a="$postgres_after" -v b="$postgres_before" 'BEGIN {print a - b}')" \
    $((count_after - count_before)) "${outputs[@]}"
stored=$(runuser -u postgres -- psql -h 127.0.0.1 -p 54339 -U postgres -tAc 'SELECT COUNT(*) FROM contribution' 2>/dev/null || echo '?')
echo "stored in PostgreSQL: $stored contributions (each answered 201 only after its commit)"
