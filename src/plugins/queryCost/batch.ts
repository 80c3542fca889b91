/**
 * The operations of one HTTP request, one or a batch (a JSON array of up to 10), are costed as one request: their
 * requested costs are added up and checked against the limit and charged to the caller's bucket once, before any
 * of them runs. Apollo runs a batch's operations side by side, so each waits here, once costed, for the others;
 * the last to arrive decides for all.
 *
 * Apollo's request context does not say which batch an operation belongs to, but `request.http.body` is the very
 * element of the array fastify parsed, so the route's preHandler registers each element with its batch.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryTooComplexError } from '../../errors.js';

/** Called once per batch with the sum of its operations' costs; throws the refusal that applies to all. */
export type Decide = (total: number) => Promise<void>;

export class OperationBatch {
  private pending: number;
  private total = 0;
  /** Password mutations (logIn, signUp) its operations asked for so far: at most one per HTTP request. */
  passwordChecks = 0;
  private decide: Decide | undefined;
  private verdict: Promise<void> | undefined;
  private release!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.release = resolve));

  constructor(readonly size: number) {
    this.pending = size;
  }

  /** This operation is costed: wait for the others, then share the verdict (it rejects with the refusal). */
  async arrive(cost: number, decide: Decide): Promise<void> {
    this.total += cost;
    this.decide ??= decide;
    this.settleOne();
    await this.ready;
    return this.verdict;
  }

  /** This operation ended without being costed (parse or validation error, or a limit of its own). */
  leave(): void {
    this.settleOne();
  }

  /** The HTTP request is over while some operations never started (Apollo refused the batch): refuse those. */
  abandon(): void {
    if (this.pending <= 0) return;
    this.pending = 0;
    const error = new QueryTooComplexError('Another operation of this batch was malformed, so none ran.', 'batch', this.size);
    this.verdict = Promise.reject(error);
    this.verdict.catch(() => {});
    this.release();
  }

  private settleOne() {
    if (--this.pending !== 0) return;
    this.verdict = this.decide ? this.decide(this.total) : Promise.resolve();
    this.verdict.catch(() => {}); // each waiting operation awaits it and gets the refusal itself
    this.release();
  }
}

const batches = new WeakMap<object, OperationBatch>();

/** The batch an operation belongs to, by its piece of the HTTP body; an operation on its own is a batch of one. */
export function batchOf(httpBody: unknown): OperationBatch {
  return (isObject(httpBody) && batches.get(httpBody)) || new OperationBatch(1);
}

/**
 * The /graphql route's hooks: refuse batches over `maxOperations`, register the others. Callback hooks, not async:
 * a single operation (the common case) passes through without a promise.
 */
export function httpBatchHooks(maxOperations: number) {
  return {
    preHandler(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) {
      const body = req.body;
      if (!Array.isArray(body)) return done();
      if (body.length > maxOperations) {
        const { message, extensions } = new QueryTooComplexError(
          `A batch may hold at most ${maxOperations} operations; this one has ${body.length}.`,
          'batch',
          maxOperations,
          body.length,
        );
        const { http: _, ...visible } = extensions;
        void reply.code(400).send({ errors: [{ message, extensions: visible }] }); // answered here: no done()
        return;
      }
      const batch = new OperationBatch(body.length);
      for (const piece of body) if (isObject(piece)) batches.set(piece, batch);
      done();
    },
    onResponse(req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) {
      const body = req.body;
      if (Array.isArray(body)) {
        const piece = body.find(isObject);
        if (piece) batches.get(piece)?.abandon();
      }
      done();
    },
  };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
