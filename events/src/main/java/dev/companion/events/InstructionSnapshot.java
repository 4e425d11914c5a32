package dev.companion.events;

/**
 * {@code instruction.created} and {@code instruction.updated}: one shape, the set's full state. {@code scope}
 * is {@code global}, {@code project} or {@code chat}; {@code mode} is {@code append} or {@code override}.
 */
public sealed interface InstructionSnapshot extends ProjectEvent permits InstructionCreated, InstructionUpdated {

    String id();

    String userId();

    String name();

    String scope();

    String projectId();

    String chatId();

    String mode();

    InstructionContent instructions();

    String createdAt();

    String updatedAt();

    @Override
    default String key() {
        return projectId() != null ? projectId() : userId();
    }

    /** The record for {@code type} ({@link InstructionCreated#TYPE} or {@link InstructionUpdated#TYPE}). */
    static InstructionSnapshot of(String type, String id, String userId, String name, String scope, String projectId,
                                  String chatId, String mode, InstructionContent instructions, String createdAt, String updatedAt) {
        return switch (type) {
            case InstructionCreated.TYPE -> new InstructionCreated(id, userId, name, scope, projectId, chatId, mode, instructions, createdAt, updatedAt);
            case InstructionUpdated.TYPE -> new InstructionUpdated(id, userId, name, scope, projectId, chatId, mode, instructions, createdAt, updatedAt);
            default -> throw new IllegalArgumentException("not an instruction snapshot type: " + type);
        };
    }
}
