package dev.companion.auth;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service shape of docs/DEVELOPING.md, checked on the sources: REST request/response records live in
 * {@code rest/dto/}, and {@code service/}, {@code repository/} and {@code model/} never depend on {@code rest}.
 */
class ServiceShapeTest {

    private static final Path ROOT = Path.of("src/main/java/dev/companion/auth");
    private static final Pattern REST_REFERENCE = Pattern.compile("\\bdev\\.companion\\.\\w+\\.rest\\.");
    private static final Pattern DTO_DECLARATION =
            Pattern.compile("\\b(record|class)\\s+\\w*(Request|Response)\\b");

    @Test
    void lowerLayersDoNotDependOnRest() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            Path rel = ROOT.relativize(file);
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
                    offenders.add(rel + ":" + (i + 1) + " " + line);
                }
            }
        }
        assertTrue(offenders.isEmpty(), "service/, repository/ and model/ must not use rest types "
                + "(give the service its own record, map in rest/ or mapping/):\n  " + String.join("\n  ", offenders));
    }

    @Test
    void requestAndResponseRecordsLiveInRestDto() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            Path rel = ROOT.relativize(file);
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

    @Test
    void sourcesAreFound() throws IOException {
        assertTrue(sources().stream().anyMatch(p -> p.toString().contains("/rest/")),
                "no sources under " + ROOT.toAbsolutePath() + ": the test must run from the module directory");
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
