#!/usr/bin/env bash
# Fuzzes the gateway's HTTP API against docs/openapi.yaml with Schemathesis: schema-valid and
# schema-violating requests on every route, checked for server errors, undocumented statuses,
# responses that do not match their schema, accepted bad input and refused good input.
#   docs/fuzz/api.sh [MAX_EXAMPLES]
# Needs python3-venv (installs it if missing) and PyPI for the first run.
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-100}"
venv=.build-fuzz-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv" 2>/dev/null || { apt-get install -y -qq python3-venv >/dev/null; python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q schemathesis
fi
swift build --product gatehouse >/dev/null
data="$(mktemp -d)"
port=18124
export GATEHOUSE_URL="http://127.0.0.1:$port" GATEHOUSE_ADMIN_TOKEN=fuzz-admin-token
GATEHOUSE_TOKEN_ADMIN=$GATEHOUSE_ADMIN_TOKEN .build/debug/gatehouse serve --listen 127.0.0.1:$port \
    --data-dir "$data" --rules rules --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "$GATEHOUSE_URL/healthz" >/dev/null && break; sleep 0.1; done
# A held item for the review routes (a strong word is held for a moderator).
GATEHOUSE_HELD_ID="$(curl -sf -X POST "$GATEHOUSE_URL/v1/submissions" -H "Authorization: Bearer $GATEHOUSE_ADMIN_TOKEN" \
    -d '{"text": "The physio on the ward was a twat to my dad"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
export GATEHOUSE_HELD_ID
PYTHONPATH=docs/fuzz SCHEMATHESIS_HOOKS=hooks \
    "$venv/bin/schemathesis" --config-file docs/fuzz/schemathesis.toml run docs/openapi.yaml \
    --max-examples "$examples" --seed 1 "${@:2}"
