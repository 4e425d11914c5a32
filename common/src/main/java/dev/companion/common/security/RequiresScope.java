package dev.companion.common.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The OAuth scope a resource class or method needs (see {@link Scopes}); a valid token without it
 * is answered 403 {@code FORBIDDEN} with {@code details.requiredScope} by {@link ScopeFilter}.
 * A method's annotation wins over its class's.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresScope {
    String value();
}
