package dev.companion.chat.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Starts the {@link FakeOpenAiServer} once per test JVM and points test providers and models at it:
 * {@code fake} (keys key-a, key-b, key-c), {@code nokeys} (no keys); models {@code fake-gpt},
 * {@code fake-small} (a tiny context window, for the history budget), {@code fake-nokeys}, {@code fake-limited} (keys key-x, key-y, key-z),
 * {@code fake-fallback} (no keys, falls back to offline-echo).
 */
public class FakeOpenAiResource implements QuarkusTestResourceLifecycleManager {

    private static FakeOpenAiServer server;

    public static synchronized FakeOpenAiServer server() {
        return server;
    }

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (server == null) {
                server = new FakeOpenAiServer();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String base = "http://127.0.0.1:" + server.port() + "/v1";
        Map<String, String> c = new HashMap<>();
        c.put("companion.chat.providers.fake.type", "openai");
        c.put("companion.chat.providers.fake.base-url", base);
        c.put("companion.chat.providers.fake.api-keys", "key-a,key-b,key-c");
        c.put("companion.chat.providers.fake.first-token-timeout", "5s");
        c.put("companion.chat.providers.fake.idle-timeout", "5s");
        c.put("companion.chat.providers.fake.max-attempts", "2");
        // a pool of its own for the rate-limit tests, so cooling keys never affect other tests
        c.put("companion.chat.providers.limited.type", "openai");
        c.put("companion.chat.providers.limited.base-url", base);
        c.put("companion.chat.providers.limited.api-keys", "key-x,key-y,key-z");
        c.put("companion.chat.models.fake-limited.provider", "limited");
        c.put("companion.chat.providers.nokeys.type", "openai");
        c.put("companion.chat.providers.nokeys.base-url", base);
        c.put("companion.chat.models.fake-gpt.provider", "fake");
        c.put("companion.chat.models.fake-gpt.provider-model", "gpt-4o-mini");
        c.put("companion.chat.models.fake-gpt.context-window", "16000");
        c.put("companion.chat.models.fake-gpt.max-output-tokens", "1000");
        c.put("companion.chat.models.fake-gpt.vision", "true");
        c.put("companion.chat.models.fake-small.provider", "fake");
        c.put("companion.chat.models.fake-small.provider-model", "gpt-4o-mini");
        c.put("companion.chat.models.fake-small.context-window", "200");
        c.put("companion.chat.models.fake-small.max-output-tokens", "50");
        c.put("companion.chat.models.fake-nokeys.provider", "nokeys");
        c.put("companion.chat.models.fake-fallback.provider", "nokeys");
        c.put("companion.chat.models.fake-fallback.fallback", "offline-echo");
        // small, visible pace for the offline model: cancel and stream-status have time to act
        c.put("companion.chat.providers.offline.chunk-delay", "15ms");
        return c;
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM
    }
}
