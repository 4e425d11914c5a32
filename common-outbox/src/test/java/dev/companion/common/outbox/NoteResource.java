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
 * {@code padding=n} makes the event n bytes larger (to exceed Kafka's max.request.size).
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
                                                       @QueryParam("padding") int padding) {
        String id = Ids.newId("note");
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("INSERT INTO note (id, text) VALUES (?1, ?2)")
                        .setParameter(1, id).setParameter(2, text).executeUpdate())
                .flatMap(n -> outbox.publish("outbox.test", "notes", "note.created", "user_test", padding > 0 ? Map.of("id", id, "text", text, "padding", "x".repeat(padding)) : Map.of("id", id, "text", text)))
                .map(event -> {
                    if (fail) {
                        throw new IllegalStateException("failing after the event was written");
                    }
                    return ApiResponse.ok(Map.of("id", id, "eventId", event.id()));
                });
    }
}
