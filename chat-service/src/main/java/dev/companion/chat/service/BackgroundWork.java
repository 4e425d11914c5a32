package dev.companion.chat.service;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Supplier;

/**
 * Runs reactive database work outside an HTTP request (an answer that finishes long after its request
 * ended, a batch, the startup recovery) on a fresh, safe Vert.x duplicated context, as Hibernate Reactive
 * requires, carrying the request id so the events written there still name it.
 */
@ApplicationScoped
public class BackgroundWork {

    /** Same key as {@code RequestIds} uses in the context locals. */
    private static final String REQUEST_ID_KEY = "companion.requestId";

    private final Vertx vertx;

    public BackgroundWork(Vertx vertx) {
        this.vertx = vertx;
    }

    public <T> Uni<T> run(String requestId, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(em -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            if (requestId != null) {
                context.putLocal(REQUEST_ID_KEY, requestId);
            }
            context.runOnContext(v -> {
                Uni<T> uni;
                try {
                    uni = work.get();
                } catch (RuntimeException e) {
                    em.fail(e);
                    return;
                }
                uni.subscribe().with(em::complete, em::fail);
            });
        });
    }
}
