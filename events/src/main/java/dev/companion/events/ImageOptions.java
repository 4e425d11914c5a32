package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A generation's options, defaults applied (size {@code 1024x1024}, quality {@code standard}, style {@code vivid}, n 1). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ImageOptions(String model, String size, String quality, String style, int n) {
}
