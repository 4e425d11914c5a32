package dev.companion.image.model;

/** States of a generation; the column holds the lower-case name. */
public enum GenerationStatus {
    QUEUED, PROCESSING, COMPLETED, FAILED, CANCELLED;

    public String db() {
        return name().toLowerCase();
    }

    public static GenerationStatus of(String db) {
        return valueOf(db.toUpperCase());
    }

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
