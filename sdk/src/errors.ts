/** The one error the SDK throws: the gateway's error envelope, or what stands in for it. */
export class CompanionError extends Error {
  /** The envelope's code: VALIDATION_ERROR, UNAUTHORIZED, NOT_FOUND, RATE_LIMIT, NETWORK_ERROR, … */
  readonly code: string;
  /** The envelope's details ({field, constraint, value} for a validation error). */
  readonly details: Record<string, unknown>;
  /** HTTP status (0 when no answer arrived). */
  readonly status: number;
  /** The gateway's request id (envelope or X-Request-Id), when there is one. */
  readonly requestId: string | undefined;
  /** Seconds from Retry-After, when the answer carried it. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    status?: number;
    requestId?: string;
    retryAfter?: number;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CompanionError';
    this.code = init.code;
    this.details = init.details ?? {};
    this.status = init.status ?? 0;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMIT',
  500: 'SERVER_ERROR',
  502: 'SERVICE_UNAVAILABLE',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** The code for an answer that did not carry the envelope (a proxy page, an empty body). */
export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'SERVER_ERROR' : 'VALIDATION_ERROR');
}
