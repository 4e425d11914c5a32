import { CompanionError } from './errors.js';
import { unwrap } from './http.js';
import { memoryStorage, type TokenStorage } from './storage.js';

/** Tokens as the SDK keeps them. */
export interface Tokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
  tokenType: string;
}

export interface AuthOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 (no /v1). */
  baseUrl: string;
  /** The OAuth client (default `companion-extension`, the public PKCE client). */
  clientId?: string;
  /** Redirect URI; in an extension the default is chrome.identity.getRedirectURL(). */
  redirectUri?: string;
  /** Default `projects chats images`. */
  scope?: string;
  /** Where tokens live (default: memory). Use chromeStorage() in an extension. */
  storage?: TokenStorage;
  /** Storage key (default `companion.tokens`). */
  storageKey?: string;
  /** Refresh this many seconds before the access token expires (default 60). */
  refreshSkewSeconds?: number;
  fetch?: typeof fetch;
  /** Clock, for tests. */
  now?: () => number;
}

/** An authorization request in flight: what the redirect must be checked against. */
export interface PendingAuthorization {
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The subset of chrome.identity the SDK uses. */
export interface ChromeIdentity {
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
  getRedirectURL(path?: string): string;
}

type TokenListener = (tokens: Tokens | undefined) => void;

const VERIFIER_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

function randomString(length: number): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) {
    out += VERIFIER_CHARS[b % VERIFIER_CHARS.length];
  }
  return out;
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The S256 code challenge of a PKCE verifier (RFC 7636). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/**
 * OAuth 2.0 authorization code + PKCE against auth-service, token storage, refresh before expiry and
 * one refresh at a time however many requests see a 401 together.
 */
export class CompanionAuth {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly scope: string;
  private readonly explicitRedirectUri: string | undefined;
  private readonly storage: TokenStorage;
  private readonly storageKey: string;
  private readonly skewMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly listeners = new Set<TokenListener>();
  private refreshing: Promise<Tokens> | undefined;
  private cached: Tokens | undefined;
  private loaded = false;

  constructor(options: AuthOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clientId = options.clientId ?? 'companion-extension';
    this.scope = options.scope ?? 'projects chats images';
    this.explicitRedirectUri = options.redirectUri;
    this.storage = options.storage ?? memoryStorage();
    this.storageKey = options.storageKey ?? 'companion.tokens';
    this.skewMs = (options.refreshSkewSeconds ?? 60) * 1000;
    this.fetchFn = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.now = options.now ?? Date.now;
  }

  /** Called with the new tokens after every login and refresh, and with undefined on logout. */
  onTokens(listener: TokenListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The authorization URL with a fresh state and PKCE verifier. */
  async authorizationRequest(redirectUri = this.redirectUri()): Promise<PendingAuthorization> {
    const state = randomString(24);
    const codeVerifier = randomString(64);
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: this.clientId,
      redirect_uri: redirectUri,
      scope: this.scope,
      state,
      code_challenge: await codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: `${this.baseUrl}/v1/auth/authorize?${params}`, state, codeVerifier, redirectUri };
  }

