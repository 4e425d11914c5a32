package dev.companion.common.web;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

import java.util.HashMap;
import java.util.Map;

/**
 * Trace helpers shared by the services and the gateway (#20). Tracing is off unless
 * {@code OTEL_SDK_DISABLED=false}; every method here is then a no-op on an invalid span.
 */
public final class Traces {

    /** The span attribute carrying {@code X-Request-Id} on every server span. */
    public static final String REQUEST_ID_ATTRIBUTE = "companion.request_id";
    /** The W3C trace-context header (HTTP and Kafka records). */
    public static final String TRACEPARENT = "traceparent";

    private Traces() {
    }

    /** Puts the request id on the current (server) span. */
    public static void tagRequestId(String requestId) {
        Span span = Span.current();
        if (requestId != null && span.getSpanContext().isValid()) {
            span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
        }
    }

    /** The W3C {@code traceparent} of the current span, or null when there is none (tracing off). */
    public static String currentTraceparent() {
        return traceparentOf(Context.current());
    }

    public static String traceparentOf(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a {@code traceparent} names (root context if null or malformed). */
    public static Context fromTraceparent(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceparent), new io.opentelemetry.context.propagation.TextMapGetter<Map<String, String>>() {
            @Override
            public Iterable<String> keys(Map<String, String> carrier) {
                return carrier.keySet();
            }

            @Override
            public String get(Map<String, String> carrier, String key) {
                return carrier == null ? null : carrier.get(key);
            }
        });
    }
}
