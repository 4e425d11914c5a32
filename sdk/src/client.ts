import { CompanionAuth, type AuthOptions } from './auth.js';
import { CompanionError } from './errors.js';
import type {
  DownloadFailedEvent, DownloadReadyEvent, ImageCompleteEvent, ImageFailedEvent, ImageProgressEvent,
  MessageChunkEvent, MessageCompleteEvent, MessageErrorEvent, ServerEvent,
} from './events.js';
import { Transport, type RateLimitInfo } from './http.js';
import { CompanionSocket, type SocketOptions, type WebSocketFactory } from './socket.js';
import type {
  AnalyzeInput, Analysis, Batch, BatchInput, BulkDownloadInput, Chat, ChatInput, ChatQuery, Download,
  DownloadHistoryItem, DownloadInput, EffectiveInstructions, Generation, Image, ImageOptions, ImageQuery,
  InstructionQuery, InstructionSet, InstructionSetInput, ListQuery, Message, Pagination, Profile, Project,
  ProjectInput, ProjectQuery, SendMessageInput, StreamStatus, ConversationList, ConversationQuery, Share, Suggestions,
  Memory, MemoryInput, MemoryList, Template, TemplateInput,
} from './types.js';

export interface ClientOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 (no /v1). */
  baseUrl: string;
  /** An auth object, or its options (storage, clientId, redirectUri…). */
  auth?: CompanionAuth | Omit<AuthOptions, 'baseUrl'>;
  fetch?: typeof fetch;
  WebSocket?: WebSocketFactory;
  /** Socket tuning (back-off, idle timeout). */
  socket?: Partial<Omit<SocketOptions, 'url' | 'auth' | 'resume' | 'WebSocket'>>;
  maxRateLimitRetries?: number;
  maxRetryAfterSeconds?: number;
}

const enc = encodeURIComponent;

/** What sendPrompt yields: every chunk once and in order, then the complete message. */
export type PromptEvent = MessageChunkEvent | MessageCompleteEvent;

export interface SendPromptOptions extends Partial<Omit<SendMessageInput, 'content'>> {
  /** `socket` (needs client.socket connected), `sse`, or `auto` (socket when ready, else SSE). */
  via?: 'auto' | 'socket' | 'sse';
  signal?: AbortSignal;
  /** Called with the answer's message id as soon as it is known. */
  onAnswerId?: (messageId: string) => void;
}

/** Typed access to every route of the gateway, the event socket, and streaming helpers. */
export class CompanionClient {
  readonly auth: CompanionAuth;
  readonly http: Transport;
  private readonly options: ClientOptions;
  private socketValue: CompanionSocket | undefined;

