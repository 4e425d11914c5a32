#!/usr/bin/env bash
# Creates the system's topics (ARCHITECTURE.md "Kafka topics and events"; partition counts as
# local-infra's LocalInfra.TOPICS). image.jobs has 8 partitions: the ceiling of image-worker
# parallelism; <group>.dlt is the dead-letter topic of each consumer group. Idempotent: safe on every `docker compose up`.
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
auth-service.dlt 1
project-service.dlt 1
chat-service.dlt 1
image-service.dlt 1
download-service.dlt 1
TOPICS
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list
