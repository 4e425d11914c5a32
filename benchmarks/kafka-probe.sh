#!/usr/bin/env bash
# Stage times and consumer lag of message.chunk while token-latency.sh runs (its broker: 127.0.0.1:29092).
# Usage: benchmarks/kafka-probe.sh [bootstrap=127.0.0.1:29092]   (Ctrl-C to stop)
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=local-infra/target/classes/META-INF/companion/infra-classpath.txt
[ -f "$cp_file" ] || ./mvnw -q -pl local-infra install -DskipTests
exec java -cp "local-infra/target/classes:$(cat "$cp_file")" benchmarks/kafka-probe/Probe.java "${1:-127.0.0.1:29092}"
