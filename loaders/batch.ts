/**
 * The three shapes of batch function the loaders use. Each keeps DataLoader's contract: one statement per batch,
 * results in the order of the keys, one per key.
 */
import DataLoader from 'dataloader';

/**
 * How the loaders behave. `{ batch: false }` is the unoptimized baseline the benchmarks compare against
 * (OPTIMIZATIONS=off): every load is its own statement and nothing is cached within the request.
 */
export interface LoaderOptions {
  /** @default true */
  batch?: boolean;
}

const dataLoaderOptions = ({ batch = true }: LoaderOptions) => (batch ? undefined : { batch: false, cache: false });

/** Rows looked up by their own id (`WHERE id IN (…)`); a missing id gives null, never an error. */
export function byKey<Row>(fetch: (keys: readonly number[]) => Promise<Row[]>, keyOf: (row: Row) => number | null, options: LoaderOptions = {}) {
  return new DataLoader<number, Row | null>(async (keys) => {
    const rows = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
    return keys.map((k) => rows.get(k) ?? null);
  }, dataLoaderOptions(options));
}

/** A value computed per key by one grouped statement (`GROUP BY key`); keys absent from the result get `missing`. */
export function aggregate<V>(fetch: (keys: readonly number[]) => Promise<Map<number, V>>, missing: V, options: LoaderOptions = {}) {
  return new DataLoader<number, V>(async (keys) => {
    const values = await fetch(keys);
    return keys.map((k) => (values.has(k) ? (values.get(k) as V) : missing));
  }, dataLoaderOptions(options));
}

/** All rows belonging to each key (an order's items, its events), in the order the statement returned them. */
export function groupedBy<Row>(fetch: (keys: readonly number[]) => Promise<Row[]>, keyOf: (row: Row) => number, options: LoaderOptions = {}) {
  return new DataLoader<number, Row[]>(async (keys) => {
    const groups = new Map<number, Row[]>();
    for (const row of await fetch(keys)) {
      const list = groups.get(keyOf(row));
      if (list) list.push(row);
      else groups.set(keyOf(row), [row]);
    }
    return keys.map((k) => groups.get(k) ?? []);
  }, dataLoaderOptions(options));
}

/**
 * A page of children per parent, for pages that share their arguments (first, after, sort): one loader per
 * distinct argument set, each batching every parent into one statement.
 */
export function pagesBy<Args, Row>(fetch: (args: Args, parentIds: readonly number[]) => Promise<Map<number, Row[]>>, options: LoaderOptions = {}) {
  const loaders = new Map<string, DataLoader<number, Row[]>>();
  return (args: Args): DataLoader<number, Row[]> => {
    const key = JSON.stringify(args);
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader<number, Row[]>(async (ids) => {
        const pages = await fetch(args, ids);
        return ids.map((id) => pages.get(id) ?? []);
      }, dataLoaderOptions(options));
      loaders.set(key, loader);
    }
    return loader;
  };
}
