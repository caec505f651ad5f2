/**
 * minfs-admin import LISTING: loads a namespace listing (one path per line; a path ending in "/"
 * is a directory, any other an empty file; blank lines and lines starting with "#" are skipped)
 * through the leader's Import call, up to 10,000 nodes per log entry, one batch after the other so
 * that the listing applies in its own order (a later line never races an earlier one, and the
 * counts mean what they say). Parents are made as needed. A batch that fails because the
 * leadership moved (or its answer was lost) is sent again to the leader found then, with the same
 * idempotency key: if the first send was applied after all, the answer is the first one's, so the
 * counts stay exact. Running a whole import again is harmless too: what exists counts as existing.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import type { ImportNode } from '../generated/minfs/admin/ImportNode';
import { AdminCallError, NoLeaderFoundError, type AdminClient } from './admin-client';

export const IMPORT_BATCH = 10_000;
/** Tries of one batch (10 s with the pauses): leadership moves within a few election timeouts. */
const MAX_TRIES = 20;
const RETRY_PAUSE_MS = 500;

export interface ImportTotals {
  nodes: number;
  created: number;
  existed: number;
  refused: number;
  firstRefusal: string;
}

/** What a listing's line asks for, or undefined for a blank or comment line. */
export function listingNode(line: string): ImportNode | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const directory = text.endsWith('/') && text !== '/';
  return { path: directory ? text.slice(0, -1) : text, directory: directory || text === '/' };
}

/** Batches of the listing in `input`. */
async function* batches(input: Readable, size: number): AsyncGenerator<ImportNode[]> {
  let batch: ImportNode[] = [];
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const node = listingNode(line);
    if (node === undefined) continue;
    batch.push(node);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Whether a batch may be sent again to the (possibly new) leader: the call failed because the
 * leadership moved or the answer was lost, or no leader was found to send it to (an election).
 */
function retryable(error: unknown): boolean {
  if (error instanceof NoLeaderFoundError) return true;
  return error instanceof AdminCallError && [status.UNAVAILABLE, status.FAILED_PRECONDITION, status.DEADLINE_EXCEEDED].includes(error.code);
}

export async function runImport(
  listing: string,
  leader: () => Promise<AdminClient>,
  onProgress: (totals: Readonly<ImportTotals>) => void,
  retryPauseMs = RETRY_PAUSE_MS,
): Promise<ImportTotals> {
  const totals: ImportTotals = { nodes: 0, created: 0, existed: 0, refused: 0, firstRefusal: '' };
  let client: AdminClient | undefined;
  const run = randomUUID();
  let sent = 0;
  const send = async (batch: ImportNode[]): Promise<void> => {
    const requestId = `import ${run} ${sent++}`;
    for (let attempt = 1; ; attempt++) {
      try {
        client ??= await leader();
        const reply = await client.importNodes(batch, requestId);
        totals.nodes += batch.length;
        totals.created += Number(reply.created);
        totals.existed += Number(reply.existed);
        totals.refused += Number(reply.refused);
        if (totals.firstRefusal === '') totals.firstRefusal = reply.first_refusal;
        onProgress(totals);
        return;
      } catch (error: unknown) {
        if (!retryable(error) || attempt >= MAX_TRIES) throw error;
        client = undefined; // asked for again: the leader may have moved
        await new Promise((resolve) => setTimeout(resolve, retryPauseMs));
      }
    }
  };
  const input = listing === '-' ? process.stdin : createReadStream(listing);
  for await (const batch of batches(input, IMPORT_BATCH)) await send(batch);
  return totals;
}
