/**
 * Errors that cross the service boundary. Services throw these; the HTTP layer maps them to
 * status codes and the CLI prints their message. `code` is stable and documented for API clients.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field?: string; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, field?: string) =>
  new AppError(400, code, message, field ? { field } : {});
export const invalid = (field: string, message: string) =>
  new AppError(422, 'validation_failed', message, { field });
export const unauthorized = (code = 'unauthenticated', message = 'Sign in to continue.') =>
  new AppError(401, code, message);
export const forbidden = (message = 'You do not have permission to do this.') =>
  new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, `${what}_not_found`, `No such ${what.replace(/_/g, ' ')}.`);
export const conflict = (code: string, message: string, field?: string) =>
  new AppError(409, code, message, field ? { field } : {});
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', message, { retryAfterSeconds });
