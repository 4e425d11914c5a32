#!/usr/bin/env bash
# What the gateway costs: the same authenticated read (GET /v1/projects) sent straight to
# project-service and through the gateway (JWT check, rate-limit bookkeeping, proxy), alternated
# in one run so machine noise hits both sides alike. Needs wrk (apt-get install wrk).
# Usage: benchmarks/gateway-overhead.sh [seconds-per-round=10] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
secs=${1:-10}; rounds=${2:-3}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install -y wrk"; exit 2; }
# the per-user limit for /projects (100/h) would stop the load after 100 requests
export RATE_LIMIT_PROJECTS=100000000
# the local runner's JVM options favour a quick start (C1 only); measure with full JIT as deployed
export COMPANION_JVM_OPTS=${COMPANION_JVM_OPTS:--XX:+UseSerialGC -Xmx256m}
start_stack
trap stop_stack EXIT
token=$(login "bench-$RANDOM@example.com")
direct="http://127.0.0.1:$((BENCH_BASE_PORT + 2))"
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name":"Benchmark project","description":"one row to list"}' "$GW/v1/projects"
# warm-up: let the JIT compile both paths before anything is measured
for url in "$direct" "$GW"; do
  wrk -t2 -c16 -d"$((secs * 3))s" -H "Authorization: Bearer $token" "$url/v1/projects?limit=20" > /dev/null
done
echo "| round | target | req/s | p50 | p99 |"
echo "|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  for target in direct gateway; do
    url=$direct; [ "$target" = gateway ] && url=$GW
    out=$(wrk -t2 -c16 -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url/v1/projects?limit=20")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    echo "| $r | $target | $rps | $p50 | $p99 |${non2xx:+ non-2xx: $non2xx}"
  done
done
