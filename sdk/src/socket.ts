import type { CompanionAuth } from './auth.js';
import { CompanionError } from './errors.js';
import type {
  EventMap, MessageChunkEvent, MessageCompleteEvent, MessageErrorEvent, ServerEvent, SocketState,
} from './events.js';
import type { Message, StreamStatus } from './types.js';

/** The minimal WebSocket the socket needs (the browser's, Node 22's, or the `ws` package's). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

/** What the socket reads over HTTP to resume a stream. */
export interface ResumeSource {
  streamStatus(chatId: string): Promise<StreamStatus>;
  message(chatId: string, messageId: string): Promise<Message>;
}

export interface SocketOptions {
  /** ws(s)://…/v1/ws; default from the gateway URL. */
  url: string;
  auth: CompanionAuth;
  resume: ResumeSource;
  WebSocket?: WebSocketFactory;
  /** First reconnect delay (default 500 ms), doubled per failed attempt up to maxBackoffMs (default 15 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** No frame from the server for this long (default 75 s, three missed pings): reconnect. */
  idleTimeoutMs?: number;
  /**
   * An answer that is still expected but silent this long (default 5 s) is looked up in stream-status: a
   * gateway that just started may not yet receive the events a socket missed, its completion included.
   */
  stallMs?: number;
  /** Refresh the token this long before it expires, so the gateway never closes the socket for it (default 60 s). */
  refreshBeforeExpiryMs?: number;
  random?: () => number;
}

interface Track {
  chatId: string;
  messageId: string;
  /** Index of the next chunk to deliver. */
  nextIndex: number;
  /** Text delivered so far. */
  text: string;
  /** Chunks that arrived after a gap, by index. */
  pending: Map<number, MessageChunkEvent>;
  resuming: Promise<void> | undefined;
  retries: number;
  /** When this answer last moved (a chunk delivered, or a resume). */
  lastEventAt: number;
}

type Listener = (event: never) => void;

const FINISHED_MEMORY = 500;

/**
 * The gateway's event socket: auth message, connection.ready, pings, typed callbacks, reconnect with
 * back-off, re-auth when the token is refreshed, and resume: every answer it has seen (or was told to
 * expect) is delivered exactly once and in order, its gaps filled from stream-status or the stored message.
 */
export class CompanionSocket {
  private readonly options: SocketOptions;
  private readonly WebSocketCtor: WebSocketFactory;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly tracks = new Map<string, Track>();
  private readonly finished: string[] = [];
  private ws: WebSocketLike | undefined;
  private stateValue: SocketState = 'idle';
  private attempt = 0;
  private everReady = false;
  private lastFrameAt = 0;
  private lastError: { code: string; message: string } | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readyWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private unsubscribeTokens: (() => void) | undefined;
  private sessionIdValue: string | undefined;
  /** How many times the socket has (re)connected and authenticated. */
  connections = 0;

  constructor(options: SocketOptions) {
    this.options = options;
    const ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
    if (!ctor) {
      throw new Error('No WebSocket implementation: pass options.WebSocket');
    }
    this.WebSocketCtor = ctor;
  }

  get state(): SocketState {
    return this.stateValue;
  }

  get sessionId(): string | undefined {
    return this.sessionIdValue;
  }

