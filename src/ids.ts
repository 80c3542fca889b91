/**
 * Opaque, typed IDs: `prd_42` names product 42. The same ID names the same thing in GraphQL and REST.
 * Decoding is strict: a wrong prefix or a malformed number is BAD_USER_INPUT; whether the row exists is the
 * caller's question (an unknown but well-formed ID resolves to null).
 */
import { BadUserInputError } from './errors.js';

export const ID_PREFIX = {
  Product: 'prd',
  Seller: 'sel',
  User: 'usr',
  Review: 'rev',
  Order: 'ord',
  Category: 'cat',
} as const;

export type NodeType = keyof typeof ID_PREFIX;
const TYPE_BY_PREFIX = new Map<string, NodeType>(
  Object.entries(ID_PREFIX).map(([type, prefix]) => [prefix, type as NodeType]),
);

/** Positive integers without leading zeros, small enough to be exact in a double. */
const KEY = /^[1-9][0-9]{0,14}$/;

export function encodeId(type: NodeType, key: number): string {
  return `${ID_PREFIX[type]}_${key}`;
}

/** Splits any ID into its type and key; throws BAD_USER_INPUT if it is not one of ours. */
export function decodeAnyId(id: string, field = 'id'): { type: NodeType; key: number } {
  const sep = id.indexOf('_');
  const type = sep > 0 ? TYPE_BY_PREFIX.get(id.slice(0, sep)) : undefined;
  const key = id.slice(sep + 1);
  if (!type || !KEY.test(key)) throw new BadUserInputError(`"${clip(id)}" is not a valid ID.`, field);
  return { type, key: Number(key) };
}

/** Decodes an ID that must name a `type`; an ID of another type is BAD_USER_INPUT. */
export function decodeId(type: NodeType, id: string, field = 'id'): number {
  const decoded = decodeAnyId(id, field);
  if (decoded.type !== type) {
    throw new BadUserInputError(`"${clip(id)}" is a ${decoded.type} ID, not a ${type} ID.`, field);
  }
  return decoded.key;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Order events are not nodes, but their IDs are opaque too: `evt_17`. They increase across all orders. */
export function encodeEventId(key: number): string {
  return `evt_${key}`;
}

export function decodeEventId(id: string, field = 'afterEventId'): number {
  const key = id.startsWith('evt_') ? id.slice(4) : '';
  if (!KEY.test(key)) throw new BadUserInputError(`"${clip(id)}" is not a valid event ID.`, field);
  return Number(key);
}
