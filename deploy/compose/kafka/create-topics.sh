#!/usr/bin/env bash
# kafka-init: creates the system's topics (ARCHITECTURE.md "Kafka topics and events"; partition
# counts as local-infra's LocalInfra.TOPICS), one SCRAM user per workload and its ACLs: each may
# write only the topics it produces (and its own dead-letter topic), read only the topics it
# consumes, in its own consumer groups (the same table as the Strimzi KafkaUsers in
# k8s/components/kafka-strimzi/users.yaml; deploy-tests compares both with the services' config).
# image.jobs has 8 partitions: the ceiling of image-worker parallelism; <group>.dlt is the
# dead-letter topic of each consumer group. Logs in as the admin user (start-kafka.sh).
# Idempotent: safe on every `docker compose up` (passwords are (re)set from .env).
set -euo pipefail
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD must be set}"
ADMIN=/tmp/admin.properties
cat > "$ADMIN" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPS
chmod 600 "$ADMIN"

while read -r topic partitions; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor 1
done <<'TOPICS'
user.events 3
project.events 3
chat.events 6
chat.stream 6
image.jobs 8
image.events 6
download.events 3
auth-service.dlt 1
project-service.dlt 1
chat-service.dlt 1
chat-service.agents 3
image-service.dlt 1
download-service.dlt 1
TOPICS

# user: its password is <USER>_KAFKA_PASSWORD (upper case, - as _), e.g. CHAT_SERVICE_KAFKA_PASSWORD
for user in auth-service project-service chat-service image-service image-worker download-service gateway; do
  var="$(echo "$user" | tr 'a-z-' 'A-Z_')_KAFKA_PASSWORD"
  password="${!var:?$var must be set}"
  /opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --alter \
    --entity-type users --entity-name "$user" --add-config "SCRAM-SHA-512=[password=${password}]"
done

# user operation resource name   (resource: topic, group, or group-prefix for a name prefix)
while read -r user operation resource name; do
  case "$resource" in
    topic) target=(--topic "$name") ;;
    group) target=(--group "$name") ;;
    group-prefix) target=(--group "$name" --resource-pattern-type prefixed) ;;
    *) echo "unknown resource $resource" >&2; exit 1 ;;
  esac
  /opt/kafka/bin/kafka-acls.sh --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --add \
    --allow-principal "User:$user" --operation "$operation" "${target[@]}" > /dev/null
done <<'ACLS'
auth-service Write topic user.events
auth-service Write topic auth-service.dlt
auth-service Read topic project.events
auth-service Read topic chat.events
auth-service Read topic image.events
auth-service Read group auth-service
project-service Write topic project.events
project-service Write topic project-service.dlt
project-service Read topic chat.events
project-service Read group project-service
chat-service Write topic chat.events
chat-service Write topic chat.stream
chat-service Write topic chat-service.dlt
chat-service Write topic chat-service.agents
chat-service Read topic chat-service.agents
chat-service Read topic project.events
chat-service Read group chat-service
image-service Write topic image.jobs
image-service Write topic image.events
image-service Write topic image-service.dlt
image-service Read topic chat.events
image-service Read topic project.events
image-service Read group image-service
image-worker Write topic image.jobs
image-worker Write topic image.events
image-worker Write topic image-service.dlt
image-worker Read topic chat.events
image-worker Read topic project.events
image-worker Read topic image.jobs
image-worker Read group image-service
image-worker Read group image-workers
download-service Write topic download.events
download-service Write topic download-service.dlt
download-service Read topic image.events
download-service Read topic project.events
download-service Read topic chat.events
download-service Read group download-service
gateway Read topic chat.events
gateway Read topic chat.stream
gateway Read topic image.events
gateway Read topic download.events
gateway Read group-prefix gateway-
ACLS
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --list
/opt/kafka/bin/kafka-acls.sh --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN" --list
