package dev.companion.image.service;

/** A generation as the service takes it; {@code rest.dto.GenerateRequest} is the validated wire form. */
public record GenerationOrder(String prompt, String chatId, Options options) {

    /** Every option may be null (the service applies the defaults). */
    public record Options(String model, String size, String quality, String style, Integer n) {
    }
}
