package dev.companion.auth.rest;

import dev.companion.auth.service.OAuthException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** Token-endpoint failures leave as RFC 6749 5.2 errors, not in the API envelope (OAuth clients expect this shape). */
public class OAuthErrorMapper {

    @ServerExceptionMapper
    public Response oauth(OAuthException e) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.getMessage());
        Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body)
                .header("Cache-Control", "no-store").header("Pragma", "no-cache");
        if (e.status() == 401) {
            r.header("WWW-Authenticate", "Basic realm=\"companion\"");
        }
        return r.build();
    }
}
