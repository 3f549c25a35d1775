import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting Chorus reads from its environment, validated once at start. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  /** 64 hex characters (32 bytes). Embedded installs get one generated under DATA_DIR. */
  CHORUS_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'CHORUS_SECRET_KEY must be 64 hex characters (32 bytes)')
    .optional(),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  COOKIE_SECURE: booleanFromEnv.optional(),
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).default(1),
  /** smtp://user:pass@host:587 or smtps://…: email notifications. Unset: no email. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Chorus <chorus@localhost>'),
  /** How often each profile's mentions, comments and DMs are fetched. */
  INBOX_SYNC_SECONDS: z.coerce.number().int().min(10).default(60),
  /** Hold each profile's streaming connection open where the network has one (Mastodon). */
  INBOX_REALTIME: booleanFromEnv.default(true),
  /** How long a publish attempt may stay open before it is presumed dead and reconciled. */
  PUBLISH_LEASE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Behind a reverse proxy: true, or the number of proxies to trust for the client address. */
  TRUST_PROXY: z.union([booleanFromEnv, z.coerce.number().int().min(1)]).default(false),
  /** Largest image and video a media upload may be, in bytes. */
  MEDIA_MAX_IMAGE_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
  MEDIA_MAX_VIDEO_BYTES: z.coerce.number().int().min(1024).default(512 * 1024 * 1024),
  /** Let link previews fetch private, loopback and link-local addresses (tests, closed networks). */
  LINK_PREVIEW_ALLOW_PRIVATE: booleanFromEnv.default(false),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: Buffer;
  publicUrl: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  sessionTtlHours: number;
  cookieSecure: boolean;
  jobPollSeconds: number;
  trustProxy: boolean | number;
  publishLeaseSeconds: number;
  smtpUrl: string | undefined;
  inboxSyncSeconds: number;
  inboxRealtime: boolean;
  mailFrom: string;
  mediaMaxImageBytes: number;
  mediaMaxVideoBytes: number;
  linkPreviewAllowPrivate: boolean;
};

export class ConfigError extends Error {}

/**
 * For commands that never open sealed data (restore brings its own key back): passing it keeps
 * `loadConfig` from generating a key file as a side effect.
 */
export const NO_SECRET_KEY = Buffer.alloc(0);

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  // An empty variable (FOO= in an env file) means unset, not an invalid value.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(overrides.dataDir ?? e.DATA_DIR);
  const port = overrides.port ?? e.PORT;
  const publicUrl = overrides.publicUrl ?? e.PUBLIC_URL ?? `http://localhost:${port}`;
  return {
    port,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    secretKey: overrides.secretKey ?? (e.CHORUS_SECRET_KEY ? Buffer.from(e.CHORUS_SECRET_KEY, 'hex') : loadOrCreateKey(dataDir)),
    publicUrl,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    cookieSecure: e.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
    jobPollSeconds: e.JOB_POLL_SECONDS,
    trustProxy: e.TRUST_PROXY,
    publishLeaseSeconds: e.PUBLISH_LEASE_SECONDS,
    mediaMaxImageBytes: e.MEDIA_MAX_IMAGE_BYTES,
    mediaMaxVideoBytes: e.MEDIA_MAX_VIDEO_BYTES,
    linkPreviewAllowPrivate: e.LINK_PREVIEW_ALLOW_PRIVATE,
    smtpUrl: e.SMTP_URL,
    inboxSyncSeconds: e.INBOX_SYNC_SECONDS,
    inboxRealtime: e.INBOX_REALTIME,
    mailFrom: e.MAIL_FROM,
    ...overrides,
  };
}

/**
 * A self-hosted install should not need a secret chosen by hand before its first start, so the
 * embedded setup keeps a generated key beside its data (readable by its owner only). Operators
 * running several processes set CHORUS_SECRET_KEY so that every process shares it.
 */
function loadOrCreateKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new ConfigError(`${file} does not hold a 64-hex-character key`);
    return Buffer.from(hex, 'hex');
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}
