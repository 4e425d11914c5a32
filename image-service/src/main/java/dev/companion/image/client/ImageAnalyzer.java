package dev.companion.image.client;

/** Describes an image. Blocking. */
public interface ImageAnalyzer {

    AnalysisResult analyze(AnalysisRequest request);
}
