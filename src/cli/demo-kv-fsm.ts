import type { FSM, FSMSnapshot, LogEntry } from '../raft/index';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The demo's state machine: `key=value` commands into an in-memory map (rebuilt from the log). */
export class DemoKvFsm implements FSM<number> {
  readonly data = new Map<string, string>();

  apply(entry: LogEntry): number {
    const text = decoder.decode(entry.data);
    const eq = text.indexOf('=');
    if (eq > 0) this.data.set(text.slice(0, eq), text.slice(eq + 1));
    return this.data.size;
  }

  snapshot(): FSMSnapshot {
    const body = encoder.encode(JSON.stringify([...this.data]));
    return { persist: (write) => write(body), release: () => {} };
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    let text = '';
    for await (const c of chunks) text += decoder.decode(c, { stream: true });
    this.data.clear();
    for (const [k, v] of JSON.parse(text) as [string, string][]) this.data.set(k, v);
  }
}
