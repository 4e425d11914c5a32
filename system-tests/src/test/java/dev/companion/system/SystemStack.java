package dev.companion.system;

import dev.companion.infra.InfraOptions;
import dev.companion.infra.LocalStack;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The whole system, started once per test JVM: real PostgreSQL, Kafka, S3 and Redis, and the six
 * packaged services as separate processes on free ports. Test classes get it as a parameter.
 */
public final class SystemStack implements BeforeAllCallback, ParameterResolver {

    /** Settings the system tests give the services (small limits so limits can be reached in a test). */
    static final Map<String, String> TEST_ENV = new HashMap<>(Map.of(
            // every test user logs in from 127.0.0.1: the per-IP /auth/* limit (10 per 5 min) would stop the suite
            "RATE_LIMIT_AUTH", "100000",
            "WS_PING_INTERVAL", "2s",
            // the operator's one-time admin setup token: Admins makes the stack's one admin with it
            "COMPANION_AUTH_ADMIN_SETUP_TOKEN", Admins.SETUP_TOKEN,
            // a deleted API token stops working at once (AgentsIT)
            "COMPANION_GATEWAY_API_KEY_CACHE_TTL", "0s"));

    private static LocalStack stack;
    private static Exception startFailure;
    private static int basePort;

    static synchronized LocalStack stack() throws Exception {
        if (startFailure != null) {
            throw new IllegalStateException("the stack failed to start earlier", startFailure);
        }
        if (stack == null) {
            Path root = Path.of(System.getProperty("companion.root", "..")).toAbsolutePath().normalize();
            Path data = root.resolve("system-tests/target/stack-" + Long.toHexString(System.nanoTime()));
            basePort = freeBasePort();
            InfraOptions infra = new InfraOptions(data, true, true, true, 0, 0, 0, 0);
            LocalStack s = new LocalStack(root, infra, LocalStack.defaultServices(basePort), TEST_ENV);
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "stack-stop"));
            try {
                s.start();
            } catch (Exception e) {
                s.close();
                startFailure = e;
                throw e;
            }
            stack = s;
        }
        return stack;
    }

    /**
     * Ten consecutive free ports, so the system tests never clash with a local run on 8080-8085. They lie
     * below Linux's ephemeral range (32768+): a port from that range, free when probed, can be taken as
     * the source port of any outgoing connection (Kafka, PostgreSQL, HTTP) before a service binds it.
     */
    private static int freeBasePort() {
        Random random = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + random.nextInt(12_000);
            if (allFree(base, 10)) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range");
    }

    private static boolean allFree(int base, int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket s = new ServerSocket(p)) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Ports after the six services, free at start, for extra processes a test starts itself. */
    static int sparePort(int index) {
        return basePort + 6 + index;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stack();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == LocalStack.class || type == ApiClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        try {
            Class<?> type = p.getParameter().getType();
            if (type == LocalStack.class) {
                return stack();
            }
            return new ApiClient(stack().gatewayUrl());
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
