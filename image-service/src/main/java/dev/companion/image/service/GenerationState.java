package dev.companion.image.service;

import dev.companion.image.model.ImageGeneration;
import dev.companion.image.model.StoredImage;

import java.util.List;

/** A generation with its images (when completed) and queue estimate; the REST layer maps it to its view. */
public record GenerationState(ImageGeneration generation, List<StoredImage> images, Long queuePosition,
                              Integer estimatedTime) {
}
