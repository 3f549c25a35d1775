/**
 * Typed connector errors. Callers (publisher, inbox sync, account health) branch on the class,
 * never on message text: each class tells them what to do next.
 *
 * | class              | what the caller does                                             |
 * |--------------------|------------------------------------------------------------------|
 * | AuthExpired        | flag the account "reconnect needed"; do not retry               |
 * | InvalidCredentials | show the message at connect time (wrong password, wrong handle) |
 * | PermissionDenied   | the token lacks a scope / is the wrong kind: reconnect           |
 * | RateLimited        | retry after `retryAfterSeconds`                                   |
 * | Rejected           | show `reason` to the user; retrying the same input fails again   |
 * | Transient          | safe to retry later (nothing happened on the network)            |
 * | OutcomeUnknown     | a non-idempotent call may or may not have happened: reconcile     |
 * | NotSupported       | the network or this connector cannot do it                        |
 * | InvalidResponse    | the server answered something that is not the API (HTML, junk)  |
 * | WrongService       | the URL given is not the kind of server expected (connect time) |
 */
export type ConnectorErrorCode =
  | 'auth_expired'
  | 'invalid_credentials'
  | 'permission_denied'
  | 'rate_limited'
  | 'rejected'
  | 'transient'
  | 'outcome_unknown'
  | 'not_supported'
  | 'invalid_response'
  | 'wrong_service';

export interface ConnectorErrorDetails {
  /** HTTP status, when the error came from an HTTP answer. */
  status?: number;
  /** The network's own error code or type (e.g. Graph API code 190, atproto "ExpiredToken"). */
  networkCode?: string | number;
  cause?: unknown;
}

export abstract class ConnectorError extends Error {
  abstract readonly code: ConnectorErrorCode;
  /** True when the same call may simply be made again later. */
  abstract readonly retryable: boolean;
  readonly status?: number;
  readonly networkCode?: string | number;
  /**
   * Posts of a thread that were published before this error: the caller must record them, so a
   * retry continues the thread instead of posting its start again.
   */
  published?: { id: string; url?: string }[];

  constructor(
    readonly network: string,
    message: string,
    details: ConnectorErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    if (details.status !== undefined) this.status = details.status;
    if (details.networkCode !== undefined) this.networkCode = details.networkCode;
  }
}

export class AuthExpired extends ConnectorError {
  readonly code = 'auth_expired' as const;
  readonly retryable = false;
}

export class InvalidCredentials extends ConnectorError {
  readonly code = 'invalid_credentials' as const;
  readonly retryable = false;
}

export class PermissionDenied extends ConnectorError {
  readonly code = 'permission_denied' as const;
  readonly retryable = false;
}

export class RateLimited extends ConnectorError {
  readonly code = 'rate_limited' as const;
  readonly retryable = true;
  constructor(
    network: string,
    message: string,
    readonly retryAfterSeconds: number,
    details: ConnectorErrorDetails = {},
  ) {
    super(network, message, details);
  }
}

export class Rejected extends ConnectorError {
  readonly code = 'rejected' as const;
  readonly retryable = false;
  constructor(
    network: string,
    /** The network's reason, fit to show to a user. */
    readonly reason: string,
    details: ConnectorErrorDetails = {},
  ) {
    super(network, `${network} rejected the request: ${reason}`, details);
  }
}

export class Transient extends ConnectorError {
  readonly code = 'transient' as const;
  readonly retryable = true;
}

export class OutcomeUnknown extends ConnectorError {
  readonly code = 'outcome_unknown' as const;
  // Retrying could post twice: the publisher must look on the network first or ask a human.
  readonly retryable = false;
}

export class NotSupported extends ConnectorError {
  readonly code = 'not_supported' as const;
  readonly retryable = false;
  constructor(network: string, readonly capability: string, message?: string) {
    super(network, message ?? `${network} does not support ${capability}.`);
  }
}

export class InvalidResponse extends ConnectorError {
  readonly code = 'invalid_response' as const;
  // A proxy error page or a bad deploy may pass; the same call can be tried again later.
  readonly retryable = true;
}

export class WrongService extends ConnectorError {
  readonly code = 'wrong_service' as const;
  readonly retryable = false;
}

export const isConnectorError = (e: unknown): e is ConnectorError => e instanceof ConnectorError;
