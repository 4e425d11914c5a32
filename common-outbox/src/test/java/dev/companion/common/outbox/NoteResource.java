package dev.companion.common.outbox;

import dev.companion.common.api.ApiResponse;
import dev.companion.common.id.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import java.util.Map;

/**
 * A state change with its event, written in one transaction; {@code fail=true} rolls both back,
 * {@code padding=n} makes the event n bytes larger (to exceed Kafka's max.request.size), {@code poison}
 * makes an event the consumer can never apply.
 */
@Path("/test/notes")
public class NoteResource {

    private final Outbox outbox;

    public NoteResource(Outbox outbox) {
        this.outbox = outbox;
    }

    @POST
    @WithTransaction
    public Uni<ApiResponse<Map<String, String>>> create(@QueryParam("text") String text, @QueryParam("fail") boolean fail,
                                                       @QueryParam("padding") int padding,
                                                       @QueryParam("poison") boolean poison,
                                                       @QueryParam("topic") @jakarta.ws.rs.DefaultValue("outbox.test") String topic) {
        String id = Ids.newId("note");
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("INSERT INTO note (id, text) VALUES (?1, ?2)")
                        .setParameter(1, id).setParameter(2, text).executeUpdate())
                .flatMap(n -> outbox.publish(topic, "notes", "note.created", "user_test", payload(id, text, padding, poison)))
                .map(event -> {
                    if (fail) {
                        throw new IllegalStateException("failing after the event was written");
                    }
                    return ApiResponse.ok(Map.of("id", id, "eventId", event.id()));
                });
    }

    private static Map<String, Object> payload(String id, String text, int padding, boolean poison) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("id", id);
        p.put("text", text);
        if (padding > 0) {
            p.put("padding", "x".repeat(padding));
        }
        if (poison) {
            p.put("poison", true);
        }
        return p;
    }
}
