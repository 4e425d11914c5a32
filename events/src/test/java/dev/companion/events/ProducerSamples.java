package dev.companion.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code data} of each event type exactly as today's producers write it (field order of their payload
 * records, nulls written), copied from the producer code named beside each sample. A record that cannot
 * read and re-write one of these byte for byte would change the wire format.
 */
final class ProducerSamples {

    private ProducerSamples() {
    }

    static final Map<String, String> BY_TYPE = new LinkedHashMap<>();

    static {
        // auth-service UserService -> UserSnapshot.of(type, …) (UserRegistered / UserUpdated)
        put("user.registered", """
                {"id":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","email":"ada@example.com","name":"Ada","plan":"free","roles":["user"]}""");
        put("user.updated", """
                {"id":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","email":"ada@example.com","name":"Ada L.","plan":"free","roles":["user","admin"]}""");
        // documented in DEVELOPING.md; no producer yet
        put("user.deleted", """
                {"id":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4"}""");

        // project-service ProjectService -> ProjectMapper.toPayload(p) (ProjectPayload with ProjectSettingsDto)
        put("project.created", """
                {"id":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","name":"Research",\
                "description":null,"tags":["ai","notes"],"color":null,\
                "settings":{"autoSave":true,"syncEnabled":true,"notifications":false},"archived":false,\
                "createdAt":"2026-11-22T10:00:00.123Z","updatedAt":"2026-11-22T10:00:00.123Z"}""");
        put("project.updated", """
                {"id":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","name":"Research 2026",\
                "description":"Papers and notes","tags":[],"color":"#3B82F6",\
                "settings":{"autoSave":false,"syncEnabled":true,"notifications":true},"archived":false,\
                "createdAt":"2026-11-22T10:00:00.123Z","updatedAt":"2026-11-22T11:30:00Z"}""");
        put("project.archived", """
                {"id":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","name":"Research 2026",\
                "description":"Papers and notes","tags":["ai"],"color":"#3B82F6",\
                "settings":{"autoSave":false,"syncEnabled":true,"notifications":true},"archived":true,\
                "createdAt":"2026-11-22T10:00:00.123Z","updatedAt":"2026-11-23T08:00:00.001Z"}""");
        // ProjectService.deleteProject -> new ProjectDeletedPayload(p.id, p.userId)
        put("project.deleted", """
                {"id":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4"}""");
        // InstructionService / ChatActivityService -> InstructionMapper.toPayload(s) (InstructionPayload with InstructionsDto)
        put("instruction.created", """
                {"id":"inst_01JDA3J7S9U1W3Y5A7C9E1G3I5","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","name":"Tone",\
                "scope":"global","projectId":null,"chatId":null,"mode":"append",\
                "instructions":{"role":"You are a careful editor.","style":null,"constraints":["Be brief"],"examples":[]},\
                "createdAt":"2026-11-22T10:05:00Z","updatedAt":"2026-11-22T10:05:00Z"}""");
        put("instruction.updated", """
                {"id":"inst_01JDA3J7S9U1W3Y5A7C9E1G3I5","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","name":"Chat tone",\
                "scope":"chat","projectId":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8","chatId":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9",\
                "mode":"replace","instructions":{"role":null,"style":"Friendly","constraints":[],"examples":["Hi!","Sure."]},\
                "createdAt":"2026-11-22T10:05:00Z","updatedAt":"2026-11-22T12:00:00.250Z"}""");
        // InstructionMapper.toDeletedPayload(s)
        put("instruction.deleted", """
                {"id":"inst_01JDA3J7S9U1W3Y5A7C9E1G3I5","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","scope":"project",\
                "projectId":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8","chatId":null}""");

        // chat-service ChatEventPublisher.chatChanged -> ChatEventPayloads.ChatState
        put("chat.created", """
                {"id":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","projectId":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8",\
                "userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","name":"New chat","model":"gpt-4o-mini","archived":false,\
                "starred":false,"messageCount":0,"createdAt":"2026-11-22T10:10:00Z","updatedAt":"2026-11-22T10:10:00Z"}""");
        put("chat.updated", """
                {"id":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","projectId":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8",\
                "userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4","name":"React hooks","model":"gpt-4o-mini","archived":false,\
                "starred":true,"messageCount":2,"createdAt":"2026-11-22T10:10:00Z","updatedAt":"2026-11-22T10:11:02.417Z"}""");
        // ChatEventPublisher.chatDeleted -> ChatDeleted
        put("chat.deleted", """
                {"id":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","projectId":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8",\
                "userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4"}""");
        // ChatEventPublisher.messageCreated -> MessageCreated
        put("message.created", """
                {"chatId":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","projectId":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8",\
                "messageId":"msg_01JDA3M2P4R6T8V0X2Z4B6D8F0","role":"user","createdAt":"2026-11-22T10:11:00.500Z"}""");
        // ChunkPublisher.send <- AnswerStreamer: new MessageChunk(chatId, answerMessageId, text, index)
        put("message.chunk", """
                {"chatId":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","messageId":"msg_01JDA3M2P4R6T8V0X2Z4B6D8F1",\
                "content":"React hooks are...","index":0}""");
        // ChatEventPublisher.messageComplete -> MessageComplete with Usage
        put("message.complete", """
                {"chatId":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","messageId":"msg_01JDA3M2P4R6T8V0X2Z4B6D8F1",\
                "fullContent":"React hooks are functions that...",\
                "usage":{"promptTokens":15,"completionTokens":250,"totalTokens":265}}""");
        // ChatEventPublisher.messageError -> MessageError with ErrorBody
        put("message.error", """
                {"chatId":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","messageId":"msg_01JDA3M2P4R6T8V0X2Z4B6D8F1",\
                "error":{"code":"cancelled","message":"The answer was cancelled"}}""");
        // BatchService.finishBatch -> BatchComplete with BatchItemOutcome (error and messageId may be null)
        put("batch.complete", """
                {"chatId":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9","batchId":"batch_01JDA3N3Q5S7U9W1Y3A5C7E9G1",\
                "mode":"sequential","items":[{"index":0,"messageId":"msg_01JDA3M2P4R6T8V0X2Z4B6D8F3","status":"complete",\
                "error":null},{"index":1,"messageId":"msg_01JDA3M2P4R6T8V0X2Z4B6D8F5","status":"error",\
                "error":{"code":"timeout","message":"The answer took longer than 60000 ms"}},{"index":2,"messageId":null,\
                "status":"skipped","error":{"code":"skipped","message":"an earlier prompt failed and continueOnError is false"}}]}""");

        // image-service GenerationService.requested(g) (also LeaseSweeper)
        put("image.requested", """
                {"generationId":"img_gen_01JDA3P4R6T8V0X2Z4B6D8F0H2","userId":"user_01JDA3G5V1Q8X2N4M6P8R0T2W4",\
                "prompt":"A lighthouse at dawn","chatId":null,"projectId":null,\
                "options":{"model":"dall-e-3","size":"1024x1024","quality":"standard","style":"vivid","n":1}}""");
        // ProgressPublisher.publish <- ImageJobProcessor.report: new Progress(g.id, value, status)
        put("image.progress", """
                {"generationId":"img_gen_01JDA3P4R6T8V0X2Z4B6D8F0H2","progress":45,"status":"generating"}""");
        // ImageJobProcessor -> Complete with CompletedImage (ImageMapper.completed)
        put("image.complete", """
                {"generationId":"img_gen_01JDA3P4R6T8V0X2Z4B6D8F0H2","chatId":"chat_01JDA3K1M3O5Q7S9U1W3Y5A7C9",\
                "projectId":"proj_01JDA3H0K2B4D6F8H0J2L4N6Q8","prompt":"A lighthouse at dawn",\
                "images":[{"id":"img_01JDA3P4R6f3a9c2d1e0","url":"http://localhost:9000/companion-images/generations/x.png?X-Amz-Signature=abc",\
                "thumbnailUrl":"http://localhost:9000/companion-images/generations/x_thumb.png?X-Amz-Signature=def",\
                "size":"1024x1024","format":"png","createdAt":"2026-11-22T10:12:30.042Z","width":1024,"height":1024,\
                "bytes":1482113,"checksum":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",\
                "storageKey":"users/user_01JDA3G5V1Q8X2N4M6P8R0T2W4/generations/img_gen_01JDA3P4R6T8V0X2Z4B6D8F0H2/a1/img_01JDA3P4R6f3a9c2d1e0.png"}]}""");
        // GenerationService.cancel / ImageJobProcessor / LeaseSweeper -> Failed with Error
        put("image.failed", """
                {"generationId":"img_gen_01JDA3P4R6T8V0X2Z4B6D8F0H2","error":{"code":"WORKER_LOST","message":"The job lost its worker 3 times"}}""");
        // ImageLibraryService -> Deleted
        put("image.deleted", """
                {"imageIds":["img_01JDA3P4R6f3a9c2d1e0"],"generationId":"img_gen_01JDA3P4R6T8V0X2Z4B6D8F0H2",\
                "chatId":null,"projectId":null}""");

        // download-service DownloadService.finishInBackground -> DownloadReady (zip: files null)
        put("download.ready", """
                {"downloadId":"dl_01JDA3Q5S7U9W1Y3A5C7E9G1I3","type":"bulk",\
                "downloadUrl":"http://localhost:9000/companion-downloads/bulk/dl_x.zip?X-Amz-Signature=abc",\
                "expiresAt":"2026-11-22T11:15:00Z","fileCount":2,"totalSize":2964226,"format":"png","files":null}""");
        // DownloadService.fail -> DownloadFailed with ErrorInfo
        put("download.failed", """
                {"downloadId":"dl_01JDA3Q5S7U9W1Y3A5C7E9G1I3","error":{"code":"SERVER_ERROR","message":"The bundle could not be built"}}""");
    }

    /** Other shapes producers write for a type, beside the main sample. */
    static final Map<String, String> VARIANTS = new LinkedHashMap<>();

    static {
        // a bundle without a zip: downloadUrl null, files set
        VARIANTS.put("download.ready", """
                {"downloadId":"dl_01JDA3Q5S7U9W1Y3A5C7E9G1I4","type":"bulk","downloadUrl":null,\
                "expiresAt":"2026-11-22T11:15:00Z","fileCount":1,"totalSize":1482113,"format":"jpg",\
                "files":[{"imageId":"img_01JDA3P4R6f3a9c2d1e0","fileName":"Research/A lighthouse at dawn.jpg",\
                "downloadUrl":"http://localhost:9000/companion-downloads/f.jpg?X-Amz-Signature=abc","size":1482113}]}""");
    }

    private static void put(String type, String json) {
        BY_TYPE.put(type, json);
    }
}
