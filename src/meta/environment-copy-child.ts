/**
 * The child process that makes a snapshot's copy of an LMDB environment (copy-in-child.ts):
 *
 *   node environment-copy-child.js ENV_DIR DEST_DIR
 *
 * It opens the environment read-only beside the process that writes it (LMDB's lock file makes
 * that safe), copies it with mdb_env_copy2 into DEST_DIR (not compacted: see environment-copy.ts)
 * and exits 0; on failure it writes the error to stderr and exits 1.
 */
import { open } from 'lmdb';

async function copyEnvironment(envDir: string, destDir: string): Promise<void> {
  const root = open({ path: envDir, readOnly: true });
  try {
    await root.backup(destDir, false);
  } finally {
    await root.close();
  }
}

const [envDir, destDir] = process.argv.slice(2);
if (envDir === undefined || destDir === undefined) {
  process.stderr.write('usage: environment-copy-child ENV_DIR DEST_DIR\n');
  process.exit(2);
}
copyEnvironment(envDir, destDir).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
