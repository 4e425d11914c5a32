package dev.companion.gateway.events;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * The gateway's consumer groups are its own per replica and start at the latest offset: a socket
 * only wants what happens from now on. The consumer commits a partition only once it has read a
 * record there, so a partition that stayed quiet has no committed offset; after a rebalance (a
 * Kafka restart makes one) such a partition would start again at the then-latest offset and skip
 * everything written in between, e.g. what the outboxes sent as soon as Kafka came back.
 *
 * <p>So the position where this replica joined is committed at once for every newly assigned
 * partition without a committed offset. Runs on the fan-out's polling thread, where the consumer may be used.
 */
final class StartAtJoinPosition {

    private static final Logger LOG = Logger.getLogger(StartAtJoinPosition.class);

    private StartAtJoinPosition() {
    }

    /** Commits the current position of each of {@code partitions} that has no committed offset yet. */
    static void commitJoinPosition(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        Map<TopicPartition, OffsetAndMetadata> join = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (committed.get(partition) == null) {
                join.put(partition, new OffsetAndMetadata(consumer.position(partition)));
            }
        }
        if (!join.isEmpty()) {
            consumer.commitSync(join);
            LOG.debugf("committed the join position of %d partitions", join.size());
        }
    }
}
