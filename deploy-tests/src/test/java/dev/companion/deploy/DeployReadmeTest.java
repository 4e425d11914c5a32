package dev.companion.deploy;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** deploy/README.md's configuration table lists exactly the variables the services read. */
class DeployReadmeTest {

    @Test
    void theConfigurationTableMatchesTheServices() {
        String readme = Repo.read("deploy/README.md");
        String table = readme.substring(readme.indexOf("<!-- config-table:start -->"), readme.indexOf("<!-- config-table:end -->"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\|").matcher(table);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> read = new TreeSet<>();
        Repo.SERVICES.keySet().forEach(module -> read.addAll(Repo.config(module).required()));
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(read);
        assertEquals("", (missing.isEmpty() ? "" : "not in the table: " + missing + " ")
                + (stale.isEmpty() ? "" : "no service reads: " + stale), "deploy/README.md configuration table vs application.properties");
    }
}
