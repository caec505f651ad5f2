/**
 * Apply of an import command: many creates in one entry, each as CreateNode with parents would do
 * it. Deterministic and total like every apply: an item that cannot be created is counted (with
 * the first reason kept for the operator) and the others still apply, the same on every replica.
 */
import { MAX_IMPORT_NODES, type ImportCommand } from './commands';
import type { NamespaceState } from './namespace-state';
import { DIRECTORY, FILE } from './node-types';
import { clean, parentDirectory } from './apply-namespace';
import { refuse, type ImportResult, type Refusal } from './results';

export function applyImport(state: NamespaceState, c: ImportCommand): ImportResult | Refusal {
  if (c.replication < 1) return refuse('invalid-argument', `replication factor ${c.replication} is below 1`);
  if (c.nodes.length > MAX_IMPORT_NODES)
    return refuse('invalid-argument', `an import carries at most ${MAX_IMPORT_NODES} nodes, not ${c.nodes.length}`);
  let created = 0;
  let existed = 0;
  let refused = 0;
  let firstRefusal = '';
  const skip = (message: string): void => {
    refused++;
    if (firstRefusal === '') firstRefusal = message;
  };
  for (const [rawPath, type] of c.nodes) {
    if (type !== FILE && type !== DIRECTORY) {
      skip(`${rawPath}: cannot import a node of type ${type}: only File and Directory`);
      continue;
    }
    const path = clean(rawPath);
    if (!path.ok) {
      skip(`${JSON.stringify(rawPath)}: ${path.message}`);
      continue;
    }
    const walked = state.walk(path.names);
    if (walked !== undefined && walked.depth === path.names.length) {
      if (walked.found.record.t === type) existed++;
      else skip(`${path.path} already exists as a ${walked.found.record.t === DIRECTORY ? 'directory' : 'file'}`);
      continue;
    }
    // One walk serves both questions in the common case (the parent exists): a listing is mostly
    // files in directories it made a moment before.
    const direct = walked !== undefined && walked.depth === path.names.length - 1 && walked.found.record.t === DIRECTORY;
    const parent = direct ? walked.found : parentDirectory(state, path.names, true, c.replication, c.at);
    if ('kind' in parent) {
      skip(`${path.path}: ${parent.message}`);
      continue;
    }
    // Directories made on the way (mkdir -p) are not counted: only the listing's own items are.
    state.linkNewSync(parent, path.names.at(-1)!, { t: type, s: 0, m: c.at, r: c.replication, h: '', b: 0 }, c.at);
    created++;
  }
  return { ok: true, created, existed, refused, firstRefusal };
}
