package dev.companion.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.common.events.EventEnvelope;
import dev.companion.common.events.EventReader;
import dev.companion.gateway.ws.SocketRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Iterator;
import java.util.Map;

/**
 * Consumes {@code chat.events}, {@code image.events} and {@code download.events} (a consumer group
 * of its own per replica, from the latest offset) and hands each event to the sockets of its user
 * as {@code {"type": type, …data}}. Queuing only: a slow socket never slows this consumer.
 */
@ApplicationScoped
public class UserEventFanOut {

    private static final Logger LOG = Logger.getLogger(UserEventFanOut.class);

    private final EventReader reader;
    private final SocketRegistry sockets;
    private final ObjectMapper mapper;

    public UserEventFanOut(EventReader reader, SocketRegistry sockets, ObjectMapper mapper) {
        this.reader = reader;
        this.sockets = sockets;
        this.mapper = mapper;
    }

    @Incoming("chat-events")
    @Incoming("image-events")
    @Incoming("download-events")
    public void onEvent(String value) {
        try {
            EventEnvelope event = reader.read(value);
            if (event == null || event.userId() == null) {
                return;
            }
            sockets.deliver(event.userId(), toClientMessage(event).toString());
        } catch (RuntimeException e) {
            // one bad record must not stop the live stream of everyone else
            LOG.warnf("event not delivered: %s", e.toString());
        }
    }

    /**
     * {@code {"type": type, …data}}. A {@code type} inside the data (the download type of
     * {@code download.ready}) would hide the event type, so it is renamed {@code <domain>Type}.
     */
    ObjectNode toClientMessage(EventEnvelope event) {
        ObjectNode out = mapper.createObjectNode();
        out.put("type", event.type());
        JsonNode data = event.data();
        if (data != null && data.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = data.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if ("type".equals(f.getKey())) {
                    int dot = event.type().indexOf('.');
                    out.set((dot > 0 ? event.type().substring(0, dot) : "data") + "Type", f.getValue());
                } else {
                    out.set(f.getKey(), f.getValue());
                }
            }
        }
        return out;
    }
}
