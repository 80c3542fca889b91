/**
 * Rows as objects, built in JavaScript from better-sqlite3's raw rows (arrays of values). better-sqlite3 builds an
 * object row in C++ with `v8::Object::New(…, names, values, n)`, which makes a dictionary-mode object: slow to
 * build, and every read of a column after it (resolvers, graphql-jit, the response's serialization) is a
 * dictionary lookup. A literal with the statement's column names, compiled once per statement, builds objects of one
 * shape that V8 reads as fast as any: `bench:instructions` counts the difference.
 */
export type RowMaker = (values: readonly unknown[]) => Record<string, unknown>;

/**
 * `(values) => ({ "id": values[0], "sellerId": values[1], … })` for these column names, in their order. A name that
 * repeats keeps its last value, as better-sqlite3's object rows do. Names are quoted as JSON strings, so any column
 * name (they come from the statements' own text) is a plain property key.
 */
export function rowMaker(columns: readonly string[]): RowMaker {
  // `"__proto__": v` in a literal would set the prototype; `["__proto__"]: v` defines the property, as better-sqlite3 does.
  const fields = columns.map((name, i) => `${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: values[${i}]`).join(', ');
  // Code from text, as graphql-jit compiles queries: only the column names go in, each a JSON string literal.
  return new Function('values', `return { ${fields} };`) as RowMaker;
}
