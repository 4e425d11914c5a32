package dev.companion.infra;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local run is plaintext and without passwords worth the name, so it must not be reachable from the
 * network: PostgreSQL, Kafka, S3 and Redis answer on 127.0.0.1 and refuse connections on the machine's
 * other addresses, and the launcher tells every service to listen on loopback (the gateway on {@code --bind}).
 */
class LoopbackOnlyTest {

    @Test
    void theInfrastructureListensOnLoopbackOnly() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
        Path dir = Files.createTempDirectory(Path.of("target"), "loopback-");
        try (LocalInfra infra = new LocalInfra(InfraOptions.ephemeral(dir, true))) {
            InfraSettings s = infra.start();
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("PostgreSQL", s.pgPort());
            ports.put("Kafka", Integer.parseInt(s.kafkaBootstrap().substring(s.kafkaBootstrap().lastIndexOf(':') + 1)));
            ports.put("S3", URI.create(s.s3Endpoint()).getPort());
            ports.put("Redis", URI.create(s.redisUrl()).getPort());
            for (var port : ports.entrySet()) {
                assertTrue(reachable(InetAddress.getLoopbackAddress(), port.getValue()), port.getKey() + " answers on loopback");
                assertFalse(reachable(external.get(), port.getValue()),
                        port.getKey() + " must not answer on " + external.get().getHostAddress() + ":" + port.getValue());
            }
        }
    }

    @Test
    void servicesListenOnLoopbackAndOnlyTheGatewayFollowsBind() {
        for (String service : new String[]{"auth-service", "project-service", "chat-service", "image-service", "download-service"}) {
            assertEquals("127.0.0.1", LocalStack.httpHost(service, "0.0.0.0"), service);
        }
        assertEquals("127.0.0.1", LocalStack.httpHost("gateway", LocalStack.LOOPBACK), "the default");
        assertEquals("0.0.0.0", LocalStack.httpHost("gateway", "0.0.0.0"), "told otherwise");
        assertEquals("127.0.0.1", LocalStack.httpHost("gateway", " "));
    }

    private static boolean reachable(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
