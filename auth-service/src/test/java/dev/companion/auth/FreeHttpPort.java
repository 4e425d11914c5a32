package dev.companion.auth;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A free port for the test HTTP server, and the service's own JWKS on it (the tests' tokens are
 * verified against the keys the service publishes). Registered once on {@link AuthFlow}; Quarkus
 * applies test resources to every test class of the module.
 */
public class FreeHttpPort implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.http.test-port", Integer.toString(port),
                "mp.jwt.verify.publickey.location", "http://localhost:" + port + "/.well-known/jwks.json");
    }

    @Override
    public void stop() {
    }
}
