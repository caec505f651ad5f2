import { LogType, type FSM, type FSMSnapshot, type LogEntry } from '../../../src/raft/index';

export interface KvCommand {
  readonly key: string;
  readonly value: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeKvCommand(command: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(command));
}

/** A key-value register FSM for the simulation; `onApply` lets the safety checker watch. */
export class KvFsm implements FSM<string> {
  readonly data = new Map<string, string>();
  lastApplied = 0;

  constructor(private readonly onApply: (entry: LogEntry) => void) {}

  apply(entry: LogEntry): string {
    const command = JSON.parse(decoder.decode(entry.data)) as KvCommand;
    this.data.set(command.key, command.value);
    this.lastApplied = entry.index;
    this.onApply(entry);
    return 'ok';
  }

  applyBatch(entries: readonly LogEntry[]): string[] {
    const results: string[] = [];
    for (const e of entries) {
      if (e.type === LogType.Command) results.push(this.apply(e));
      else {
        this.lastApplied = e.index;
        this.onApply(e);
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
    const copy = this.digest();
    return { persist: async (write) => write(encoder.encode(copy)), release: () => {} };
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    let text = '';
    for await (const c of chunks) text += decoder.decode(c);
    this.data.clear();
    for (const [k, v] of JSON.parse(text) as [string, string][]) this.data.set(k, v);
  }
}
