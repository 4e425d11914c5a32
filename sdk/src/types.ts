/** Shapes of the gateway's answers (the seed's fields; services may add more). */

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  pages: number;
}

export interface ListQuery {
  page?: number;
  limit?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface ProjectSettings {
  autoSave?: boolean;
  syncEnabled?: boolean;
  notifications?: boolean;
}

export interface Project {
  id: string;
  name: string;
  description?: string;
  tags?: string[];
  color?: string;
  settings?: ProjectSettings;
  archived?: boolean;
  chatCount?: number;
  lastActivity?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectInput {
  name?: string;
  description?: string;
  tags?: string[];
  color?: string;
  settings?: ProjectSettings;
  archived?: boolean;
}

export interface ProjectQuery extends ListQuery {
  search?: string;
  tags?: string[];
  archived?: boolean;
}

export interface Instructions {
  role?: string;
  style?: string;
  constraints?: string[];
  examples?: string[];
}

export type InstructionScope = 'global' | 'project' | 'chat';

export interface InstructionSet {
  id: string;
  name: string;
  scope: InstructionScope;
  projectId?: string;
  chatId?: string;
  mode?: 'append' | 'override';
  instructions: Instructions;
  createdAt: string;
  updatedAt?: string;
}

export interface InstructionSetInput {
  name?: string;
  scope?: InstructionScope;
  projectId?: string;
  chatId?: string;
  mode?: 'append' | 'override';
  instructions?: Instructions;
}

export interface InstructionQuery extends ListQuery {
  scope?: InstructionScope;
  projectId?: string;
  chatId?: string;
}

export interface EffectiveInstructions {
  [key: string]: unknown;
}

export interface ChatSettings {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
}

export interface Chat {
  id: string;
  projectId: string;
  name: string;
  model: string;
  settings?: ChatSettings;
  systemMessage?: string;
  messageCount?: number;
  archived?: boolean;
  starred?: boolean;
  currentMessageId?: string;
  createdAt: string;
  updatedAt?: string;
  isArchived?: boolean;
  isStarred?: boolean;
  /** When the newest message was written: the order of {@link ConversationQuery} lists. */
  lastActivityAt?: string;
}

/** `GET /v1/chats`: every project's chats, newest activity first. */
export interface ConversationQuery {
  offset?: number;
  page?: number;
  limit?: number;
  isArchived?: boolean;
  isStarred?: boolean;
  projectId?: string;
  /** Full text over chat names and message text (each word as a prefix). */
  search?: string;
}

export interface ConversationList {
  chats: Chat[];
  pagination: Pagination;
  offset: number;
}

export interface SharedMessage {
  id: string;
  role: string;
  content: string;
  model?: string;
  timestamp: string;
}

/** A share link; `messages` only on the public read, `chatId` only for the owner. */
export interface Share {
  shareId: string;
  url: string;
  chatId?: string;
  title: string;
  model: string;
  messageCount: number;
  createdAt: string;
  messages?: SharedMessage[];
}

/** A memory (seed 001 `/backend-api/memories`): a fact the model is told; `tokens` counts against the budget. */
export interface Memory {
  id: string;
  content: string;
  enabled: boolean;
  tokens: number;
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/memories`: the memories, the global switch and the token budget. */
export interface MemoryList {
  memories: Memory[];
  enabled: boolean;
  tokenBudget: number;
  tokensUsed: number;
}

export interface MemoryInput {
  content?: string;
  enabled?: boolean;
}

/** A template variable: `{{name}}` in the body, with an optional default. */
export interface TemplateVariable {
  name: string;
  default?: string;
  description?: string;
}

/** A prompt template; `slots` are the `{{…}}` names found in `body`. */
export interface Template {
  id: string;
  name: string;
  description?: string;
  body: string;
  variables: TemplateVariable[];
  slots: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TemplateInput {
  name?: string;
  description?: string;
  body?: string;
  variables?: TemplateVariable[];
}

export interface Suggestions {
  chatId: string;
  model: string;
  suggestions: string[];
}

export interface ChatInput {
  name?: string;
  model?: string;
  settings?: ChatSettings;
  systemMessage?: string;
  archived?: boolean;
  starred?: boolean;
}

export interface ChatQuery extends ListQuery {
  archived?: boolean;
  starred?: boolean;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface Message {
  id: string;
  chatId: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  timestamp: string;
  status?: string;
  parentId?: string;
  model?: string;
  usage?: Usage;
  error?: { code: string; message: string };
  answerId?: string;
  batchId?: string;
}

export interface SendMessageInput {
  content: string;
  attachments?: unknown[];
  metadata?: { template?: string; variables?: Record<string, string>; order?: number };
  parentId?: string;
  /** Seed 003: a client-chosen id (8-64 of A-Z a-z 0-9 _ -); sending it again answers the same message. */
  messageId?: string;
  /** The longest the answer may take, 1000..600000 ms (then it ends with error code `timeout`). */
  timeoutMs?: number;
}

export interface BatchInput {
  prompts: Array<{ content: string; metadata?: Record<string, unknown> }>;
  mode?: 'sequential' | 'parallel' | 'chained';
  options?: { continueOnError?: boolean; timeout?: number };
}

export interface Batch {
  batchId: string;
  status: string;
  items: Array<{ index: number; messageId?: string; status: string; error?: { code: string; message: string } }>;
  messages?: Message[];
}

export interface StreamStatus {
  streaming: boolean;
  chatId?: string;
  messageId?: string;
  model?: string;
  startedAt?: string;
  content?: string;
  lastIndex?: number;
}

export interface ImageOptions {
  model?: string;
  size?: '1024x1024' | '1792x1024' | '1024x1792' | string;
  quality?: 'standard' | 'hd';
  style?: 'natural' | 'vivid';
  n?: number;
}

export interface Image {
  id: string;
  url: string;
  thumbnailUrl?: string;
  size: string;
  format: string;
  createdAt: string;
  width?: number;
  height?: number;
  bytes?: number;
  prompt?: string;
  generationId?: string;
  chatId?: string;
  projectId?: string;
}

export interface Generation {
  id: string;
  status: 'processing' | 'completed' | 'failed' | 'cancelled' | string;
  prompt?: string;
  estimatedTime?: number;
  queuePosition?: number;
  progress?: number;
  images?: Image[];
  error?: { code: string; message: string };
}

export interface ImageQuery extends ListQuery {
  projectId?: string;
  chatId?: string;
}

export interface AnalyzeInput {
  /** An image to upload, or imageId of a stored one. */
  image?: Blob;
  fileName?: string;
  imageId?: string;
  question?: string;
  chatId?: string;
  options?: { detailLevel?: 'basic' | 'detailed' | 'expert'; focus?: string; outputFormat?: string; provider?: string };
}

export interface Analysis {
  id: string;
  imageId?: string;
  provider?: string;
  analysis: { description: string; structuredData?: Record<string, unknown>; confidence?: number };
}

export interface DownloadInput {
  format?: 'png' | 'jpg' | 'webp';
  quality?: number;
  width?: number;
  height?: number;
  upscale?: boolean;
}

export interface BulkDownloadInput extends DownloadInput {
  imageIds: string[];
  createZip?: boolean;
  folderStructure?: 'flat' | 'grouped' | 'dated';
  namingPattern?: string;
}

export interface Download {
  id: string;
  type?: 'single' | 'bulk';
  status?: 'ready' | 'processing' | 'failed' | string;
  downloadUrl?: string;
  expiresAt?: string;
  size?: number;
  format?: string;
  fileName?: string;
  fileCount?: number;
  totalSize?: number;
  files?: unknown[];
  error?: { code: string; message: string };
}

export interface DownloadHistoryItem {
  id: string;
  type: 'single' | 'bulk';
  fileName: string;
  size: number;
  downloadedAt: string;
  status?: string;
  format?: string;
  source?: { imageId?: string; chatId?: string; projectId?: string };
}

export interface Profile {
  id: string;
  email: string;
  name: string;
  subscription: string;
  usage: { projects: number; chats: number; images: number };
}
