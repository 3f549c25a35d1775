/**
 * The one way the web app talks to the Chorus API: JSON over fetch with the session cookie.
 * Writes carry the session's CSRF token, which the server hands out with the session.
 */
const BASE = '/api/v1';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;

export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};

/** For requests that cannot go through `api` (uploads with progress). */
export const currentCsrfToken = (): string | null => csrfToken;

export interface FieldError {
  field: string;
  message: string;
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string; fields?: FieldError[]; requestId?: string; [key: string]: unknown };
}

/** An error answer from the API. `fields` maps form field names (without `body.`) to messages. */
export class ApiError extends Error {
  readonly fields: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    fieldErrors: FieldError[],
    readonly requestId?: string,
    /** The whole error object of the answer, for codes that carry more (e.g. `problems`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.fields = {};
    for (const { field, message: text } of fieldErrors) {
      const name = formFieldName(field);
      if (name && !(name in this.fields)) this.fields[name] = text;
    }
  }

  /** The message for the form as a whole, given the fields the form shows errors on. */
  formMessage(shown: readonly string[]): string {
    const names = Object.keys(this.fields);
    if (names.length === 0 || !names.every((name) => shown.includes(name))) return this.message;
    return names.length === 1 ? 'Check the highlighted field.' : 'Check the highlighted fields.';
  }
}

/** `body.email` -> `email`; `body.members.0.email` -> `members.0.email`; `querystring.from` -> `from`. */
export const formFieldName = (field: string): string => field.replace(/^(body|querystring|params)\.?/, '');

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Chorus cannot be reached. Check your connection and try again.', []);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // A proxy or a crash answered with something that is not JSON; handled below.
  }
  if (!response.ok) {
    const error = (data as ErrorBody | null)?.error;
    const fields = error?.fields ?? (error?.field && error.message ? [{ field: error.field, message: error.message }] : []);
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `The server answered ${response.status} ${response.statusText}.`,
      fields,
      error?.requestId,
      error ?? {},
    );
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Query string from the filled-in values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
