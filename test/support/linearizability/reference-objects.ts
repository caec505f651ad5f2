/**
 * Straightforward sequential implementations of the modelled objects, written independently
 * of the models so that generated histories do not just echo the model's own logic.
 */
import type { KvInput, KvOutput } from './models/kv-register';
import type { NamespaceInput, NamespaceOutput } from './models/namespace';

export function atomicKvStore(): (input: KvInput) => KvOutput {
  const values = new Map<string, string>();
  return (input) => {
    if (input.op === 'put') {
      values.set(input.key, input.value);
      return 'ok';
    }
    const current = values.has(input.key) ? values.get(input.key)! : null;
    if (input.op === 'get') return current;
    if (current !== input.expect) return false;
    values.set(input.key, input.value);
    return true;
  };
}

export function atomicNamespace(): (input: NamespaceInput) => NamespaceOutput {
  const paths = new Set<string>();
  return (input) => {
    const existed = paths.has(input.path);
    if (input.op === 'stat') return existed ? 'found' : 'not-found';
    if (input.op === 'create') {
      paths.add(input.path);
      return existed ? 'exists' : 'ok';
    }
    paths.delete(input.path);
    return existed ? 'ok' : 'not-found';
  };
}
