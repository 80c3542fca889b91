/**
 * Errors in the contract's REST shape, `{ error: { code, message, field? } }`, with the status `HTTP_STATUS`
 * gives each code. Set on the REST plugin's scope only: GraphQL's errors are Apollo's business.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ErrorCode, HTTP_STATUS } from '../errors.js';

interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; retryAfterMs?: number };
}

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

export function registerErrorHandlers(app: FastifyInstance, production: boolean): void {
  app.setErrorHandler((err: FastifyError, req, reply) => send(reply, toBody(err, req, production)));
  app.setNotFoundHandler((req, reply) =>
    send(reply, {
      status: 404,
      body: { error: { code: ErrorCode.NOT_FOUND, message: `No route ${req.method} ${req.url.split('?')[0]}.` } },
    }),
  );
}

function send(reply: FastifyReply, { status, body, headers }: { status: number; body: ErrorBody; headers?: Map<string, string> }) {
  for (const [name, value] of headers ?? []) reply.header(name, value);
  return reply.code(status).send(body);
}

function toBody(err: FastifyError, req: FastifyRequest, production: boolean) {
  // A JSON-schema failure: params, querystring, headers or body.
  if (err.validation) {
    const { message, field } = describe(err.validation[0]!, err.validationContext);
    return bad(400, message, field);
  }
  if (err instanceof ApiError) {
    const { field, retryAfterMs, http } = err.extensions as { field?: string; retryAfterMs?: number; http?: { headers?: Map<string, string> } };
    return {
      status: HTTP_STATUS[err.code] ?? 500,
      headers: http?.headers,
      body: { error: { code: err.code, message: err.message, ...(field && { field }), ...(retryAfterMs !== undefined && { retryAfterMs }) } },
    };
  }
  // fastify's own refusals: malformed JSON (400), a body over the limit (413), an unsupported content type (415).
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return bad(status, err.message);
  req.log.error({ err }, 'REST request failed');
  return {
    status: 500,
    body: { error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: production ? 'Internal server error.' : err.message } },
  };
}

const bad = (status: number, message: string, field?: string) => ({
  status,
  body: { error: { code: ErrorCode.BAD_USER_INPUT, message, ...(field && { field }) } },
});

/** One AJV error as a sentence naming the field: `"limit" must be <= 100.` */
function describe(issue: ValidationIssue, where: string | undefined): { message: string; field?: string } {
  const path = issue.instancePath.split('/').filter(Boolean);
  const { missingProperty: missing, additionalProperty: extra } = issue.params as Record<string, string | undefined>;
  if (missing ?? extra) path.push((missing ?? extra)!);
  const field = path.join('.');
  if (extra) return { message: `"${field}" is not a known field.`, field };
  if (where === 'headers' && missing) return { message: `The ${headerName(missing)} header is required.`, field: headerName(missing) };
  if (!field) return { message: `The request ${where === 'body' ? 'body' : where} ${issue.message}.` };
  if (missing) return { message: `"${field}" is required.`, field };
  return { message: `"${field}" ${issue.message}.`, field };
}

/** `idempotency-key` → `Idempotency-Key`. */
const headerName = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
