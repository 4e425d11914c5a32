package dev.companion.download.service;

import dev.companion.download.model.OutputFormat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paths of the files in a bundle: the naming pattern with its tokens expanded, every segment made
 * safe by {@link SafeFileName}, the folder layout applied, and collisions numbered {@code -2}, {@code -3}…
 * One instance per bundle (it remembers the names it gave).
 */
public final class BundleNaming {

    public static final String DEFAULT_PATTERN = "{project}-{date}-{index}";
    public static final List<String> TOKENS = List.of("project", "chat", "date", "index", "id", "prompt");
    private static final Pattern TOKEN = Pattern.compile("\\{([^{}]*)}");
    private static final int PROMPT_CHARS = 40;

    /** The folder layouts of the seed. */
    public enum Folders {
        FLAT, GROUPED, DATED;

        public static Folders parse(String value) {
            if (value == null) {
                return FLAT;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "flat" -> FLAT;
                case "grouped" -> GROUPED;
                case "dated" -> DATED;
                default -> null;
            };
        }
    }

    /** What a name can be made of; names are null when the read model has none. */
    public record Source(String imageId, String projectName, String chatName, String prompt, Instant createdAt) {
    }

    private final String pattern;
    private final Folders folders;
    private final OutputFormat format;
    private final Set<String> taken = new HashSet<>();

    public BundleNaming(String pattern, Folders folders, OutputFormat format) {
        this.pattern = pattern == null || pattern.isBlank() ? DEFAULT_PATTERN : pattern;
        this.folders = folders == null ? Folders.FLAT : folders;
        this.format = format;
    }

    /** The first token in {@code pattern} that is not one of {@link #TOKENS}, or null if all are known. */
    public static String unknownToken(String pattern) {
        if (pattern == null) {
            return null;
        }
        Matcher m = TOKEN.matcher(pattern);
        while (m.find()) {
            if (!TOKENS.contains(m.group(1))) {
                return m.group(0);
            }
        }
        return null;
    }

    /** The path inside the bundle of the {@code index}-th image (from 1), unique within this bundle. */
    public String pathFor(Source source, int index) {
        String folder = folder(source);
        String base = SafeFileName.of(expand(source, index), "image");
        String ext = "." + format.extension();
        String candidate = folder + base + ext;
        int n = 2;
        // compare case-insensitively: the zip is unpacked on case-insensitive file systems too
        while (!taken.add(candidate.toLowerCase(Locale.ROOT))) {
            String suffix = "-" + n++;
            candidate = folder + SafeFileName.capCodePoints(base, SafeFileName.MAX_LENGTH - suffix.length()) + suffix + ext;
        }
        return candidate;
    }

    String expand(Source source, int index) {
        Matcher m = TOKEN.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "project" -> source.projectName() == null ? "no-project" : source.projectName();
                case "chat" -> source.chatName() == null ? "no-chat" : source.chatName();
                case "date" -> date(source).toString();
                case "index" -> String.format(Locale.ROOT, "%03d", index);
                case "id" -> source.imageId();
                case "prompt" -> source.prompt() == null ? "" : SafeFileName.capCodePoints(source.prompt().strip(), PROMPT_CHARS);
                default -> m.group(0);
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String folder(Source source) {
        return switch (folders) {
            case FLAT -> "";
            case GROUPED -> SafeFileName.of(source.projectName(), "no-project") + "/"
                    + SafeFileName.of(source.chatName(), "no-chat") + "/";
            case DATED -> {
                LocalDate d = date(source);
                yield String.format(Locale.ROOT, "%04d/%02d/%02d/", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
            }
        };
    }

    private static LocalDate date(Source source) {
        return LocalDate.ofInstant(source.createdAt() == null ? Instant.EPOCH : source.createdAt(), ZoneOffset.UTC);
    }
}
