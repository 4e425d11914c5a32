import type { Image, Usage } from './types.js';

/** Events the gateway pushes on /v1/ws (the seed's shapes). */
export interface MessageChunkEvent {
  type: 'message.chunk';
  chatId: string;
  messageId: string;
  content: string;
  index: number;
  /** Set on a chunk the SDK rebuilt from stream-status (or the final message) after a gap. */
  resumed?: boolean;
}

export interface MessageCompleteEvent {
  type: 'message.complete';
  chatId: string;
  messageId: string;
  fullContent: string;
  usage?: Usage;
  resumed?: boolean;
}

export interface MessageErrorEvent {
  type: 'message.error';
  chatId: string;
  messageId?: string;
  error: { code: string; message: string };
  resumed?: boolean;
}

export interface ImageProgressEvent {
  type: 'image.progress';
  generationId: string;
  progress: number;
  status: string;
}

export interface ImageCompleteEvent {
  type: 'image.complete';
  generationId: string;
  images: Image[];
}

export interface ImageFailedEvent {
  type: 'image.failed';
  generationId: string;
  error?: { code: string; message: string };
}

export interface DownloadReadyEvent {
  type: 'download.ready';
  downloadId: string;
  downloadType?: 'single' | 'bulk';
  downloadUrl: string;
  expiresAt?: string;
  fileCount?: number;
  totalSize?: number;
}

export interface DownloadFailedEvent {
  type: 'download.failed';
  downloadId: string;
  error?: { code: string; message: string };
}

/** One quota of GET /v1/user/limits (seed 001's limits_progress); resetAt is null while no window is open. */
export interface UserLimit {
  feature: string;
  remaining: number;
  total: number;
  resetAt: string | null;
}

export interface ConnectionReadyEvent {
  type: 'connection.ready';
  sessionId: string;
  expiresAt?: string;
  /** The quotas at connect time (absent when the gateway's rate-limit store could not be read). */
  limits?: UserLimit[];
}

/** A quota moved by more than 10 % of its total: the whole array again. */
export interface LimitsUpdatedEvent {
  type: 'limits.updated';
  limits: UserLimit[];
}

export interface PingEvent {
  type: 'ping';
  timestamp: string;
}

export interface SocketErrorEvent {
  type: 'error';
  error: { code: string; message: string };
}

/** Any other event (chat.created, batch.complete, …): passed on as received. */
export interface OtherEvent {
  type: string;
  [key: string]: unknown;
}

export interface EventMap {
  'message.chunk': MessageChunkEvent;
  'message.complete': MessageCompleteEvent;
  'message.error': MessageErrorEvent;
  'image.progress': ImageProgressEvent;
  'image.complete': ImageCompleteEvent;
  'image.failed': ImageFailedEvent;
  'download.ready': DownloadReadyEvent;
  'download.failed': DownloadFailedEvent;
  'connection.ready': ConnectionReadyEvent;
  'limits.updated': LimitsUpdatedEvent;
  ping: PingEvent;
  error: SocketErrorEvent;
  /** The socket's state changed. */
  state: { type: 'state'; state: SocketState };
  /** Every event, after resume and de-duplication. */
  '*': ServerEvent;
}

export type ServerEvent =
  | LimitsUpdatedEvent
  | MessageChunkEvent
  | MessageCompleteEvent
  | MessageErrorEvent
  | ImageProgressEvent
  | ImageCompleteEvent
  | ImageFailedEvent
  | DownloadReadyEvent
  | DownloadFailedEvent
  | ConnectionReadyEvent
  | PingEvent
  | SocketErrorEvent
  | OtherEvent;

export type SocketState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closed';
