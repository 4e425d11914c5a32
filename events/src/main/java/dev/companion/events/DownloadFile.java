package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One file of a bundle made without a zip: its presigned {@code downloadUrl} and {@code size} in bytes. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DownloadFile(String imageId, String fileName, String downloadUrl, long size) {
}
