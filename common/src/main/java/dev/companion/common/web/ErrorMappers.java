package dev.companion.common.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where failures become the seed's error envelope: validation, malformed JSON,
 * not-found, auth failures and anything unexpected. No stack trace ever leaves.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response apiException(ApiException e, ContainerRequestContext request) {
        Response r = respond(e.code(), e.getMessage(), e.details(), request);
        if (e.retryAfterSeconds() > 0) {
            r.getHeaders().putSingle("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        return r;
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, ContainerRequestContext request) {
        List<ConstraintViolation<?>> violations = new ArrayList<>(e.getConstraintViolations());
        violations.sort(Comparator.comparing(v -> fieldName(v.getPropertyPath())));
        List<Map<String, Object>> all = new ArrayList<>();
        for (ConstraintViolation<?> v : violations) {
            all.add(describe(v));
        }
        Map<String, Object> details = all.isEmpty() ? new LinkedHashMap<>() : new LinkedHashMap<>(all.get(0));
        if (all.size() > 1) {
            details.put("violations", all);
        }
        String message = all.isEmpty() ? "Invalid request" : "Invalid " + details.get("field") + ": " + details.get("message");
        return respond(ErrorCode.VALIDATION_ERROR, message, details, request);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, ContainerRequestContext request) {
        return respond(ErrorCode.UNAUTHORIZED, "Invalid or expired token", null, request);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, ContainerRequestContext request) {
        return respond(ErrorCode.UNAUTHORIZED, "Invalid or expired token", null, request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return respond(ErrorCode.FORBIDDEN, "Insufficient permissions", null, request);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, ContainerRequestContext request) {
        return respond(ErrorCode.VALIDATION_ERROR, jsonMessage(e), jsonDetails(e), request);
    }

    /**
     * Quarkus REST ships its own mapper for this subtype (it would answer {objectName, attributeName…});
     * mapping it here keeps unknown or mistyped body fields in the seed's envelope.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(com.fasterxml.jackson.databind.exc.MismatchedInputException e, ContainerRequestContext request) {
        return json(e, request);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, ContainerRequestContext request) {
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return json(jpe, request);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        ErrorCode code = ErrorCode.forStatus(status);
        String message = switch (status) {
            case 400 -> "Malformed request";
            case 401 -> "Invalid or expired token";
            case 403 -> "Insufficient permissions";
            case 404 -> "Resource not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 413 -> "Payload too large";
            case 415 -> "Unsupported media type";
            default -> status >= 500 ? "Internal server error" : "Invalid request";
        };
        if (status >= 500) {
            LOG.errorf(e, "request %s failed", request.getProperty(RequestIdFilter.PROPERTY));
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(code, message, null, requestId(request))).build();
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, ContainerRequestContext request) {
        LOG.errorf(e, "request %s failed", request.getProperty(RequestIdFilter.PROPERTY));
        return respond(ErrorCode.SERVER_ERROR, "Internal server error", null, request);
    }

    static Response respond(ErrorCode code, String message, Map<String, Object> details, ContainerRequestContext request) {
        return Response.status(code.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(code, message, details, requestId(request))).build();
    }

    private static String requestId(ContainerRequestContext request) {
        Object id = request == null ? null : request.getProperty(RequestIdFilter.PROPERTY);
        return id == null ? null : id.toString();
    }

    /** {@code create.request.settings.autoSave} → {@code settings.autoSave}: the path inside the body or the query name. */
    static String fieldName(Path path) {
        List<String> names = new ArrayList<>();
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case METHOD, CONSTRUCTOR, RETURN_VALUE, CROSS_PARAMETER -> names.clear();
                case PARAMETER -> {
                    names.clear();
                    names.add(node.getName());
                }
                default -> {
                    String name = node.getName();
                    if (node.getIndex() != null && !names.isEmpty()) {
                        int last = names.size() - 1;
                        names.set(last, names.get(last) + "[" + node.getIndex() + "]");
                    }
                    if (name != null && !name.startsWith("<")) {
                        names.add(name);
                    }
                }
            }
        }
        // a body parameter ("request", "body"...) is not a field the client knows about
        if (names.size() > 1 && isBodyParam(path)) {
            names.remove(0);
        }
        return String.join(".", names);
    }

    private static boolean isBodyParam(Path path) {
        for (Path.Node node : path) {
            if (node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
                continue;
            }
            if (node.getKind() == jakarta.validation.ElementKind.PROPERTY
                    || node.getKind() == jakarta.validation.ElementKind.CONTAINER_ELEMENT) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Object> describe(ConstraintViolation<?> v) {
        Map<String, Object> d = new LinkedHashMap<>();
        String annotation = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
        Map<String, Object> attrs = v.getConstraintDescriptor().getAttributes();
        Object invalid = v.getInvalidValue();
        String constraint;
        Object limit = null;
        switch (annotation) {
            case "Size", "Length" -> {
                int min = ((Number) attrs.getOrDefault("min", 0)).intValue();
                int max = ((Number) attrs.getOrDefault("max", Integer.MAX_VALUE)).intValue();
                int actual = sizeOf(invalid);
                boolean tooShort = actual >= 0 && actual < min;
                boolean text = invalid instanceof CharSequence;
                constraint = (tooShort ? "min" : "max") + (text ? "Length" : "Items");
                limit = tooShort ? min : max;
            }
            case "Min", "DecimalMin", "Positive", "PositiveOrZero" -> {
                constraint = "min";
                limit = attrs.containsKey("value") ? attrs.get("value") : ("Positive".equals(annotation) ? 1 : 0);
            }
            case "Max", "DecimalMax", "Negative", "NegativeOrZero" -> {
                constraint = "max";
                limit = attrs.get("value");
            }
            case "NotNull", "NotBlank", "NotEmpty" -> constraint = "required";
            case "Pattern" -> {
                constraint = "pattern";
                limit = attrs.get("regexp");
            }
            case "Email" -> constraint = "email";
            default -> constraint = Character.toLowerCase(annotation.charAt(0)) + annotation.substring(1);
        }
        d.put("field", fieldName(v.getPropertyPath()));
        d.put("constraint", constraint);
        if (limit != null) {
            d.put("value", limit instanceof String s && s.matches("-?\\d+") ? Long.parseLong(s) : limit);
        }
        d.put("message", v.getMessage());
        return d;
    }

    private static int sizeOf(Object value) {
        if (value instanceof CharSequence cs) {
            return cs.length();
        }
        if (value instanceof java.util.Collection<?> c) {
            return c.size();
        }
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        if (value != null && value.getClass().isArray()) {
            return java.lang.reflect.Array.getLength(value);
        }
        return -1;
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String jsonMessage(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "Unknown field: " + (jsonPath(u).isEmpty() ? u.getPropertyName() : jsonPath(u));
        }
        if (e instanceof InvalidFormatException f) {
            return "Invalid value for " + jsonPath(f);
        }
        if (e instanceof JsonMappingException m && !jsonPath(m).isEmpty()) {
            return "Invalid value for " + jsonPath(m);
        }
        return "Malformed JSON body";
    }

    private static Map<String, Object> jsonDetails(JsonProcessingException e) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (e instanceof UnrecognizedPropertyException u) {
            d.put("field", jsonPath(u).isEmpty() ? u.getPropertyName() : jsonPath(u));
            d.put("constraint", "unknownField");
        } else if (e instanceof JsonMappingException m && !jsonPath(m).isEmpty()) {
            d.put("field", jsonPath(m));
            d.put("constraint", "type");
        } else {
            d.put("constraint", "json");
            if (e.getLocation() != null) {
                d.put("line", e.getLocation().getLineNr());
                d.put("column", e.getLocation().getColumnNr());
            }
        }
        return d;
    }
}
