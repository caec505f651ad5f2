/**
 * A key-value store of atomic registers, as seen by the Raft simulation's clients: puts, gets
 * (linearizable reads) and optionally compare-and-set. Every key starts absent (`null`).
 */
import type { Operation } from '../history';
import { type Model, partitionByKey } from '../model';

export type KvValue = string;

export type KvInput =
  | { readonly op: 'put'; readonly key: string; readonly value: KvValue }
  | { readonly op: 'get'; readonly key: string }
  | {
      readonly op: 'cas';
      readonly key: string;
      /** `null` expects the key to be absent. */
      readonly expect: KvValue | null;
      readonly value: KvValue;
    };

/** put: 'ok' (or undefined); get: the value, or null when absent; cas: whether it swapped. */
export type KvOutput = KvValue | null | boolean;

/** Only keys that have been written; an absent key reads as null. */
export type KvState = ReadonlyMap<string, KvValue>;

export type KvOperation = Operation<KvInput, KvOutput>;

export function kvRegisterModel(initial: Readonly<Record<string, KvValue>> = {}): Model<KvState, KvInput, KvOutput> {
  return {
    init: () => new Map(Object.entries(initial)),

    step(state, input, output) {
      const current = state.get(input.key) ?? null;
      switch (input.op) {
        case 'put':
          // A put's reply carries no information, so any completion is accepted.
          return { ok: true, state: withValue(state, input.key, input.value) };
        case 'get':
          return { ok: output === undefined || output === current, state };
        case 'cas': {
          const swapped = current === input.expect;
          return {
            ok: output === undefined || output === swapped,
            state: swapped ? withValue(state, input.key, input.value) : state,
          };
        }
      }
    },

    partition: (ops) => partitionByKey(ops, (input) => input.key),

    isReadOnly: (input) => input.op === 'get',

    key(state) {
      // Hot path of the search. Within a partition there is only one key, so avoid sorting
      // and building arrays for the common sizes; JSON quoting keeps the keys unambiguous.
      if (state.size === 0) return '';
      if (state.size === 1) {
        const [[key, value]] = state;
        return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
      }
      return JSON.stringify([...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },

    describe(input, output) {
      const reply = output === undefined ? '?' : JSON.stringify(output);
      switch (input.op) {
        case 'put':
          return `put ${input.key}=${JSON.stringify(input.value)} -> ${reply}`;
        case 'get':
          return `get ${input.key} -> ${reply}`;
        case 'cas':
          return `cas ${input.key} ${JSON.stringify(input.expect)}=>${JSON.stringify(input.value)}` + ` -> ${reply}`;
      }
    },
  };
}

/** The model for the common case of no initial keys. */
export const kvRegister = kvRegisterModel();

function withValue(state: KvState, key: string, value: KvValue): KvState {
  if (state.get(key) === value) return state;
  return new Map(state).set(key, value);
}