  constructor(options: ClientOptions) {
    this.options = options;
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.auth = options.auth instanceof CompanionAuth
      ? options.auth
      : new CompanionAuth({ ...(options.auth ?? {}), baseUrl, fetch: options.fetch });
    this.http = new Transport({
      baseUrl, auth: this.auth, fetch: options.fetch,
      maxRateLimitRetries: options.maxRateLimitRetries, maxRetryAfterSeconds: options.maxRetryAfterSeconds,
    });
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** The X-RateLimit-* values of the last answer. */
  get rateLimit(): RateLimitInfo | undefined {
    return this.http.rateLimit;
  }

  onRateLimit(listener: (info: RateLimitInfo, path: string) => void): () => void {
    return this.http.onRateLimit(listener);
  }

  /** The event socket (created on first use; call connect()). */
  get socket(): CompanionSocket {
    if (!this.socketValue) {
      this.socketValue = new CompanionSocket({
        ...this.options.socket,
        url: `${this.baseUrl.replace(/^http/, 'ws')}/v1/ws`,
        auth: this.auth,
        WebSocket: this.options.WebSocket,
        resume: {
          streamStatus: (chatId) => this.chats.streamStatus(chatId),
          message: (chatId, messageId) => this.messages.get(chatId, messageId),
        },
      });
    }
    return this.socketValue;
  }

  private get<T>(path: string, query?: Record<string, unknown>): Promise<T> {
    return this.http.request<T>('GET', path, { query: query as never });
  }

  private post<T>(path: string, body?: unknown): Promise<T> {
    return this.http.request<T>('POST', path, { body: body ?? {} });
  }

  private put<T>(path: string, body: unknown): Promise<T> {
    return this.http.request<T>('PUT', path, { body });
  }

  private patch<T>(path: string, body: unknown): Promise<T> {
    return this.http.request<T>('PATCH', path, { body });
  }

  private del<T>(path: string): Promise<T> {
    return this.http.request<T>('DELETE', path);
  }

  readonly profile = {
    get: () => this.get<Profile>('/v1/user/profile'),
    update: (input: { name: string }) => this.patch<Profile>('/v1/user/profile', input),
  };

  readonly projects = {
    create: (input: ProjectInput & { name: string }) => this.post<Project>('/v1/projects', input),
    list: (query: ProjectQuery = {}) => this.get<{ projects: Project[]; pagination: Pagination }>('/v1/projects', query as never),
    get: (projectId: string) => this.get<Project>(`/v1/projects/${enc(projectId)}`),
    update: (projectId: string, input: ProjectInput) => this.put<Project>(`/v1/projects/${enc(projectId)}`, input),
    patch: (projectId: string, input: ProjectInput) => this.patch<Project>(`/v1/projects/${enc(projectId)}`, input),
    delete: (projectId: string) => this.del<unknown>(`/v1/projects/${enc(projectId)}`),
  };

  readonly instructions = {
    create: (input: InstructionSetInput & { name: string; scope: string }) => this.post<InstructionSet>('/v1/instructions', input),
    list: (query: InstructionQuery = {}) =>
      this.get<{ instructions: InstructionSet[]; pagination: Pagination }>('/v1/instructions', query as never),
    get: (id: string) => this.get<InstructionSet>(`/v1/instructions/${enc(id)}`),
    update: (id: string, input: InstructionSetInput) => this.put<InstructionSet>(`/v1/instructions/${enc(id)}`, input),
    patch: (id: string, input: InstructionSetInput) => this.patch<InstructionSet>(`/v1/instructions/${enc(id)}`, input),
    delete: (id: string) => this.del<unknown>(`/v1/instructions/${enc(id)}`),
    /** What applies in a chat (or a project, or globally): the resolved system prompt and its sources. */
    effective: (where: { chatId?: string; projectId?: string } = {}) =>
      this.get<EffectiveInstructions>('/v1/instructions/effective', where),
  };

  readonly chats = {
    create: (projectId: string, input: ChatInput & { name: string }) => this.post<Chat>(`/v1/projects/${enc(projectId)}/chats`, input),
    list: (projectId: string, query: ChatQuery = {}) =>
      this.get<{ chats: Chat[]; pagination: Pagination }>(`/v1/projects/${enc(projectId)}/chats`, query as never),
    get: (chatId: string) => this.get<Chat>(`/v1/chats/${enc(chatId)}`),
    update: (chatId: string, input: ChatInput) => this.put<Chat>(`/v1/chats/${enc(chatId)}`, input),
    delete: (chatId: string) => this.del<unknown>(`/v1/chats/${enc(chatId)}`),
    streamStatus: (chatId: string) => this.get<StreamStatus>(`/v1/chats/${enc(chatId)}/stream-status`),
    /** All conversations across projects (seed 001 sidebar): filters, full-text search, newest activity first. */
    conversations: (query: ConversationQuery = {}) => this.get<ConversationList>('/v1/chats', query as never),
    /** Partial update (archive, star, rename): only the fields sent change. */
    patch: (chatId: string, input: ChatInput) => this.patch<Chat>(`/v1/chats/${enc(chatId)}`, input),
    suggestions: (chatId: string, numSuggestions = 3) =>
      this.post<Suggestions>(`/v1/chats/${enc(chatId)}/suggestions`, { numSuggestions }),
  };

  readonly messages = {
    list: (chatId: string, query: ListQuery = {}) =>
      this.get<{ messages: Message[]; pagination: Pagination }>(`/v1/chats/${enc(chatId)}/messages`, query as never),
    /** Sends a prompt; the answer streams on the socket (its id is `answerId`). */
    send: (chatId: string, input: SendMessageInput) => this.post<Message>(`/v1/chats/${enc(chatId)}/messages`, input),
    /** Seed 003's sendMessage promise: the finished assistant message (bounded wait on the server). */
    sendAndWait: (chatId: string, input: SendMessageInput) => this.post<Message>(`/v1/chats/${enc(chatId)}/messages?wait=true`, input),
    get: (chatId: string, messageId: string) => this.get<Message>(`/v1/chats/${enc(chatId)}/messages/${enc(messageId)}`),
    cancel: (chatId: string, messageId: string) => this.post<Message>(`/v1/chats/${enc(chatId)}/messages/${enc(messageId)}/cancel`),
    regenerate: (chatId: string, messageId: string) =>
      this.post<Message>(`/v1/chats/${enc(chatId)}/messages/${enc(messageId)}/regenerate`),
    batch: (chatId: string, input: BatchInput) => this.post<Batch>(`/v1/chats/${enc(chatId)}/messages/batch`, input),
    batchStatus: (chatId: string, batchId: string) => this.get<Batch>(`/v1/chats/${enc(chatId)}/messages/batch/${enc(batchId)}`),
  };

  /** Share links: an immutable snapshot of a chat's current branch, readable without a token. */
  readonly shares = {
    create: (chatId: string, input: { title?: string } = {}) => this.post<Share>(`/v1/chats/${enc(chatId)}/share`, input),
    list: (query: ListQuery = {}) => this.get<{ shares: Share[]; pagination: Pagination }>('/v1/shares', query as never),
    read: (shareId: string) => this.get<Share>(`/v1/share/${enc(shareId)}`),
    revoke: (chatId: string, shareId: string) => this.del<{ shareId: string }>(`/v1/chats/${enc(chatId)}/share/${enc(shareId)}`),
  };

  /** Memories (seed 001): facts the model is told in every chat; `settings`/`setEnabled` is the global switch. */
  readonly memories = {
    list: () => this.get<MemoryList>('/v1/memories'),
    create: (input: MemoryInput & { content: string }) => this.post<Memory>('/v1/memories', input),
    get: (memoryId: string) => this.get<Memory>(`/v1/memories/${enc(memoryId)}`),
    /** Partial update: `{enabled: false}` switches one memory off, `content` rewrites it. */
    update: (memoryId: string, input: MemoryInput) => this.patch<Memory>(`/v1/memories/${enc(memoryId)}`, input),
    delete: (memoryId: string) => this.del<{ id: string }>(`/v1/memories/${enc(memoryId)}`),
    /** Forgets everything: `{deleted: n}`. */
    deleteAll: () => this.del<{ deleted: number }>('/v1/memories'),
    settings: () => this.get<{ enabled: boolean }>('/v1/memories/settings'),
    setEnabled: (enabled: boolean) => this.put<{ enabled: boolean }>('/v1/memories/settings', { enabled }),
  };

  /**
   * Prompt templates: a body with `{{variable}}` slots; send with
   * `messages.send(chatId, {content, metadata: {template: idOrName, variables}})`.
   */
  readonly templates = {
    list: (query: ListQuery = {}) => this.get<{ templates: Template[]; pagination: Pagination }>('/v1/templates', query as never),
    create: (input: TemplateInput & { name: string; body: string }) => this.post<Template>('/v1/templates', input),
    get: (templateId: string) => this.get<Template>(`/v1/templates/${enc(templateId)}`),
    /** Only the fields sent change. */
    update: (templateId: string, input: TemplateInput) => this.put<Template>(`/v1/templates/${enc(templateId)}`, input),
    delete: (templateId: string) => this.del<{ id: string }>(`/v1/templates/${enc(templateId)}`),
  };

  readonly images = {
    generate: (input: { prompt: string; chatId?: string; options?: ImageOptions }) => this.post<Generation>('/v1/images/generate', input),
    status: (generationId: string) => this.get<Generation>(`/v1/images/generate/${enc(generationId)}`),
    cancel: (generationId: string) => this.del<Generation>(`/v1/images/generate/${enc(generationId)}`),
    list: (query: ImageQuery = {}) => this.get<{ images: Image[]; pagination: Pagination }>('/v1/images', query as never),
    get: (imageId: string) => this.get<Image>(`/v1/images/${enc(imageId)}`),
    delete: (imageId: string) => this.del<unknown>(`/v1/images/${enc(imageId)}`),
    analyze: (input: AnalyzeInput) => {
      const form = new FormData();
      if (input.image) {
        form.append('image', input.image, input.fileName ?? 'image.png');
      }
      if (input.imageId) {
        form.append('imageId', input.imageId);
      }
      if (input.question) {
        form.append('question', input.question);
      }
      if (input.chatId) {
        form.append('chatId', input.chatId);
      }
      if (input.options) {
        form.append('options', JSON.stringify(input.options));
      }
      return this.http.request<Analysis>('POST', '/v1/images/analyze', { form });
    },
    /**
     * Waits for a generation to finish: image.progress / image.complete on the socket when it is open,
     * and the status route as the backstop (every `pollMs`, default 2 s). Throws on failed/cancelled.
     */
    waitFor: (generationId: string, opts: { onProgress?: (progress: number, status: string) => void; pollMs?: number; timeoutMs?: number; signal?: AbortSignal } = {}) =>
      this.waitForGeneration(generationId, opts),
  };

  readonly downloads = {
    single: (imageId: string, input: DownloadInput = {}) => this.post<Download>(`/v1/images/${enc(imageId)}/download`, input),
    bulk: (input: BulkDownloadInput) => this.post<Download>('/v1/images/download/bulk', input),
    status: (downloadId: string) => this.get<Download>(`/v1/downloads/${enc(downloadId)}`),
    history: (query: ListQuery = {}) =>
      this.get<{ downloads: DownloadHistoryItem[]; pagination: Pagination }>('/v1/downloads/history', query as never),
    /** A bundle made in the background: download.ready on the socket, or the status route (backstop). */
    waitFor: (downloadId: string, opts: { pollMs?: number; timeoutMs?: number } = {}) => this.waitForDownload(downloadId, opts),
  };

  /**
   * Sends a prompt and yields its answer: every chunk exactly once and in order (across reconnects,
   * through stream-status), then the `message.complete` event. Over the socket when it is connected,
   * else over SSE. A `message.error` is thrown as CompanionError.
   */
  async *sendPrompt(chatId: string, content: string, options: SendPromptOptions = {}): AsyncGenerator<PromptEvent, void, undefined> {
    const { via = 'auto', signal, onAnswerId, ...rest } = options;
    const useSocket = via === 'socket' || (via === 'auto' && this.socketValue?.state === 'ready');
    if (useSocket) {
      yield* this.answerOverSocket(chatId, async () => {
        const sent = await this.messages.send(chatId, { ...rest, content });
        if (!sent.answerId) {
          throw new CompanionError({ code: 'SERVER_ERROR', message: 'The send answer has no answerId' });
        }
        return sent.answerId;
      }, signal, onAnswerId);
    } else {
      yield* this.promptOverSse(chatId, { ...rest, content }, signal, onAnswerId);
    }
  }

  /**
   * A new answer to the prompt of `messageId` (a sibling branch), streamed like sendPrompt: every chunk
   * once and in order, then `message.complete`. Over the socket (connected first if needed).
   */
  async *regenerate(chatId: string, messageId: string, options: { signal?: AbortSignal; onAnswerId?: (id: string) => void } = {}): AsyncGenerator<PromptEvent, void, undefined> {
    yield* this.answerOverSocket(chatId, async () => (await this.messages.regenerate(chatId, messageId)).id, options.signal, options.onAnswerId);
  }

  private async *answerOverSocket(chatId: string, start: () => Promise<string>, signal: AbortSignal | undefined,
    onAnswerId: ((id: string) => void) | undefined): AsyncGenerator<PromptEvent, void, undefined> {
    const socket = this.socket;
    const queue = new EventQueue<ServerEvent>();
    let answerId: string | undefined;
    const early: ServerEvent[] = [];
    const off = socket.on('*', (event) => {
      const e = event as { chatId?: string; messageId?: string };
      if (e.chatId !== chatId || !event.type.startsWith('message.')) {
        return;
      }
      if (answerId === undefined) {
        early.push(event);
      } else if (e.messageId === answerId || (event.type === 'message.error' && !e.messageId)) {
        queue.push(event);
      }
    });
    const abort = () => queue.fail(new CompanionError({ code: 'ABORTED', message: 'Aborted' }));
    signal?.addEventListener('abort', abort);
    try {
      await socket.connect();
      answerId = await start();
      onAnswerId?.(answerId);
      socket.expect(chatId, answerId);
      early.filter((e) => (e as { messageId?: string }).messageId === answerId).forEach((e) => queue.push(e));
      for (;;) {
        const event = await queue.next();
        if (event.type === 'message.chunk') {
          yield event as MessageChunkEvent;
        } else if (event.type === 'message.complete') {
          yield event as MessageCompleteEvent;
          return;
        } else if (event.type === 'message.error') {
          const err = (event as MessageErrorEvent).error;
          throw new CompanionError({ code: err?.code ?? 'SERVER_ERROR', message: err?.message ?? 'The answer failed', details: { messageId: answerId } });
        }
      }
    } finally {
      off();
      signal?.removeEventListener('abort', abort);
    }
  }

  private async *promptOverSse(chatId: string, input: SendMessageInput, signal: AbortSignal | undefined,
    onAnswerId: ((id: string) => void) | undefined): AsyncGenerator<PromptEvent, void, undefined> {
    const response = await this.http.send('POST', `/v1/chats/${enc(chatId)}/messages`, { body: input, signal }, 'text/event-stream');
    if (!response.ok || !response.body) {
      const { unwrap } = await import('./http.js');
      await unwrap(response);
      throw new CompanionError({ code: 'SERVER_ERROR', message: 'No event stream', status: response.status });
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let data: string[] = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          throw new CompanionError({ code: 'NETWORK_ERROR', message: 'The event stream ended before the answer did' });
        }
        buffer += value;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
            continue;
          }
          if (line !== '' || data.length === 0) {
            continue;
          }
          const payload = data.join('\n');
          data = [];
          if (payload === '[DONE]') {
            return;
          }
          let event: ServerEvent;
          try {
            event = JSON.parse(payload);
          } catch {
            continue;
          }
          if (event.type === 'message.created') {
            onAnswerId?.(String((event as unknown as { messageId: string }).messageId));
          } else if (event.type === 'message.chunk') {
            yield event as MessageChunkEvent;
          } else if (event.type === 'message.complete') {
            yield event as MessageCompleteEvent;
            return;
          } else if (event.type === 'message.error' || event.type === 'error') {
            const err = (event as MessageErrorEvent).error;
            throw new CompanionError({ code: err?.code ?? 'SERVER_ERROR', message: err?.message ?? 'The answer failed' });
          }
        }
      }
    } finally {
      reader.cancel().catch(() => undefined);
    }
  }

  private async waitForGeneration(generationId: string, opts: { onProgress?: (progress: number, status: string) => void; pollMs?: number; timeoutMs?: number; signal?: AbortSignal }): Promise<Image[]> {
    return new Promise<Image[]>((resolve, reject) => {
      let done = false;
      let lastProgress = -1;
      const offs: Array<() => void> = [];
      const finish = (error: unknown, images?: Image[]) => {
        if (done) {
          return;
        }
        done = true;
        offs.forEach((off) => off());
        clearInterval(poll);
        clearTimeout(timeout);
        if (error) {
          reject(error);
        } else {
          resolve(images ?? []);
        }
      };
      const progress = (p: number, status: string) => {
        if (p > lastProgress) {
          lastProgress = p;
          opts.onProgress?.(p, status);
        }
      };
      if (this.socketValue) {
        offs.push(this.socketValue.on('image.progress', (e: ImageProgressEvent) => {
          if (e.generationId === generationId) {
            progress(e.progress, e.status);
          }
        }));
        offs.push(this.socketValue.on('image.complete', (e: ImageCompleteEvent) => {
          if (e.generationId === generationId) {
            progress(100, 'completed');
            finish(undefined, e.images);
          }
        }));
        offs.push(this.socketValue.on('image.failed', (e: ImageFailedEvent) => {
          if (e.generationId === generationId) {
            finish(new CompanionError({ code: e.error?.code ?? 'SERVER_ERROR', message: e.error?.message ?? 'The generation failed' }));
          }
        }));
      }
      const check = async () => {
        try {
          const g = await this.images.status(generationId);
          if (g.status === 'completed') {
            progress(100, 'completed');
            finish(undefined, g.images);
          } else if (g.status === 'failed' || g.status === 'cancelled') {
            finish(new CompanionError({ code: g.error?.code ?? 'SERVER_ERROR', message: g.error?.message ?? `The generation ended ${g.status}` }));
          } else if (typeof g.progress === 'number') {
            progress(g.progress, g.status);
          }
        } catch (e) {
          if (e instanceof CompanionError && (e.status === 404 || e.status === 401)) {
            finish(e);
          }
        }
      };
      const poll = setInterval(check, opts.pollMs ?? 2000);
      const timeout = setTimeout(() => finish(new CompanionError({ code: 'GATEWAY_TIMEOUT', message: 'The generation did not finish in time' })),
        opts.timeoutMs ?? 300_000);
      opts.signal?.addEventListener('abort', () => finish(new CompanionError({ code: 'ABORTED', message: 'Aborted' })));
      check();
    });
  }

  private async waitForDownload(downloadId: string, opts: { pollMs?: number; timeoutMs?: number }): Promise<Download> {
    return new Promise<Download>((resolve, reject) => {
      let done = false;
      const offs: Array<() => void> = [];
      const finish = (error: unknown, d?: Download) => {
        if (done) {
          return;
        }
        done = true;
        offs.forEach((off) => off());
        clearInterval(poll);
        clearTimeout(timeout);
        if (error) {
          reject(error);
        } else {
          resolve(d!);
        }
      };
      const check = async () => {
        try {
          const d = await this.downloads.status(downloadId);
          if (d.status === 'ready') {
            finish(undefined, d);
          } else if (d.status === 'failed') {
            finish(new CompanionError({ code: d.error?.code ?? 'SERVER_ERROR', message: d.error?.message ?? 'The download failed' }));
          }
        } catch (e) {
          if (e instanceof CompanionError && (e.status === 404 || e.status === 401)) {
            finish(e);
          }
        }
      };
      if (this.socketValue) {
        offs.push(this.socketValue.on('download.ready', (e: DownloadReadyEvent) => {
          if (e.downloadId === downloadId) {
            check();
          }
        }));
        offs.push(this.socketValue.on('download.failed', (e: DownloadFailedEvent) => {
          if (e.downloadId === downloadId) {
            finish(new CompanionError({ code: e.error?.code ?? 'SERVER_ERROR', message: e.error?.message ?? 'The download failed' }));
          }
        }));
      }
      const poll = setInterval(check, opts.pollMs ?? 2000);
      const timeout = setTimeout(() => finish(new CompanionError({ code: 'GATEWAY_TIMEOUT', message: 'The download was not ready in time' })),
        opts.timeoutMs ?? 300_000);
      check();
    });
  }
}

/** An unbounded async queue of events with one consumer. */
class EventQueue<T> {
  private items: T[] = [];
  private waiter: { resolve: (v: T) => void; reject: (e: unknown) => void } | undefined;
  private error: unknown;

  push(item: T): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(item);
    } else {
      this.items.push(item);
    }
  }

  fail(error: unknown): void {
    this.error = error;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(error);
    }
  }

  next(): Promise<T> {
    if (this.items.length > 0) {
      return Promise.resolve(this.items.shift()!);
    }
    if (this.error) {
      return Promise.reject(this.error);
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }
}
