/**
 * The key-value state machine of the process cluster's nodes. Commands are text: `key=value`
 * sets a key, `del key` removes it. The map lives in memory only and the FSM reports no
 * appliedIndex, so a restarted node rebuilds it by replaying its whole log.
 */
import { createHash } from 'node:crypto';
import { LogType, type FSM, type FSMSnapshot, type LogEntry } from '../../../src/raft';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What applying a command did; a malformed command is an ordinary result, never a throw. */
export type KvResult = 'set' | 'deleted' | 'absent' | 'bad-command';

/** Keys may not contain '=' or spaces, so that both command forms parse unambiguously. */
export function checkKey(key: string): string | undefined {
  if (key.length === 0) return 'empty key';
  if (/[= ]/.test(key)) return `key ${JSON.stringify(key)} contains '=' or a space`;
  return undefined;
}

export function encodePut(key: string, value: string): Uint8Array {
  return encoder.encode(`${key}=${value}`);
}

export function encodeDel(key: string): Uint8Array {
  return encoder.encode(`del ${key}`);
}

/** A parsed command; undefined for text that is neither form (the FSM answers 'bad-command'). */
export type KvCommand =
  { readonly kind: 'put'; readonly key: string; readonly value: string } | { readonly kind: 'del'; readonly key: string };

/** The one parser of the command format, shared by every FSM that runs it, so they agree on every input. */
export function parseKvCommand(command: string): KvCommand | undefined {
  if (command.startsWith('del ')) return { kind: 'del', key: command.slice(4) };
  const eq = command.indexOf('=');
  if (eq <= 0) return undefined;
  return { kind: 'put', key: command.slice(0, eq), value: command.slice(eq + 1) };
}

/** sha256 of the map's entries sorted by key: the same for equal maps, whatever their order. */
export function mapHash(map: ReadonlyMap<string, string>): string {
  const sorted = [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Combines a map hash with the applied index it was taken at. */
export function digestHash(mapHashHex: string, appliedIndex: number): string {
  return createHash('sha256').update(`${mapHashHex}@${appliedIndex}`).digest('hex');
}

export class KvFsm implements FSM<KvResult> {
  readonly data = new Map<string, string>();
  /** The last index handed to the FSM (any entry type). */
  lastIndex = 0;

  applyBatch(entries: readonly LogEntry[]): KvResult[] {
    const results: KvResult[] = [];
    for (const entry of entries) {
      this.lastIndex = entry.index;
      results.push(entry.type === LogType.Command ? this.applyCommand(decoder.decode(entry.data)) : 'absent');
    }
    return results;
  }

  apply(entry: LogEntry): KvResult {
    return this.applyBatch([entry])[0]!;
  }

  get(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  snapshot(): FSMSnapshot {
    const bytes = encoder.encode(JSON.stringify([...this.data.entries()]));
    return { persist: (write) => write(bytes), release: () => {} };
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    let text = '';
    for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
    this.data.clear();
    for (const [k, v] of JSON.parse(text) as [string, string][]) this.data.set(k, v);
  }

  private applyCommand(command: string): KvResult {
    const parsed = parseKvCommand(command);
    if (parsed === undefined) return 'bad-command';
    if (parsed.kind === 'del') return this.data.delete(parsed.key) ? 'deleted' : 'absent';
    this.data.set(parsed.key, parsed.value);
    return 'set';
  }
}
