package dev.companion.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared by every service module's {@code ServiceShapeTest}: the service shape of docs/DEVELOPING.md, checked on the sources: REST request/response records live in
 * {@code rest/dto/}, and {@code service/}, {@code repository/} and {@code model/} never depend on {@code rest}.
 */
public final class ServiceShape {

    private final Path root;
    private final Set<String> pending;
    private static final Pattern REST_REFERENCE = Pattern.compile("\\bdev\\.companion\\.\\w+\\.rest\\.");
    private static final Pattern DTO_DECLARATION =
            Pattern.compile("\\b(record|class)\\s+\\w*(Request|Response)\\b");

    /**
     * {@code service}: the module's package under dev.companion ({@code auth}, {@code chat}, ...), read from the
     * module directory's {@code src/main/java}. {@code pending}: files (relative to the package, e.g.
     * {@code service/ChatService.java}) that still use rest types while issue #20 item 1 is under way:
     * tolerated, but the list may only shrink; a file that is clean must be taken off it.
     */
    public ServiceShape(String service, Set<String> pending) {
        this.root = Path.of("src/main/java/dev/companion/" + service);
        this.pending = pending;
    }

    /** Runs every check (each throws on its first failing rule). */
    public void check() throws IOException {
        sourcesAreFound();
        lowerLayersDoNotDependOnRest();
        requestAndResponseRecordsLiveInRestDto();
    }

    void lowerLayersDoNotDependOnRest() throws IOException {
        List<String> offenders = new ArrayList<>();
        Set<String> stillPending = new TreeSet<>();
        for (Path file : sources()) {
            Path rel = root.relativize(file);
            String layer = rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
            if (!layer.equals("service") && !layer.equals("repository") && !layer.equals("model")) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
                    continue;
                }
                if (REST_REFERENCE.matcher(line).find()) {
                    if (pending.contains(rel.toString())) {
                        stillPending.add(rel.toString());
                    } else {
                        offenders.add(rel + ":" + (i + 1) + " " + line);
                    }
                }
            }
        }
        assertTrue(offenders.isEmpty(), "service/, repository/ and model/ must not use rest types "
                + "(give the service its own record, map in rest/ or mapping/):\n  " + String.join("\n  ", offenders));
        Set<String> cleaned = new TreeSet<>(pending);
        cleaned.removeAll(stillPending);
        assertTrue(cleaned.isEmpty(), "no longer using rest types, take them off pending: " + cleaned);
    }

    void requestAndResponseRecordsLiveInRestDto() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            Path rel = root.relativize(file);
            if (rel.getNameCount() != 2 || !rel.getName(0).toString().equals("rest")) {
                continue; // only files directly in rest/ (rest/dto/ is where they belong)
            }
            String name = rel.getFileName().toString().replace(".java", "");
            if (name.endsWith("Request") || name.endsWith("Response")) {
                offenders.add(rel + " (named *Request/*Response)");
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
                    continue;
                }
                if (DTO_DECLARATION.matcher(line).find()) {
                    offenders.add(rel + ":" + (i + 1) + " " + line);
                }
            }
        }
        assertTrue(offenders.isEmpty(), "REST request/response records belong in rest/dto/:\n  "
                + String.join("\n  ", offenders));
    }

    void sourcesAreFound() throws IOException {
        assertTrue(sources().stream().anyMatch(p -> p.toString().contains("/rest/")),
                "no sources under " + root.toAbsolutePath() + ": the test must run from the module directory");
    }

    private List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
