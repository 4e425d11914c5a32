#!/usr/bin/env bash
# Token -> socket: provider write to WebSocket receive, through Companion (gateway socket fed by
# chat-service over Kafka) and, alternated in the same run, read straight from the provider's SSE.
# The provider is a wire-level OpenAI-compatible server inside the Node client (benchmarks/node), so
# one clock times both; chat-service's real OpenAI client code streams from it.
# Usage: benchmarks/token-latency.sh [loads=1,10,100] [seconds=5] [rounds=2] [search=200,300,400]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
loads=${1:-1,10,100}; secs=${2:-5}; rounds=${3:-2}; search=${4:-200,300,400}
command -v node >/dev/null || { echo "node (20+) is required"; exit 2; }
[ -d benchmarks/node/node_modules ] || (cd benchmarks/node && npm ci --no-audit --no-fund >/dev/null)
provider_port=$((BENCH_BASE_PORT + 910))
export OPENAI_BASE_URL="http://127.0.0.1:$provider_port/v1" OPENAI_API_KEYS=sk-benchmark-key
# what a benchmark must not trip over: the per-user limits of the gateway and chat-service
export RATE_LIMIT_PROJECTS=100000000 RATE_LIMIT_CHAT_MESSAGES=100000000 RATE_LIMIT_DEFAULT=100000000 RATE_LIMIT_AUTH=100000
export COMPANION_CHAT_LIMITS_MAX_CONCURRENT_ANSWERS=100000
# the local runner favours a quick start (C1 only); measure as the pods run: 512 MiB limit × MaxRAMPercentage=75
# → 384 MiB heap, one CPU → the JVM picks SerialGC, full tiered JIT (Dockerfile.jvm + k8s/base)
export COMPANION_JVM_OPTS=${COMPANION_JVM_OPTS:--XX:+UseSerialGC -Xmx384m -XX:+ExitOnOutOfMemoryError}
start_stack
trap stop_stack EXIT
tokens=""
for i in $(seq 1 "${BENCH_USERS:-10}"); do tokens="$tokens${tokens:+,}$(login "bench-$RANDOM-$i@example.com")"; done
echo "Token -> socket, $(date -u +%F), $(nproc) cores, $(java -version 2>&1 | head -1); JVM: $COMPANION_JVM_OPTS"
node benchmarks/node/token-latency.mjs --gateway "$GW" --provider-port "$provider_port" --tokens "$tokens" \
  --loads "$loads" --rate 20 --seconds "$secs" --rounds "$rounds" --search "$search"
