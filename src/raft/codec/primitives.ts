/** Helpers shared by the writing and the reading side of the codec. */
import type { Suffrage } from '../configuration';
import { LogType } from '../log';

/** Bounds on a string field's UTF-8 length, in bytes (inclusive). */
export interface StringLimits {
  readonly minBytes: number;
  readonly maxBytes: number;
}

/** A server's suffrage is one byte on the wire. */
export const SUFFRAGE_CODES: Readonly<Record<Suffrage, number>> = { voter: 0, nonvoter: 1 };
export const SUFFRAGES: readonly Suffrage[] = ['voter', 'nonvoter'];

export function isLogType(value: number): value is LogType {
  return typeof value === 'number' && typeof LogType[value] === 'string';
}

export function isSuffrage(value: unknown): value is Suffrage {
  return value === 'voter' || value === 'nonvoter';
}

export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * UTF-8 length of `s`, or -1 when it holds a lone surrogate (which TextEncoder would turn into
 * U+FFFD, so the string would not survive the round trip).
 */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c < 0xd800 || c > 0xdfff) n += 2;
    else if (c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: two UTF-16 units, four bytes
      i++;
    } else return -1;
  }
  return n;
}
