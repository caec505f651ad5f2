/**
 * The scale benchmark's namespace, loaded through the log: the leader's Import call (minfs-admin
 * import's), 10,000 nodes per entry. `inodes` inodes in all: directories /scale/d<k> of `perDir`
 * files /scale/d<k>/f<j> each, the directories first (one batch after the other), then the files
 * with `inFlight` calls at once (their parents exist, so the order between them does not matter).
 */
import { AdminClient } from '../../src/cli/admin-client';
import { IMPORT_BATCH } from '../../src/cli/minfs-admin-import';
import type { ImportNode } from '../../src/generated/minfs/admin/ImportNode';
import { runParallel } from './meta-parallel';

export interface ScaleLayout {
  readonly directories: number;
  readonly files: number;
}

/** Directories and files making `inodes` inodes, `perDir` files per directory. */
export function scaleLayout(inodes: number, perDir: number): ScaleLayout {
  const directories = Math.ceil(inodes / (perDir + 1));
  return { directories, files: inodes - directories };
}

export const scaleFile = (n: number, perDir: number): string => `/scale/d${Math.floor(n / perDir)}/f${n % perDir}`;

export interface ImportResult {
  readonly seconds: number;
  readonly created: number;
  readonly entries: number;
}

export async function importScaleNamespace(
  leaderAddress: string,
  layout: ScaleLayout,
  perDir: number,
  inFlight: number,
  onProgress: (created: number) => void,
): Promise<ImportResult> {
  const client = new AdminClient(leaderAddress, undefined, 120_000);
  let created = 0;
  let entries = 0;
  const send = async (nodes: ImportNode[]): Promise<void> => {
    const reply = await client.importNodes(nodes);
    if (Number(reply.refused) > 0 || Number(reply.existed) > 0)
      throw new Error(`import refused ${reply.refused} and found ${reply.existed} existing: ${reply.first_refusal}`);
    created += Number(reply.created);
    entries++;
    onProgress(created);
  };
  const started = performance.now();
  try {
    for (let k = 0; k < layout.directories; k += IMPORT_BATCH) {
      const end = Math.min(layout.directories, k + IMPORT_BATCH);
      await send(Array.from({ length: end - k }, (_, i) => ({ path: `/scale/d${k + i}`, directory: true })));
    }
    const batches = Math.ceil(layout.files / IMPORT_BATCH);
    await runParallel(batches, inFlight, async (b) => {
      const first = b * IMPORT_BATCH;
      const end = Math.min(layout.files, first + IMPORT_BATCH);
      await send(Array.from({ length: end - first }, (_, i) => ({ path: scaleFile(first + i, perDir), directory: false })));
    });
  } finally {
    client.close();
  }
  return { seconds: Math.round((performance.now() - started) / 100) / 10, created, entries };
}
