/**
 * Checks of wire fields before anything is proposed or read: a request that fails here changes
 * nothing and gets INVALID_ARGUMENT with the field named.
 */
import { cleanPath, type CleanPath } from '../meta/paths';
import { MAX_REQUEST_ID_LENGTH } from '../meta/command-applier';
import { DIRECTORY, FILE, type NodeType } from '../meta/node-types';
import { invalidArgument } from './service-error';

export function requirePath(value: string, field = 'path'): CleanPath {
  const cleaned = cleanPath(value);
  if (!cleaned.ok) throw invalidArgument(field === 'path' ? cleaned.message : `${field}: ${cleaned.message}`);
  return cleaned;
}

/** A uint64/int64 field (a decimal string from the loader) as a safe JS integer. */
export function requireCount(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidArgument(`${field} ${value} is not a whole number between 0 and ${Number.MAX_SAFE_INTEGER}`);
  return n;
}

/** File and Directory are the only node types; Volume and Unknown are refused by name. */
export function requireNodeType(value: string): NodeType {
  if (value === 'File') return FILE;
  if (value === 'Directory') return DIRECTORY;
  if (value === 'Volume') throw invalidArgument('type Volume is not supported: create a File or a Directory');
  if (value === 'Unknown') throw invalidArgument('type is missing (Unknown): create a File or a Directory');
  throw invalidArgument(`type ${value} is not a FileType`);
}

/** The idempotency key, or undefined when none was given. */
export function optionalRequestId(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_REQUEST_ID_LENGTH) throw invalidArgument(`request_id is longer than ${MAX_REQUEST_ID_LENGTH} characters`);
  return value;
}
