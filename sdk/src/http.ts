import type { CompanionAuth } from './auth.js';
import { CompanionError, codeForStatus } from './errors.js';

/** The X-RateLimit-* values of the last answer. */
export interface RateLimitInfo {
  limit: number;
  remaining: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
  /** Seconds until the window resets. */
  resetAfter: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined | null>;
  body?: unknown;
  /** multipart body (image analysis); sent as is. */
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface TransportOptions {
  baseUrl: string;
  auth?: CompanionAuth;
  fetch?: typeof fetch;
  /** How often a 429 is waited out and retried before it is thrown (default 2). */
  maxRateLimitRetries?: number;
  /** A Retry-After longer than this (seconds) is thrown at once instead of waited for (default 30). */
  maxRetryAfterSeconds?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
}

function headerNumber(headers: Headers, name: string): number | undefined {
  const v = headers.get(name);
  if (v === null || v.trim() === '') {
    return undefined;
  }
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Retry-After as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const n = Number(value);
  if (Number.isFinite(n)) {
    return Math.max(0, n);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * One HTTP exchange with the gateway: the bearer token, one refresh on 401, Retry-After honoured on
 * 429, the envelope unwrapped to `data` or thrown as CompanionError.
 */
export class Transport {
  readonly baseUrl: string;
  readonly auth: CompanionAuth | undefined;
  /** The X-RateLimit-* values of the most recent answer that carried them. */
  rateLimit: RateLimitInfo | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly maxRateLimitRetries: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly rateLimitListeners = new Set<(info: RateLimitInfo, path: string) => void>();

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.auth = options.auth;
    this.fetchFn = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? 2;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 30;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Called with the X-RateLimit-* values of every answer that carries them. */
  onRateLimit(listener: (info: RateLimitInfo, path: string) => void): () => void {
    this.rateLimitListeners.add(listener);
    return () => this.rateLimitListeners.delete(listener);
  }

  url(path: string, query?: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) {
        continue;
      }
      if (Array.isArray(v)) {
        v.forEach((item) => params.append(k, item));
      } else {
        params.append(k, String(v));
      }
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** The raw answer (after auth and rate-limit handling); the caller reads the body. */
  async send(method: string, path: string, options: RequestOptions = {}, accept = 'application/json'): Promise<Response> {
    let refreshed = false;
    let rateLimitRetries = 0;
    for (;;) {
      const headers: Record<string, string> = { Accept: accept, ...options.headers };
      let token: string | undefined;
      if (this.auth) {
        token = await this.auth.accessToken();
        headers.Authorization = `Bearer ${token}`;
      }
      let body: BodyInit | undefined;
      if (options.form) {
        body = options.form;
      } else if (options.body !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(options.body);
      }
      let response: Response;
      try {
        response = await this.fetchFn(this.url(path, options.query), { method, headers, body, signal: options.signal });
      } catch (e) {
        if ((e as Error)?.name === 'AbortError') {
          throw new CompanionError({ code: 'ABORTED', message: 'The request was aborted', cause: e });
        }
        throw new CompanionError({ code: 'NETWORK_ERROR', message: `Cannot reach ${this.baseUrl}: ${(e as Error).message}`, cause: e });
      }
      this.recordRateLimit(response.headers, path);
      if (response.status === 401 && this.auth && token && !refreshed) {
        refreshed = true;
        await response.body?.cancel();
        await this.auth.refresh(token);
        continue;
      }
      if (response.status === 429 && rateLimitRetries < this.maxRateLimitRetries) {
        const wait = parseRetryAfter(response.headers.get('Retry-After'));
        if (wait !== undefined && wait <= this.maxRetryAfterSeconds) {
          rateLimitRetries++;
          await response.body?.cancel();
          await this.sleep(wait * 1000);
          continue;
        }
      }
      return response;
    }
  }

  /** Sends and unwraps the envelope: `data`, or a thrown CompanionError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return unwrap<T>(response);
  }

  private recordRateLimit(headers: Headers, path: string): void {
    const limit = headerNumber(headers, 'X-RateLimit-Limit');
    const remaining = headerNumber(headers, 'X-RateLimit-Remaining');
    if (limit === undefined || remaining === undefined) {
      return;
    }
    const info: RateLimitInfo = {
      limit,
      remaining,
      reset: headerNumber(headers, 'X-RateLimit-Reset') ?? 0,
      resetAfter: headerNumber(headers, 'X-RateLimit-Reset-After') ?? 0,
    };
    this.rateLimit = info;
    this.rateLimitListeners.forEach((l) => l(info, path));
  }
}

/** The envelope's `data`, or the envelope's error as CompanionError. */
export async function unwrap<T>(response: Response): Promise<T> {
  const text = await response.text();
  let json: { success?: boolean; data?: unknown; error?: { code?: string; message?: string; details?: Record<string, unknown> }; requestId?: string } | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const requestId = json?.requestId ?? response.headers.get('X-Request-Id') ?? undefined;
  if (response.ok && json?.success !== false) {
    return (json && 'data' in json ? json.data : json) as T;
  }
  throw new CompanionError({
    code: json?.error?.code ?? codeForStatus(response.status),
    message: json?.error?.message ?? (text.slice(0, 200) || `HTTP ${response.status}`),
    details: json?.error?.details,
    status: response.status,
    requestId,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  });
}
