/**
 * Relay connections over keyset pagination. A cursor is opaque to clients but carries what it was made for: the
 * list, the sort, and the sort key of the last row. Using it on another list or sort is BAD_USER_INPUT, and a page
 * is always `WHERE (sortKey, id) > cursor ORDER BY … LIMIT first + 1`, never OFFSET.
 */
import { BadUserInputError } from './errors.js';

export const MAX_PAGE_SIZE = 100;

/** A sort key: the values of the ORDER BY columns of one row, tie-breaking id last. */
export type SortKey = number[];

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** Resolved only when the client asks for it (graphql-js calls function-valued fields). */
  totalCount: () => number | Promise<number>;
}

/** What a data function needs to fetch one page: `first + 1` rows after `after`. */
export interface PageRequest {
  first: number;
  after: SortKey | null;
}

export function checkFirst(first: number | null | undefined, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`"first" must be between 0 and ${MAX_PAGE_SIZE} (got ${n}).`, 'first');
  }
  return n;
}

export function encodeCursor(list: string, sort: string, key: SortKey): string {
  return Buffer.from(JSON.stringify([list, sort, ...key])).toString('base64url');
}

/** Decodes a cursor made for `list` in `sort` order, whose key has `arity` numbers. */
export function decodeCursor(cursor: string, list: string, sort: string, arity: number): SortKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadUserInputError('"after" is not a valid cursor.', 'after');
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 2) {
    throw new BadUserInputError('"after" is not a valid cursor.', 'after');
  }
  const [cursorList, cursorSort, ...key] = parsed as unknown[];
  if (cursorList !== list || cursorSort !== sort) {
    throw new BadUserInputError('"after" is a cursor from another list or sort order.', 'after');
  }
  if (!key.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) {
    throw new BadUserInputError('"after" is not a valid cursor.', 'after');
  }
  return key;
}

/** Reads `first` and `after` for a list; the one place page arguments are validated. */
export function pageRequest(
  args: { first?: number | null; after?: string | null },
  defaultFirst: number,
  list: string,
  sort: string,
  arity: number,
): PageRequest {
  const first = checkFirst(args.first, defaultFirst);
  const after = args.after == null ? null : decodeCursor(args.after, list, sort, arity);
  return { first, after };
}

/**
 * Builds a connection from up to `first + 1` rows fetched in order. Cursors are made only when read (`edges`, the
 * page's start and end): a listing that selects `nodes` never encodes one per row.
 */
export function toConnection<T>(
  rows: T[],
  page: PageRequest,
  list: string,
  sort: string,
  keyOf: (row: T) => SortKey,
  totalCount: () => number | Promise<number>,
): Connection<T> {
  const nodes = rows.length > page.first ? rows.slice(0, page.first) : rows;
  return new Page(nodes, rows.length > page.first, page.after !== null, (node) => encodeCursor(list, sort, keyOf(node)), totalCount);
}

/** A connection whose cursors are encoded on first read. A class: a listing builds one per parent, and accessors on
 * a prototype cost less to create than on each object. */
class Page<T> implements Connection<T> {
  readonly pageInfo: PageInfo;
  private edgeList: Connection<T>['edges'] | undefined;

  constructor(
    readonly nodes: T[],
    hasNextPage: boolean,
    hasPreviousPage: boolean,
    private readonly cursorOf: (node: T) => string,
    readonly totalCount: () => number | Promise<number>,
  ) {
    this.pageInfo = new PageEnds(nodes, hasNextPage, hasPreviousPage, cursorOf);
  }

  get edges(): Connection<T>['edges'] {
    return (this.edgeList ??= this.nodes.map((node) => ({ cursor: this.cursorOf(node), node })));
  }
}

class PageEnds<T> implements PageInfo {
  constructor(
    private readonly nodes: T[],
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
    private readonly cursorOf: (node: T) => string,
  ) {}

  get startCursor(): string | null {
    return this.nodes.length > 0 ? this.cursorOf(this.nodes[0]!) : null;
  }

  get endCursor(): string | null {
    return this.nodes.length > 0 ? this.cursorOf(this.nodes[this.nodes.length - 1]!) : null;
  }
}