  /** Subscribes to one event type ('*' for all); returns the unsubscribe function. */
  on<K extends keyof EventMap>(type: K, listener: (event: EventMap[K]) => void): () => void;
  on(type: string, listener: (event: ServerEvent) => void): () => void;
  on(type: string, listener: Listener): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    return () => set!.delete(listener);
  }

  /** Opens the socket (if not open) and resolves once the gateway answered connection.ready. */
  connect(): Promise<void> {
    if (this.stateValue === 'ready') {
      return Promise.resolve();
    }
    const waiting = new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
    if (this.stateValue === 'idle' || this.stateValue === 'closed') {
      this.unsubscribeTokens ??= this.options.auth.onTokens((tokens) => this.tokensChanged(tokens === undefined));
      this.watchdog ??= setInterval(() => this.checkIdle(), Math.min(1000, this.idleTimeoutMs() / 3, this.stallMs()));
      this.open();
    }
    return waiting;
  }

  /** Closes for good (no reconnect). */
  close(): void {
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.refreshTimer);
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.unsubscribeTokens?.();
    this.unsubscribeTokens = undefined;
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, 'client closed');
    this.rejectWaiters(new CompanionError({ code: 'ABORTED', message: 'The socket was closed' }));
  }

  /**
   * Tells the socket an answer is coming (sendPrompt does this with the send's answerId), so that it is
   * delivered whole even if its first chunks or its completion are missed.
   */
  expect(chatId: string, messageId: string): void {
    if (!this.tracks.has(messageId) && !this.finished.includes(messageId)) {
      this.tracks.set(messageId, this.newTrack(chatId, messageId));
    }
  }

  /** Whether the socket still waits for the end of this answer. */
  isStreaming(messageId: string): boolean {
    return this.tracks.has(messageId);
  }

  // ------------------------------------------------------------------ connection

  private idleTimeoutMs(): number {
    return this.options.idleTimeoutMs ?? 75_000;
  }

  private open(): void {
    this.setState(this.everReady ? 'reconnecting' : 'connecting');
    this.lastError = undefined;
    let ws: WebSocketLike;
    try {
      ws = new this.WebSocketCtor(this.options.url);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.lastFrameAt = Date.now();
    ws.onopen = () => {
      if (this.ws !== ws) {
        return;
      }
      this.options.auth.accessToken().then(
        (token) => {
          if (this.ws === ws) {
            ws.send(JSON.stringify({ type: 'auth', token }));
          }
        },
        (e) => this.fail(e),
      );
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) {
        return;
      }
      this.lastFrameAt = Date.now();
      let event: ServerEvent;
      try {
        event = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      this.receive(event);
    };
    ws.onerror = () => {
      // onclose follows and decides
    };
    ws.onclose = () => {
      if (this.ws !== ws) {
        return;
      }
      this.ws = undefined;
      clearTimeout(this.refreshTimer);
      if (this.stateValue === 'closed') {
        return;
      }
      if (this.lastError?.code === 'UNAUTHORIZED') {
        // expired or revoked token: one refresh, then reconnect with the new token
        this.options.auth.refresh().then(() => this.scheduleReconnect(), (e) => {
          // refused (the session is over): stop; not reachable: try again later
          if (e instanceof CompanionError && e.status >= 400 && e.status < 500) {
            this.fail(e);
          } else {
            this.scheduleReconnect();
          }
        });
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stateValue === 'closed') {
      return;
    }
    this.setState('reconnecting');
    const initial = this.options.initialBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 15_000;
    const base = Math.min(max, initial * 2 ** this.attempt);
    const delay = base / 2 + (this.options.random ?? Math.random)() * (base / 2);
    this.attempt++;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private fail(e: unknown): void {
    this.close();
    this.emit({ type: 'error', error: { code: e instanceof CompanionError ? e.code : 'UNAUTHORIZED', message: String((e as Error)?.message ?? e) } });
  }

  private stallMs(): number {
    return this.options.stallMs ?? 5000;
  }

  private checkIdle(): void {
    if (this.stateValue === 'ready') {
      const now = Date.now();
      for (const track of this.tracks.values()) {
        if (!track.resuming && now - track.lastEventAt > this.stallMs()) {
          track.lastEventAt = now;
          this.resume(track);
        }
      }
    }
    if (this.ws && this.stateValue === 'ready' && Date.now() - this.lastFrameAt > this.idleTimeoutMs()) {
      const ws = this.ws;
      this.ws = undefined;
      ws.close(4000, 'no frame from the server');
      this.scheduleReconnect();
    }
  }

  /** A refreshed token: reconnect with it (the gateway binds a socket to one token); logout: close. */
  private tokensChanged(loggedOut: boolean): void {
    if (loggedOut) {
      this.close();
      return;
    }
    if (this.ws && this.stateValue === 'ready') {
      const ws = this.ws;
      this.ws = undefined;
      ws.close(1000, 'token refreshed');
      this.attempt = 0;
      this.open();
    }
  }

  private async scheduleRefresh(): Promise<void> {
    clearTimeout(this.refreshTimer);
    const tokens = await this.options.auth.tokens();
    if (!tokens?.refreshToken) {
      return;
    }
    const ms = tokens.expiresAt - (this.options.refreshBeforeExpiryMs ?? 60_000) - Date.now();
    this.refreshTimer = setTimeout(() => {
      this.options.auth.refresh().catch(() => undefined);
    }, Math.max(1000, Math.min(ms, 2_000_000_000)));
  }

  private setState(state: SocketState): void {
    if (this.stateValue !== state) {
      this.stateValue = state;
      this.dispatch('state', { type: 'state', state });
    }
  }

  private rejectWaiters(e: unknown): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    waiters.forEach((w) => w.reject(e));
  }

  // ------------------------------------------------------------------ events

  private receive(event: ServerEvent): void {
    switch (event.type) {
      case 'connection.ready': {
        const reconnect = this.everReady;
        this.everReady = true;
        this.attempt = 0;
        this.connections++;
        this.sessionIdValue = (event as { sessionId: string }).sessionId;
        this.setState('ready');
        this.scheduleRefresh();
        const waiters = this.readyWaiters;
        this.readyWaiters = [];
        waiters.forEach((w) => w.resolve());
        this.emit(event);
        if (reconnect) {
          // what streamed while no socket was open comes from stream-status
          for (const track of this.tracks.values()) {
            this.resume(track);
          }
        }
        return;
      }
      case 'error':
        this.lastError = (event as { error: { code: string; message: string } }).error;
        this.emit(event);
        return;
      case 'message.chunk':
        this.chunk(event as MessageChunkEvent);
        return;
      case 'message.complete':
        this.complete(event as MessageCompleteEvent);
        return;
      case 'message.error':
        this.messageError(event as MessageErrorEvent);
        return;
      default:
        this.emit(event);
    }
  }

  private emit(event: ServerEvent): void {
    this.dispatch(event.type, event);
    this.dispatch('*', event);
  }

  private dispatch(type: string, event: unknown): void {
    const set = this.listeners.get(type);
    if (set) {
      for (const l of [...set]) {
        try {
          (l as (e: unknown) => void)(event);
        } catch (e) {
          setTimeout(() => {
            throw e;
          });
        }
      }
    }
  }

  // ------------------------------------------------------------------ streams and resume

  private newTrack(chatId: string, messageId: string): Track {
    return { chatId, messageId, nextIndex: 0, text: '', pending: new Map(), resuming: undefined, retries: 0, lastEventAt: Date.now() };
  }

  private chunk(event: MessageChunkEvent): void {
    if (this.finished.includes(event.messageId)) {
      return;
    }
    let track = this.tracks.get(event.messageId);
    if (!track) {
      track = this.newTrack(event.chatId, event.messageId);
      this.tracks.set(event.messageId, track);
    }
    if (event.index < track.nextIndex) {
      return;   // seen already (a second socket, or a resumed part)
    }
    if (event.index === track.nextIndex && !track.resuming) {
      this.deliverChunk(track, event);
      this.flushPending(track);
      return;
    }
    track.pending.set(event.index, event);
    if (!track.resuming) {
      this.resume(track);
    }
  }

  private deliverChunk(track: Track, event: MessageChunkEvent): void {
    track.nextIndex = event.index + 1;
    track.text += event.content;
    track.lastEventAt = Date.now();
    this.emit(event);
  }

  private flushPending(track: Track): void {
    for (const index of [...track.pending.keys()].sort((a, b) => a - b)) {
      if (index < track.nextIndex) {
        track.pending.delete(index);
      } else if (index === track.nextIndex) {
        const next = track.pending.get(index)!;
        track.pending.delete(index);
        this.deliverChunk(track, next);
      } else {
        break;
      }
    }
  }

  /** Delivers `full` minus what was delivered, as one chunk at `index`. */
  private deliverMissing(track: Track, full: string, index: number): void {
    if (full.length > track.text.length && full.startsWith(track.text)) {
      this.deliverChunk(track, {
        type: 'message.chunk', chatId: track.chatId, messageId: track.messageId,
        content: full.slice(track.text.length), index: Math.max(index, track.nextIndex), resumed: true,
      });
    }
  }

  private resume(track: Track): void {
    if (track.resuming) {
      return;
    }
    track.resuming = this.resumeOnce(track)
      .then(
        () => {
          track.retries = 0;
        },
        () => {
          track.retries++;
        },
      )
      .finally(() => {
        track.resuming = undefined;
        track.lastEventAt = Date.now();
        if (!this.tracks.has(track.messageId)) {
          return;
        }
        this.flushPending(track);
        if (track.pending.size > 0 || track.retries > 0) {
          // still a gap (or the gateway did not answer): look again shortly while the socket is up
          if (track.retries < 20 && this.stateValue !== 'closed') {
            setTimeout(() => this.resume(track), Math.min(5000, 250 * 2 ** Math.min(track.retries, 4)));
          }
        }
      });
  }

  private async resumeOnce(track: Track): Promise<void> {
    const status = await this.options.resume.streamStatus(track.chatId);
    if (!this.tracks.has(track.messageId)) {
      return;
    }
    if (status.streaming && status.messageId === track.messageId) {
      const lastIndex = status.lastIndex ?? -1;
      this.deliverMissing(track, status.content ?? '', lastIndex);
      if (lastIndex + 1 > track.nextIndex) {
        track.nextIndex = lastIndex + 1;
      }
      return;
    }
    // no longer streaming: the stored message has the whole answer
    const message = await this.options.resume.message(track.chatId, track.messageId);
    if (!this.tracks.has(track.messageId)) {
      return;
    }
    if (message.status === 'streaming' || message.status === 'sending') {
      throw new Error('still starting');   // not live here yet: look again
    }
    if (message.status === 'error' || message.status === 'cancelled') {
      this.messageError({
        type: 'message.error', chatId: track.chatId, messageId: track.messageId,
        error: message.error ?? { code: message.status, message: `The answer ended ${message.status}` }, resumed: true,
      });
      return;
    }
    this.complete({
      type: 'message.complete', chatId: track.chatId, messageId: track.messageId,
      fullContent: message.content ?? '', usage: message.usage, resumed: true,
    });
  }

  private finish(messageId: string): void {
    this.tracks.delete(messageId);
    this.finished.push(messageId);
    if (this.finished.length > FINISHED_MEMORY) {
      this.finished.shift();
    }
  }

  private complete(event: MessageCompleteEvent): void {
    if (this.finished.includes(event.messageId)) {
      return;
    }
    const track = this.tracks.get(event.messageId);
    if (track) {
      this.flushPending(track);
      this.deliverMissing(track, event.fullContent, track.nextIndex);
    }
    this.finish(event.messageId);
    this.emit(event);
  }

  private messageError(event: MessageErrorEvent): void {
    if (event.messageId && this.finished.includes(event.messageId)) {
      return;
    }
    if (event.messageId) {
      this.finish(event.messageId);
    }
    this.emit(event);
  }
}
