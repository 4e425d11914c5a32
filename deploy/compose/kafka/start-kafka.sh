#!/usr/bin/env bash
# Entrypoint of the compose `kafka` service (the official apache/kafka image, single node, KRaft:
# broker + controller). Clients authenticate with SASL/SCRAM-SHA-512 and are authorised by ACLs
# (StandardAuthorizer, nothing allowed without an ACL); kafka-init creates each service's SCRAM
# user and ACLs (create-topics.sh). Listeners:
#   SASL_PLAINTEXT :9092   the services, inside the compose network (advertised as kafka:9092)
#   HOST           :19092  SASL_PLAINTEXT too, advertised as localhost:19092, for the opt-in debug
#                          override (deploy/compose/docker-compose.debug.yml binds it to 127.0.0.1)
#   CONTROLLER     127.0.0.1:9093, PLAINTEXT, inside this container only (KRaft cannot use SCRAM for
#                          the controller); its ANONYMOUS principal is the broker talking to itself
# The admin user (KAFKA_ADMIN_PASSWORD) is written into the metadata when the storage is formatted;
# kafka-init logs in with it. Idempotent: an existing data dir keeps its cluster id and users.
set -euo pipefail
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD must be set}"
: "${CLUSTER_ID:?CLUSTER_ID must be set}"
DATA=/var/lib/kafka/data
CONF=/tmp/kafka/server.properties
mkdir -p /tmp/kafka

cat > "$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
controller.listener.names=CONTROLLER
listeners=SASL_PLAINTEXT://:9092,HOST://:19092,CONTROLLER://127.0.0.1:9093
advertised.listeners=SASL_PLAINTEXT://kafka:9092,HOST://localhost:19092
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,HOST:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
listener.name.host.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS
log.dirs=${DATA}
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS

# the admin's client settings, for the health check and kafka-init
cat > /tmp/kafka/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
PROPS
chmod 600 "$CONF" /tmp/kafka/admin.properties

/opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "$CLUSTER_ID" -c "$CONF" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=${KAFKA_ADMIN_PASSWORD}]"
exec /opt/kafka/bin/kafka-server-start.sh "$CONF"
