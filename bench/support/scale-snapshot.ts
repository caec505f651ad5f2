/** A full snapshot streamed from the leader (minfs-admin snapshot save's call), counted and dropped. */
import { AdminClient } from '../../src/cli/admin-client';

export interface StreamedSnapshot {
  readonly bytes: number;
  readonly seconds: number;
}

export async function streamSnapshot(leaderAddress: string): Promise<StreamedSnapshot> {
  const client = new AdminClient(leaderAddress, undefined, 600_000);
  const began = performance.now();
  let bytes = 0;
  try {
    for await (const chunk of client.snapshotSave()) bytes += chunk.length;
  } finally {
    client.close();
  }
  return { bytes, seconds: Math.round((performance.now() - began) / 100) / 10 };
}
