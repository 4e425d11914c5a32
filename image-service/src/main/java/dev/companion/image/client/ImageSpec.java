package dev.companion.image.client;

/** What a provider is asked to draw; {@code upstreamModel} is the provider's own model name. */
public record ImageSpec(String prompt, String upstreamModel, int width, int height, String quality, String style, int n) {

    public String size() {
        return width + "x" + height;
    }
}
