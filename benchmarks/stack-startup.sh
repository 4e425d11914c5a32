#!/usr/bin/env bash
# Measures the local stack: cold start of the whole system (after the build) and each process's
# idle RSS, then stops it with SIGINT (as Ctrl-C does) and checks that nothing is left running.
# Usage: benchmarks/stack-startup.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
data=$(mktemp -d /tmp/companion-bench.XXXX)
[ -f local-infra/target/classes/META-INF/companion/infra-classpath.txt ] || ./companion build

leftovers() { pgrep -f "quarkus-run.jar|$data|redis-server.*26379|LocalStack" | grep -v "^$$\$" || true; }

for run in $(seq 1 "$runs"); do
  log="$data/run-$run.log"
  ./companion run --data-dir "$data/stack" --base-port 28080 --pg-port 25432 --kafka-port 29092 --s3-port 29000 --redis-port 26379 > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    grep -q "Companion is up" "$log" && break
    sleep 0.5
  done
  start=$(grep -o "Companion is up in [0-9.]* s" "$log" | grep -o "[0-9.]*" || echo "FAILED")
  echo "run $run: stack ready in ${start} s (data dir kept between runs: run 1 is the first start)"
  if [ "$run" = "$runs" ]; then
    sleep 20   # idle
    echo
    echo "| process | RSS (MB) |"
    echo "|---|---|"
    for svc in auth-service project-service chat-service image-service download-service gateway; do
      p=$(pgrep -f "$svc/target/quarkus-app/quarkus-run.jar" | head -1)
      rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$p/status")
      echo "| $svc | $rss |"
    done
    launcher=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status" 2>/dev/null || echo "?")
    pg=$(pgrep -f "postgres.*$data" | xargs -r -I{} awk '/VmRSS/ {s+=$2} END {print int(s/1024)}' /proc/{}/status | paste -sd+ | bc)
    echo "| infrastructure launcher JVM (Kafka, S3, orchestration) | $launcher |"
    echo "| PostgreSQL (all its processes) | ${pg:-?} |"
  fi
  kill -TERM "$pid"   # a background job ignores SIGINT; Ctrl-C in a terminal sends INT and works the same
  wait "$pid" || true
  sleep 1
  left=$(leftovers)
  if [ -n "$left" ]; then echo "LEFT RUNNING after Ctrl-C: $left"; exit 1; fi
  echo "run $run: stopped, nothing left running"
done
rm -rf "$data"
