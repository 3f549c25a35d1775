import { ApiError } from '../api/client.ts';

/**
 * The form-level message of a failed request, announced to screen readers. `fields` names the
 * inputs the form marks itself, so that their messages are not repeated here.
 */
export function FormError({ error, fields = [] }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return <div role="alert" className="form-error-slot" />;
  const message = error instanceof ApiError ? error.formMessage(fields) : 'Something went wrong. Try again.';
  const requestId = error instanceof ApiError && error.status >= 500 ? error.requestId : undefined;
  return (
    <div role="alert" className="form-error-slot">
      <p className="alert alert--error">
        {message}
        {requestId && <span className="alert__meta"> Request id: {requestId}</span>}
      </p>
    </div>
  );
}

/** Field messages of a failed request, keyed by form field name. */
export const fieldErrors = (error: unknown): Record<string, string> => (error instanceof ApiError ? error.fields : {});