  /** Extension login: the login page in chrome.identity.launchWebAuthFlow, then the code for tokens. */
  async loginWithChromeIdentity(identity?: ChromeIdentity): Promise<Tokens> {
    const id = identity ?? (globalThis as { chrome?: { identity?: ChromeIdentity } }).chrome?.identity;
    if (!id) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: 'chrome.identity is not available (add the "identity" permission)' });
    }
    const pending = await this.authorizationRequest(this.explicitRedirectUri ?? id.getRedirectURL());
    let redirected: string | undefined;
    try {
      redirected = await id.launchWebAuthFlow({ url: pending.url, interactive: true });
    } catch (e) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: `Login was not completed: ${(e as Error).message ?? e}`, cause: e });
    }
    if (!redirected) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: 'Login was not completed' });
    }
    return this.completeAuthorization(redirected, pending);
  }

  /**
   * Plain-browser login, step 1: keeps state and verifier in storage and returns the URL to send the
   * browser to (`location.assign(url)`); its redirect URI is a page of the app that calls step 2.
   */
  async startBrowserLogin(redirectUri: string): Promise<string> {
    const pending = await this.authorizationRequest(redirectUri);
    await this.storage.set(`${this.storageKey}.pending`, pending);
    return pending.url;
  }

  /** Plain-browser login, step 2: on the redirect page, with its URL. */
  async completeBrowserLogin(currentUrl: string): Promise<Tokens> {
    const pending = (await this.storage.get(`${this.storageKey}.pending`)) as PendingAuthorization | undefined;
    if (!pending) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: 'No login in progress' });
    }
    await this.storage.remove(`${this.storageKey}.pending`);
    return this.completeAuthorization(currentUrl, pending);
  }

  /** Checks the redirect (state, error) and exchanges its code with the verifier. */
  async completeAuthorization(redirectedUrl: string, pending: PendingAuthorization): Promise<Tokens> {
    const url = new URL(redirectedUrl);
    const params = url.searchParams;
    if (params.get('state') !== pending.state) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: 'The login answer does not belong to this request (state mismatch)' });
    }
    const error = params.get('error');
    if (error) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: params.get('error_description') ?? error, details: { error } });
    }
    const code = params.get('code');
    if (!code) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: 'The login answer carries no code' });
    }
    return this.tokenRequest('/v1/auth/token', {
      grant_type: 'authorization_code',
      code,
      client_id: this.clientId,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.codeVerifier,
    });
  }

  /** Creates an account (`POST /v1/auth/register`); log in afterwards. Returns the new profile. */
  async register(input: { email: string; password: string; name?: string }): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}/v1/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(input),
      });
    } catch (e) {
      throw new CompanionError({ code: 'NETWORK_ERROR', message: `Cannot reach ${this.baseUrl}: ${(e as Error).message}`, cause: e });
    }
    return unwrap<Record<string, unknown>>(response);
  }

  /** Stored tokens, if any (read once from storage, then cached). */
  async tokens(): Promise<Tokens | undefined> {
    if (!this.loaded) {
      this.cached = (await this.storage.get(this.storageKey)) as Tokens | undefined;
      this.loaded = true;
    }
    return this.cached;
  }

  async isLoggedIn(): Promise<boolean> {
    return (await this.tokens()) !== undefined;
  }

  /** A valid access token: refreshed first when it expires within the skew. */
  async accessToken(): Promise<string> {
    const tokens = await this.tokens();
    if (!tokens) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: 'Not logged in', status: 401 });
    }
    if (tokens.expiresAt - this.skewMs <= this.now() && tokens.refreshToken) {
      return (await this.refresh(tokens.accessToken)).accessToken;
    }
    return tokens.accessToken;
  }

  /**
   * Rotates the refresh token. Concurrent callers share one request; a caller that saw a 401 with
   * `staleAccessToken` gets the already-refreshed token instead of a second refresh.
   */
  async refresh(staleAccessToken?: string): Promise<Tokens> {
    if (this.refreshing) {
      return this.refreshing;
    }
    const current = await this.tokens();
    if (current && staleAccessToken && current.accessToken !== staleAccessToken && current.expiresAt - this.skewMs > this.now()) {
      return current;
    }
    if (!current?.refreshToken) {
      throw new CompanionError({ code: 'UNAUTHORIZED', message: 'Not logged in', status: 401 });
    }
    const refreshToken = current.refreshToken;
    this.refreshing = this.tokenRequest('/v1/auth/refresh', { refresh_token: refreshToken })
      .catch(async (e: unknown) => {
        if (e instanceof CompanionError && e.status >= 400 && e.status < 500) {
          await this.clear();   // the refresh token is dead: the user must log in again
        }
        throw e;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** Revokes every refresh token of the user at auth-service and forgets the tokens here. */
  async logout(): Promise<void> {
    const tokens = await this.tokens();
    if (tokens) {
      try {
        await this.fetchFn(`${this.baseUrl}/v1/auth/logout`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${tokens.accessToken}` },
        });
      } catch {
        // offline: the local tokens go anyway
      }
    }
    await this.clear();
  }

  /** Stores tokens obtained elsewhere (e.g. an admin API token exchange). */
  async setTokens(tokens: Tokens): Promise<void> {
    this.cached = tokens;
    this.loaded = true;
    await this.storage.set(this.storageKey, tokens);
    this.listeners.forEach((l) => l(tokens));
  }

  private async clear(): Promise<void> {
    this.cached = undefined;
    this.loaded = true;
    await this.storage.remove(this.storageKey);
    this.listeners.forEach((l) => l(undefined));
  }

  private redirectUri(): string {
    if (this.explicitRedirectUri) {
      return this.explicitRedirectUri;
    }
    const identity = (globalThis as { chrome?: { identity?: ChromeIdentity } }).chrome?.identity;
    if (identity) {
      return identity.getRedirectURL();
    }
    throw new CompanionError({ code: 'VALIDATION_ERROR', message: 'redirectUri is required outside an extension', details: { field: 'redirectUri' } });
  }

  private async tokenRequest(path: string, body: Record<string, string>): Promise<Tokens> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new CompanionError({ code: 'NETWORK_ERROR', message: `Cannot reach ${this.baseUrl}: ${(e as Error).message}`, cause: e });
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: reported below by status
    }
    const requestId = response.headers.get('X-Request-Id') ?? undefined;
    if (!response.ok) {
      // RFC 6749 errors ({error, error_description}), or the envelope for a rate limit
      const envelope = json.error as { code?: string; message?: string; details?: Record<string, unknown> } | string | undefined;
      const retry = response.headers.get('Retry-After');
      if (typeof envelope === 'object' && envelope) {
        throw new CompanionError({ code: envelope.code ?? 'UNAUTHORIZED', message: envelope.message ?? response.statusText,
          details: envelope.details, status: response.status, requestId, retryAfter: retry ? Number(retry) : undefined });
      }
      throw new CompanionError({
        code: response.status === 429 ? 'RATE_LIMIT' : 'UNAUTHORIZED',
        message: (json.error_description as string) ?? (typeof envelope === 'string' ? envelope : `HTTP ${response.status}`),
        details: typeof envelope === 'string' ? { error: envelope } : {},
        status: response.status,
        requestId,
        retryAfter: retry ? Number(retry) : undefined,
      });
    }
    const tokens: Tokens = {
      accessToken: String(json.access_token),
      refreshToken: json.refresh_token === undefined ? undefined : String(json.refresh_token),
      expiresAt: this.now() + Number(json.expires_in ?? 3600) * 1000,
      tokenType: String(json.token_type ?? 'Bearer'),
    };
    await this.setTokens(tokens);
    return tokens;
  }
}
