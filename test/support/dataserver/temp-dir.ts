/** Fresh directories under the OS temp dir for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';

export function makeTempDir(prefix = 'minfs-ds-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A directory removed when the test ends. */
export function tempDir(t: TestContext, prefix?: string): string {
  const dir = makeTempDir(prefix);
  t.after(() => removeDir(dir));
  return dir;
}
