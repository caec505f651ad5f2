/**
 * The space figures a heartbeat reports (compat §1.4: bytes): statfs of the data dir's filesystem,
 * as the original did. With a capacity override (tests, or a DataServer sharing its disk), the total
 * is the override and the free space what is left of it after the blocks stored, never more than the
 * filesystem really has free.
 */
import { statfs } from 'node:fs/promises';

export interface Capacity {
  readonly totalBytes: number;
  readonly freeBytes: number;
}

export async function measureCapacity(dataDir: string, blockBytes: number, capacityOverride?: number): Promise<Capacity> {
  const fs = await statfs(dataDir);
  const fsTotal = fs.blocks * fs.bsize;
  const fsFree = fs.bavail * fs.bsize;
  if (capacityOverride === undefined) return { totalBytes: fsTotal, freeBytes: fsFree };
  return { totalBytes: capacityOverride, freeBytes: Math.max(0, Math.min(fsFree, capacityOverride - blockBytes)) };
}
