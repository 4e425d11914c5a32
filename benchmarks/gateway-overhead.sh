#!/usr/bin/env bash
# What the gateway costs, next to what a plain reverse proxy costs: the same authenticated read
# (GET /v1/projects) sent straight to project-service, through nginx (Debian's nginx-light, keep-alive
# upstream, as a proxy in front of a service would be set up) and through the gateway (JWT check,
# rate-limit count, proxy). Rounds alternate the three so machine noise hits all alike.
#   c=1:  added latency = p50(hop) - p50(direct); target: gateway ≤ 2 × nginx
#   c=50: throughput; target: gateway ≥ 0.9 × nginx
# Needs wrk and nginx (installed here if missing). Usage: benchmarks/gateway-overhead.sh [seconds=10] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
secs=${1:-10}; rounds=${2:-3}
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  apt-get install -y --no-install-recommends wrk nginx-light >/dev/null
fi
# the per-user limit for /projects (100/h) would stop the load after 100 requests
export RATE_LIMIT_PROJECTS=100000000
# measure as the pods run: 512 MiB limit × MaxRAMPercentage=75 → 384 MiB heap, one CPU → SerialGC, full JIT
export COMPANION_JVM_OPTS=${COMPANION_JVM_OPTS:--XX:+UseSerialGC -Xmx384m -XX:+ExitOnOutOfMemoryError}
start_stack
trap stop_stack EXIT
direct="http://127.0.0.1:$((BENCH_BASE_PORT + 2))"
nginx_port=$((BENCH_BASE_PORT + 950))  # clear of the stack's fixed ports (S3 29000)
mkdir -p "$BENCH_DATA/nginx"
cat > "$BENCH_DATA/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $BENCH_DATA/nginx/nginx.pid;
error_log $BENCH_DATA/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream project { server 127.0.0.1:$((BENCH_BASE_PORT + 2)); keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://project;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
nginx -c "$BENCH_DATA/nginx/nginx.conf" -e "$BENCH_DATA/nginx/error.log"
trap 'kill $(cat "$BENCH_DATA/nginx/nginx.pid") 2>/dev/null || true; stop_stack' EXIT
proxy="http://127.0.0.1:$nginx_port"
token=$(login "bench-$RANDOM@example.com")
curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name":"Benchmark project","description":"one row to list"}' "$GW/v1/projects"
# warm-up: let the JIT compile every path before anything is measured
for url in "$direct" "$proxy" "$GW"; do
  wrk -t2 -c16 -d"$((secs * 2))s" -H "Authorization: Bearer $token" "$url/v1/projects?limit=20" > /dev/null
done
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0; else printf "%.3f", v * 1000 }'; }
echo "Gateway hop, $(date -u +%F), $(nproc) cores, $(nginx -v 2>&1); JVM: $COMPANION_JVM_OPTS"
echo "| round | c | target | req/s | p50 (ms) | p99 (ms) |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  for c in 1 50; do
    for target in direct nginx gateway; do
      url=$direct; [ "$target" = nginx ] && url=$proxy; [ "$target" = gateway ] && url=$GW
      t=2; [ "$c" = 1 ] && t=1
      out=$(wrk -t$t -c$c -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url/v1/projects?limit=20")
      rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
      p50=$(ms "$(echo "$out" | awk '$1=="50%" {print $2}')")
      p99=$(ms "$(echo "$out" | awk '$1=="99%" {print $2}')")
      non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
      echo "| $r | $c | $target | $rps | $p50 | $p99 |${non2xx:+ non-2xx: $non2xx}"
    done
  done
done
