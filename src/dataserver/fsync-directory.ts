/**
 * fsync of a directory, which makes a rename or a new entry in it durable. Some platforms and
 * filesystems cannot open or sync a directory (Windows; some network filesystems): there the rename
 * itself is the best available, so those specific errors are ignored.
 */
import { open } from 'node:fs/promises';

const UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP']);

export async function fsyncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
