/**
 * minfs-admin import: up to MAX_IMPORT_NODES files and directories created through one log entry,
 * for loading a namespace listing (a migration, a test namespace of millions of inodes) at the
 * speed of the log rather than of one CreateNode round trip per node. Paths are checked here, so
 * a bad listing is refused whole before anything is proposed.
 */
import type { ImportReply } from '../../generated/minfs/admin/ImportReply';
import type { ImportRequest__Output } from '../../generated/minfs/admin/ImportRequest';
import { MAX_IMPORT_NODES } from '../../meta/commands';
import { cleanPath } from '../../meta/paths';
import { DIRECTORY, FILE } from '../../meta/node-types';
import type { MetaNode } from '../meta-node';
import { optionalRequestId } from '../request-fields';
import { invalidArgument } from '../service-error';
import { proposeOk, requireLeader } from './leader-only';

export async function importNodes(node: MetaNode, request: ImportRequest__Output): Promise<ImportReply> {
  requireLeader(node);
  const count = request.nodes.length;
  if (count === 0) throw invalidArgument('nothing to import: nodes is empty');
  if (count > MAX_IMPORT_NODES)
    throw invalidArgument(`an import carries at most ${MAX_IMPORT_NODES} nodes, not ${count}: split the listing`);
  const nodes = request.nodes.map((n, i): [string, number] => {
    const cleaned = cleanPath(n.path);
    if (!cleaned.ok) throw invalidArgument(`nodes[${i}] ${JSON.stringify(n.path)}: ${cleaned.message}`);
    return [cleaned.path, n.directory ? DIRECTORY : FILE];
  });
  const requestId = optionalRequestId(request.request_id);
  const result = await proposeOk(node, {
    op: 'import',
    nodes,
    replication: node.settings.defaultReplication,
    at: node.wallClockMs(),
    ...(requestId === undefined ? {} : { requestId }),
  });
  if (!('firstRefusal' in result)) throw new Error(`import applied with an unexpected result ${JSON.stringify(result)}`);
  return { created: result.created, existed: result.existed, refused: result.refused, first_refusal: result.firstRefusal };
}
