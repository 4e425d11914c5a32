package dev.companion.events;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component the producer may write as JSON {@code null}. Every component without it is
 * required: listed in the schema's {@code required} of docs/asyncapi.yaml and never null on the wire.
 * Primitive components are never null. Properties are always written (nulls included), so "nullable"
 * never means "absent".
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Nullable {
}
