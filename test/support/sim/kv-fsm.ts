import { LogType, type FSM, type FSMSnapshot, type LogEntry } from '../../../src/raft/index';
import { chainHash, fingerprint } from './chain-hash';

export interface KvCommand {
  readonly key: string;
  readonly value: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeKvCommand(command: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(command));
}

/** Everything a KvFsm snapshot holds. */
interface KvSnapshot {
  readonly index: number;
  readonly chain: string;
  readonly data: [string, string][];
}

/** What the safety checker hears from a replica's FSM. */
export interface KvFsmObserver {
  /** An entry was applied; `chain` hashes every entry applied so far, in order. */
  applied(entry: LogEntry, chain: string): void;
  /** The state was replaced by a snapshot covering entries up to `index`, whose chain was `chain`. */
  restored(index: number, chain: string): void;
}

/**
 * A key-value register FSM for the simulation. Besides the data it keeps a hash chain of every
 * entry it applied, carried in its snapshots, so the checker can tell whether a replica restored
 * from a snapshot holds exactly the history the others applied up to that index.
 */
export class KvFsm implements FSM<string> {
  readonly data = new Map<string, string>();
  lastApplied = 0;
  chain = '';

  constructor(private readonly observer: KvFsmObserver) {}

  apply(entry: LogEntry): string {
    const command = JSON.parse(decoder.decode(entry.data)) as KvCommand;
    this.data.set(command.key, command.value);
    this.advance(entry);
    return 'ok';
  }

  applyBatch(entries: readonly LogEntry[]): string[] {
    const results: string[] = [];
    for (const e of entries) {
      if (e.type === LogType.Command) results.push(this.apply(e));
      else {
        this.advance(e);
        results.push('');
      }
    }
    return results;
  }

  get(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  digest(): string {
    return JSON.stringify([...this.data.entries()].sort());
  }

  snapshot(): FSMSnapshot {
    const snapshot: KvSnapshot = { index: this.lastApplied, chain: this.chain, data: [...this.data.entries()].sort() };
    const bytes = encoder.encode(JSON.stringify(snapshot));
    return { persist: async (write) => write(bytes), release: () => {} };
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    const snapshot = JSON.parse(decoder.decode(Buffer.concat(parts))) as KvSnapshot;
    this.data.clear();
    for (const [k, v] of snapshot.data) this.data.set(k, v);
    this.lastApplied = snapshot.index;
    this.chain = snapshot.chain;
    this.observer.restored(snapshot.index, snapshot.chain);
  }

  private advance(entry: LogEntry): void {
    if (entry.index !== this.lastApplied + 1) throw new Error(`KvFsm: applied ${entry.index} after ${this.lastApplied}`);
    this.chain = chainHash(this.chain, fingerprint(entry));
    this.lastApplied = entry.index;
    this.observer.applied(entry, this.chain);
  }
}
