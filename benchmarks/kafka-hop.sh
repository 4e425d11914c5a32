#!/usr/bin/env bash
# The Kafka hop alone: send -> receive on the same local broker the stack runs (KRaft, in the
# launcher JVM with its options), one record at a time, for three consumer fetch.max.wait.ms values.
# Separates the broker's share of the event latency from the services' share (event-latency.sh).
# Usage: benchmarks/kafka-hop.sh [records=300]
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=local-infra/target/classes/META-INF/companion/infra-classpath.txt
[ -f "$cp_file" ] || ./mvnw -q -pl local-infra install -DskipTests
echo "| consumer | records | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|"
java -Xmx512m -XX:+UseSerialGC -cp "local-infra/target/classes:$(cat "$cp_file")" benchmarks/kafka-hop/KafkaHop.java "${1:-300}" 2>&1 | grep "^| fetch"
