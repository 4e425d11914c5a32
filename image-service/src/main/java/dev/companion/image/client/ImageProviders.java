package dev.companion.image.client;

import dev.companion.image.config.ImageConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.TreeSet;

/** Picks the provider for a model name as configured in {@code companion.image.models}. */
@ApplicationScoped
public class ImageProviders {

    public static final String OFFLINE = "offline";
    public static final String OPENAI = "openai";

    private final ImageConfig config;
    private final OfflineArtRenderer offline;
    private final OpenAiImagesClient openai;

    public ImageProviders(ImageConfig config, OfflineArtRenderer offline, OpenAiImagesClient openai) {
        this.config = config;
        this.offline = offline;
        this.openai = openai;
        config.models().forEach((name, m) -> {
            if (!OFFLINE.equals(m.provider()) && !OPENAI.equals(m.provider())) {
                throw new IllegalStateException("model " + name + ": unknown provider " + m.provider());
            }
        });
    }

    public Set<String> models() {
        return new TreeSet<>(config.models().keySet());
    }

    public boolean knows(String model) {
        return config.models().containsKey(model);
    }

    public ImageProvider forModel(String model) {
        ImageConfig.Model m = config.models().get(model);
        if (m == null) {
            throw new ProviderException("PROVIDER_REJECTED", "model " + model + " is not configured", false);
        }
        return OPENAI.equals(m.provider()) ? openai : offline;
    }

    public String upstreamModel(String model) {
        ImageConfig.Model m = config.models().get(model);
        return m == null ? model : m.upstreamModel().orElse(model);
    }
}
