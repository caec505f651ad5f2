/** minfs-admin rebuild for the scale benchmark, run in its process (the tests' runner of minfs-admin). */
import { admin } from '../../test/cli/admin-fixture';

/** `minfs-admin rebuild` of a stopped member: out of the membership, its directory moved aside, back as a blank non-voter. */
export async function rebuildBlankFollower(others: string, id: string, dataDir: string): Promise<void> {
  const run = await admin('--servers', others, 'rebuild', '--node-id', id, '--data-dir', dataDir);
  if (run.code !== 0) throw new Error(`minfs-admin rebuild ${id}: exit ${run.code}: ${run.stderr}`);
}
