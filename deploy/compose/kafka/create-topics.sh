#!/usr/bin/env bash
# Creates the system's topics (ARCHITECTURE.md "Kafka topics and events"; partition counts as
# local-infra's LocalInfra.TOPICS). image.jobs has 8 partitions: the ceiling of image-worker
# parallelism. Idempotent: safe on every `docker compose up`.
set -euo pipefail
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"

while read -r topic partitions; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor 1
done <<'TOPICS'
user.events 3
project.events 3
chat.events 6
image.jobs 8
image.events 6
download.events 3
TOPICS
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list
