package dev.companion.chat.service;

import dev.companion.chat.mapping.ChatMapper;
import dev.companion.chat.repository.ConversationQuery;
import dev.companion.chat.repository.ConversationQuery.Filter;
import dev.companion.chat.rest.dto.ConversationList;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conversation list across projects (seed 001): every query parameter checked strictly (a bad
 * value is a {@code VALIDATION_ERROR} naming it), then one page by last activity.
 */
@ApplicationScoped
public class ConversationService {

    public static final int MAX_SEARCH_LENGTH = 200;
    public static final int MAX_SEARCH_WORDS = 10;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    /** The raw query parameters, as sent. */
    public record Params(String offset, String page, String limit, String isArchived, String isStarred, String projectId,
                         String search) {
    }

    private final ConversationQuery query;
    private final ChatMapper mapper;

    public ConversationService(ConversationQuery query, ChatMapper mapper) {
        this.query = query;
        this.mapper = mapper;
    }

    public Uni<ConversationList> list(String userId, Params p) {
        // checked before any database work: bad input changes and costs nothing
        Filter filter = new Filter(userId, Boolean.TRUE.equals(bool("isArchived", p.isArchived())), bool("isStarred", p.isStarred()),
                projectId(p.projectId()), tsQuery(p.search()));
        Integer limit = integer("limit", p.limit());
        int offset;
        PageRequest page;
        if (p.offset() != null) {
            if (p.page() != null) {
                throw ApiException.validation("offset", "exclusive", "page", "send either offset or page, not both");
            }
            page = PageRequest.of(1, limit);
            offset = integer("offset", p.offset());
            if (offset < 0) {
                throw ApiException.validation("offset", "min", 0, "offset must be at least 0");
            }
            if (offset > PageRequest.DEFAULT_MAX_OFFSET) {
                throw ApiException.validation("offset", "max", PageRequest.DEFAULT_MAX_OFFSET,
                        "offset must be at most " + PageRequest.DEFAULT_MAX_OFFSET);
            }
            page = new PageRequest(offset / page.limit() + 1, page.limit());
        } else {
            page = PageRequest.of(integer("page", p.page()), limit);
            offset = page.offset();
        }
        return fetch(filter, offset, page);
    }

    private Uni<ConversationList> fetch(Filter filter, int offset, PageRequest page) {
        return Panache.withSession(() -> query.count(filter).flatMap(total -> query.page(filter, offset, page.limit())
                .map(list -> new ConversationList(list.stream().map(mapper::toView).toList(), Pagination.of(page, total), offset))));
    }

    static Boolean bool(String field, String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.validation(field, "oneOf", List.of("true", "false"), field + " must be true or false");
        };
    }

    static Integer integer(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.validation(field, "integer", null, field + " must be an integer");
        }
    }

    static String projectId(String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank() || value.length() > 40) {
            throw ApiException.validation("projectId", "size", 40, "projectId must be 1 to 40 characters");
        }
        return value;
    }

    /**
     * The search as a tsquery: its words (letters and digits only, so nothing of tsquery's syntax gets
     * through), each as a prefix, all required. A search without any word is refused.
     */
    static String tsQuery(String search) {
        if (search == null) {
            return null;
        }
        if (search.length() > MAX_SEARCH_LENGTH) {
            throw ApiException.validation("search", "maxLength", MAX_SEARCH_LENGTH,
                    "search must be at most " + MAX_SEARCH_LENGTH + " characters");
        }
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(search.toLowerCase(Locale.ROOT));
        while (m.find() && words.size() < MAX_SEARCH_WORDS) {
            words.add(m.group() + ":*");
        }
        if (words.isEmpty()) {
            throw ApiException.validation("search", "words", null, "search must contain at least one letter or digit");
        }
        return String.join(" & ", words);
    }
}
