/**
 * Copies an LMDB environment in a short-lived child process instead of in this one.
 *
 * mdb_env_copy2 writes every page of the environment out of the process's memory map, so a copy
 * made here leaves the whole data file resident in this process, needed or not. In a child, those
 * pages are touched by the child and leave with it; this process keeps only what its own reads and
 * writes touch (a workload that rewrites the whole namespace touches it all anyway: bench:meta-scale's
 * fill does). A crash in the copier is the child's, not the node's. The copy itself is the same (a
 * read transaction of LMDB's, at the newest commit, beside this process's writer).
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';

const CHILD_SCRIPT = join(__dirname, 'environment-copy-child.js');
/**
 * The copier's nice value: the copy is background work, and on a machine with few cores it should
 * not take the CPU from the node's own loop (or a co-located leader's). Where lowering the priority
 * is refused, the copy runs at the parent's.
 */
const COPIER_NICE = 10;
/** Enough of the child's stderr to say why it failed. */
const STDERR_KEEP_BYTES = 4096;

/** Copies the environment in `envDir` into the directory `destDir` (which must exist), in a child process. */
export function copyEnvironmentInChild(envDir: string, destDir: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Not this process's execArgv: flags like --cpu-prof or --inspect are not for the copier.
    const child = spawn(process.execPath, [CHILD_SCRIPT, envDir, destDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, COPIER_NICE);
      } catch {
        // Not permitted here (or the child is already gone): the copy is the same, only not deprioritised.
      }
    }
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < STDERR_KEEP_BYTES) stderr += text.slice(0, STDERR_KEEP_BYTES - stderr.length);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`environment copy of ${envDir} failed (${signal === null ? `exit ${String(code)}` : signal}): ${stderr.trim()}`));
    });
  });
}
