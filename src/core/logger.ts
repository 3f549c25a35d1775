import { pino, type Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear. Anything that can carry a credential is listed here
 * so that a new route cannot leak one into the logs by logging its request.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.appPassword',
  '*.secret',
  '*.clientSecret',
  'password',
  'token',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'chorus' } },
    destination as pino.DestinationStream | undefined,
  );
}
