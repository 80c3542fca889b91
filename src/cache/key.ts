/** The cache key: the normalized document's hash, the operation name, canonical variables, and the scope. */
import { createHash } from 'node:crypto';
import type { Viewer } from '../context.js';
import type { DocumentInfo } from './document.js';

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` are one key. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function cacheKey(doc: DocumentInfo, operationName: string | undefined, variables: unknown, viewer: Viewer | null): string {
  const scope = doc.scope === 'PRIVATE' ? `user:${viewer?.id ?? 'anonymous'}` : 'public';
  return createHash('sha256')
    .update(`${doc.hash}\n${operationName ?? ''}\n${canonicalJson(variables ?? {})}\n${scope}`)
    .digest('base64url');
}
