/**
 * One process per data directory: a MetaServer holds DIR/metaServer.pid (its pid) while it runs,
 * and offline tools (minfs-admin recover) refuse a directory whose holder is alive. LMDB itself
 * lets several processes open the same environment, so without this a recovery run against a
 * live node would rewrite its stores under it. A pid file left by a crash is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'metaServer.pid';

/** The pid of the live process holding `dir`, if any. */
export function dataDirHolder(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error: unknown) {
    // EPERM: alive but someone else's; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Takes `dir` for this process; returns the release, or the pid of the live holder. */
export function lockDataDir(dir: string): { release: () => void } | { heldBy: number } {
  const holder = dataDirHolder(dir);
  if (holder !== undefined) return { heldBy: holder };
  writeFileSync(join(dir, FILE), `${process.pid}\n`);
  return {
    release: () => {
      if (dataDirHolder(dir) === undefined) rmSync(join(dir, FILE), { force: true });
    },
  };
}
