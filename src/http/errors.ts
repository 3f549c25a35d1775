import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.ts';

/**
 * Every error answer has one shape: `{ error: { code, message, field?, fields?, requestId } }`.
 * `code` is stable for programs; `message` is for people. Unknown failures are 500 with the
 * request id to quote, and never echo internals.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const requestId = String(request.id);
  if (error instanceof AppError) {
    const { retryAfterSeconds, ...details } = error.details;
    if (retryAfterSeconds) reply.header('retry-after', String(retryAfterSeconds));
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...details, requestId } });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((issue) => ({
      field: [error.validationContext, ...pathOf(issue.instancePath)].filter(Boolean).join('.'),
      message: issue.message ?? 'is not valid',
    }));
    const first = fields[0];
    return reply.status(422).send({
      error: {
        code: 'validation_failed',
        message: first ? `${first.field}: ${first.message}` : 'The request is not valid.',
        field: first?.field,
        fields,
        requestId,
      },
    });
  }
  const mapped = FASTIFY_ERRORS[error.code];
  if (mapped) {
    return reply.status(mapped.status).send({ error: { code: mapped.code, message: mapped.message, requestId } });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.status(error.statusCode).send({ error: { code: 'bad_request', message: error.message, requestId } });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send({
    error: { code: 'internal_error', message: 'Something went wrong on our side. Quote the request id if you report it.', requestId },
  });
}

const pathOf = (instancePath: string) => instancePath.split('/').filter(Boolean);

const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is empty; send a JSON object.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'Send the request body as application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', message: 'The Content-Length header is wrong.' },
};
