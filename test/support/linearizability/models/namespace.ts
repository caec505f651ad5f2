/**
 * The existence of paths in the file-system namespace, as seen through CreateNode, DeleteNode
 * and GetNodeInfo. Only existence is modelled, per path, so the history partitions by path;
 * calls refused for other reasons (missing parent, non-empty directory, ...) definitely had no
 * effect and are to be dropped from the history rather than modelled here.
 */
import type { Operation } from '../history';
import { type Model, partitionByKey } from '../model';

export type NamespaceInput =
  | { readonly op: 'create'; readonly path: string }
  | { readonly op: 'delete'; readonly path: string }
  | { readonly op: 'stat'; readonly path: string };

/** create: 'ok' | 'exists'; delete: 'ok' | 'not-found'; stat: 'found' | 'not-found'. */
export type NamespaceOutput = 'ok' | 'exists' | 'not-found' | 'found';

/** The paths that exist. */
export type NamespaceState = ReadonlySet<string>;

export type NamespaceOperation = Operation<NamespaceInput, NamespaceOutput>;

/** `initiallyExisting`: paths present before the history starts (e.g. `/`). */
export function namespaceModel(initiallyExisting: Iterable<string> = []): Model<NamespaceState, NamespaceInput, NamespaceOutput> {
  const initial: NamespaceState = new Set(initiallyExisting);
  return {
    init: () => initial,

    step(state, input, output) {
      const exists = state.has(input.path);
      const accepts = (expected: NamespaceOutput): boolean => output === undefined || output === expected;
      switch (input.op) {
        case 'create':
          return {
            ok: accepts(exists ? 'exists' : 'ok'),
            state: exists ? state : new Set(state).add(input.path),
          };
        case 'delete':
          return {
            ok: accepts(exists ? 'ok' : 'not-found'),
            state: exists ? without(state, input.path) : state,
          };
        case 'stat':
          return { ok: accepts(exists ? 'found' : 'not-found'), state };
      }
    },

    partition: (ops) => partitionByKey(ops, (input) => input.path),

    isReadOnly: (input) => input.op === 'stat',

    key: (state) => (state.size === 0 ? '' : JSON.stringify([...state].sort())),

    describe(input, output) {
      return `${input.op} ${input.path} -> ${output ?? '?'}`;
    },
  };
}

/** The model for a namespace whose paths all start absent. */
export const namespace = namespaceModel();

function without(state: NamespaceState, path: string): NamespaceState {
  const next = new Set(state);
  next.delete(path);
  return next;
}
