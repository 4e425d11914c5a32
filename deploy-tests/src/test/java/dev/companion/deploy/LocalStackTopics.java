package dev.companion.deploy;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The topics and partition counts of the local run (local-infra's LocalInfra.TOPICS), read from
 * its source so compose and Strimzi cannot drift from what the services are tested against.
 */
final class LocalStackTopics {

    private LocalStackTopics() {
    }

    static Map<String, Integer> read() {
        String source = Repo.read("local-infra/src/main/java/dev/companion/infra/LocalInfra.java");
        int start = source.indexOf("TOPICS = Map.ofEntries(");
        if (start < 0) {
            throw new AssertionError("LocalInfra.TOPICS not found");
        }
        String block = source.substring(start, source.indexOf(");", start));
        Map<String, Integer> topics = new TreeMap<>();
        Matcher m = Pattern.compile("\"([a-z.-]+)\",\\s*(\\d+)").matcher(block);
        while (m.find()) {
            topics.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return topics;
    }
}
