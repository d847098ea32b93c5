# Sourced by the HTTP benchmarks (http.sh, all.sh, soak.sh): starts one release gateway on a
# SQLite data directory for wrk to drive, and waits until it answers.
#
#   start_gateway PORT DIRECTORY   # sets $server (its pid); the data goes in DIRECTORY/data
#   bench_gateway PORT             # all a one-gateway benchmark needs first: wrk, the release
#                                  # build, a fresh $work directory, the gateway; the gateway
#                                  # stopped and $work removed when the script exits
#
# The intake token is $GATEHOUSE_TOKEN (submit.lua reads it too), the admin token
# bench-admin-token (for /metrics). The caller stops $server. GATEHOUSE_BINARY runs another
# build (a copy of an older one, to compare builds in alternating runs; nothing is built then),
# and GATEHOUSE_BENCH_RULES other rules (the packs that build reads, when they differ).
export GATEHOUSE_TOKEN=bench-intake-token
start_gateway() {
    local port="$1" directory="$2"
    # The default per-token rate limit (600,000 a minute) is below what one token reaches here.
    printf 'limits: {rate_per_minute: 100000000}\n' >"$directory/gatehouse.yaml"
    GATEHOUSE_TOKEN_INTAKE=$GATEHOUSE_TOKEN GATEHOUSE_TOKEN_ADMIN=bench-admin-token \
        "${GATEHOUSE_BINARY:-.build/release/gatehouse}" serve --config "$directory/gatehouse.yaml" --listen 127.0.0.1:"$port" \
        --data-dir "$directory/data" --rules "${GATEHOUSE_BENCH_RULES:-rules}" --log-level error &
    server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0; sleep 0.1; done
    echo "gatehouse serve did not answer on port $port within 10 s" >&2
    return 1
}

need_wrk() { command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }; }

bench_gateway() {
    need_wrk
    [ -n "${GATEHOUSE_BINARY:-}" ] || swift build -c release --product gatehouse >/dev/null
    work="$(mktemp -d)"
    server=""
    trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
    start_gateway "$1" "$work"
}
