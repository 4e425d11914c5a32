#!/usr/bin/env bash
# Commit -> consumed: how long a cross-service event takes from the outbox row's commit in
# project-service to its application in chat-service's and download-service's read models (both
# clocks are PostgreSQL's and Java's on this one machine). N projects are created one after another
# through the gateway; the outbox row's created_at (written just before commit) is matched with the
# consumer's processed_event.processed_at (its transaction start) by event id.
# Runs the stack twice in one go: woken at commit (LISTEN/NOTIFY, as shipped) and poll-only (the
# relay's backstop alone, companion.outbox.listen=false, as before), so both rows share the machine.
# Needs psql (Debian postgresql-client). Usage: benchmarks/event-latency.sh [projects=300]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
n=${1:-300}
command -v psql >/dev/null || { echo "psql is required: apt-get install -y postgresql-client"; exit 2; }
export RATE_LIMIT_PROJECTS=100000000
export COMPANION_JVM_OPTS=${COMPANION_JVM_OPTS:--XX:+UseSerialGC -Xmx256m}
export PGPASSWORD=postgres
sql() { psql -h 127.0.0.1 -p 25432 -U postgres -d "$1" -Atqc "$2"; }

measure() {
  local mode=$1
  if [ "$mode" = poll ]; then export COMPANION_OUTBOX_LISTEN=false; else export COMPANION_OUTBOX_LISTEN=true; fi
  start_stack
  local token
  token=$(login "bench-$RANDOM@example.com")
  # warm-up (JIT, consumer group assignment, connection pools): not measured
  for i in $(seq 1 50); do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"Warm-up $i\"}" "$GW/v1/projects"
  done
  sleep 3
  local since
  since=$(sql companion_project "SELECT extract(epoch FROM now())")
  for i in $(seq 1 "$n"); do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"Latency $i\"}" "$GW/v1/projects"
  done
  sleep 3
  local produced="$BENCH_DATA/produced" consumed
  sql companion_project "SELECT event_id, extract(epoch FROM created_at) FROM outbox_event WHERE event_type = 'project.created' AND created_at > to_timestamp($since)" > "$produced"
  # relay pickup: created_at -> the relay's transaction (sent_at = now() of the relaying transaction)
  sql companion_project "SELECT 'x', extract(epoch FROM sent_at) - extract(epoch FROM created_at) FROM outbox_event WHERE event_type = 'project.created' AND created_at > to_timestamp($since)" \
    | awk -F'|' '{print $2 * 1000}' | sort -n | awk -v mode="$mode" '{v[NR]=$1} END {
        printf "| %s | (relay picked the row up) | %d | %.1f | %.1f | %.1f |\n", mode, NR, v[int(NR*0.5)], v[int(NR*0.99)], v[NR] }'

  for consumer in chat download; do
    consumed="$BENCH_DATA/consumed-$consumer"
    sql "companion_$consumer" "SELECT event_id, extract(epoch FROM processed_at) FROM processed_event" > "$consumed"
    awk -F'|' -v mode="$mode" -v who="$consumer-service" 'NR==FNR {t[$1]=$2; next} ($1 in t) {print ($2 - t[$1]) * 1000}' \
      "$produced" "$consumed" | sort -n | awk -v mode="$mode" -v who="$consumer-service" '
        {v[NR]=$1} END {
          if (NR == 0) { printf "| %s | %s | 0 | – | – | – |\n", mode, who; exit }
          p50=v[int(NR*0.5)>0?int(NR*0.5):1]; p99=v[int(NR*0.99)>0?int(NR*0.99):1];
          printf "| %s | %s | %d | %.1f | %.1f | %.1f |\n", mode, who, NR, p50, p99, v[NR] }'
  done
  stop_stack
}

echo "| relay | consumer | events | p50 (ms) | p99 (ms) | max (ms) |"
echo "|---|---|---|---|---|---|"
measure notify
measure poll
