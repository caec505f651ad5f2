/**
 * Applies one encoded command inside the batch's write transaction: decoding, idempotency keys,
 * then the command itself. Total: whatever the bytes, the outcome is a MetaResult.
 */
import { applyAllocate, applyFinalize } from './apply-blocks';
import { applyUpkeep } from './apply-upkeep';
import { applyImport } from './apply-import';
import { applyCheckpoint, applyMember } from './apply-members';
import { applyCreate, applyDelete, applyPurge, applyRename } from './apply-namespace';
import { decodeCommand, type MetaCommand } from './commands';
import type { NamespaceState } from './namespace-state';
import { refuse, type MetaResult } from './results';

/** How long an idempotency key is remembered after first use, by the commands' own clocks. */
export const REQUEST_ID_TTL_MS = 10 * 60 * 1000;
/** The longest idempotency key accepted. */
export const MAX_REQUEST_ID_LENGTH = 128;
/** Expired keys forgotten per command: bounded work per entry, yet faster than keys arrive. */
const EXPIRE_PER_COMMAND = 4;

export function applyEncodedCommand(state: NamespaceState, bytes: Uint8Array): MetaResult {
  const command = decodeCommand(bytes);
  if (typeof command === 'string') return refuse('invalid-argument', command);
  expireRequestIds(state, command.at);
  const key = command.requestId;
  if (key === undefined || key === '') return dispatch(state, command);
  if (key.length > MAX_REQUEST_ID_LENGTH)
    return refuse('invalid-argument', `request id is longer than ${MAX_REQUEST_ID_LENGTH} characters`);
  const what = describe(command);
  const earlier = state.env.requests.get(key);
  if (earlier !== undefined) {
    if (earlier.what !== what)
      return refuse('invalid-argument', `request id ${JSON.stringify(key)} was already used for another request (${earlier.what})`);
    return earlier.result;
  }
  const result = dispatch(state, command);
  state.env.requests.putSync(key, { at: command.at, what, result });
  state.env.expiry.putSync([command.at, key], 1);
  return result;
}

function dispatch(state: NamespaceState, command: MetaCommand): MetaResult {
  switch (command.op) {
    case 'create':
      return applyCreate(state, command);
    case 'import':
      return applyImport(state, command);
    case 'delete':
      return applyDelete(state, command);
    case 'purge':
      return applyPurge(state, command);
    case 'allocate':
      return applyAllocate(state, command);
    case 'finalize':
      return applyFinalize(state, command);
    case 'rename':
      return applyRename(state, command);
    case 'upkeep':
      return applyUpkeep(state, command);
    case 'member':
      return applyMember(state, command);
    case 'checkpoint':
      return applyCheckpoint(command);
  }
}

/** What a request was, to tell a retry (same key, same request) from a reused key. */
function describe(command: MetaCommand): string {
  switch (command.op) {
    case 'rename':
      return `rename ${command.from} -> ${command.to}`;
    case 'purge':
    case 'upkeep':
      return command.op;
    case 'member':
      return `member ${command.id}`;
    case 'import':
      return `import of ${command.nodes.length} nodes from ${command.nodes[0]?.[0] ?? 'nothing'}`;
    case 'checkpoint':
      return `checkpoint ${command.id}`;
    default:
      return `${command.op} ${command.path}`;
  }
}

function expireRequestIds(state: NamespaceState, now: number): void {
  const { env } = state;
  const expired = [...env.expiry.getKeys({ end: [now - REQUEST_ID_TTL_MS], limit: EXPIRE_PER_COMMAND })];
  for (const key of expired) {
    env.expiry.removeSync(key);
    env.requests.removeSync(key[1]);
  }
}
