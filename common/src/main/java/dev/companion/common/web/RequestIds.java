package dev.companion.common.web;

import dev.companion.common.id.Ids;
import io.smallrye.common.vertx.ContextLocals;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.regex.Pattern;

/**
 * The request id of the request being served: taken from {@code X-Request-Id} (set by the gateway)
 * or created, kept in the Vert.x duplicated context so events written later carry it.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String KEY = "companion.requestId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private RequestIds() {
    }

    /** The current request id, or null outside a request. */
    public static String current() {
        Context ctx = Vertx.currentContext();
        if (ctx == null) {
            return null;
        }
        try {
            return ContextLocals.<String>get(KEY).orElse(null);
        } catch (UnsupportedOperationException | IllegalStateException e) {
            return null;
        }
    }

    static void set(String requestId) {
        try {
            ContextLocals.put(KEY, requestId);
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // not on a duplicated context: the id still travels in headers and the envelope
        }
    }

    /** A client-sent id is kept only if it is short and harmless in logs; otherwise a new one is made. */
    public static String acceptOrCreate(String incoming) {
        if (incoming != null && SAFE.matcher(incoming).matches()) {
            return incoming;
        }
        return Ids.newId("req");
    }
}
