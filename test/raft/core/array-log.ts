import type { Configuration } from '../../../src/raft/configuration';
import { encodeConfiguration } from '../../../src/raft/configuration';
import type { LogEntry } from '../../../src/raft/log';
import { LogType } from '../../../src/raft/log';
import type { LogReader, LogWrite } from '../../../src/raft/core/raft-log';

/**
 * The smallest durable log a pure test needs: a contiguous array of entries behind the
 * LogReader interface. `apply` plays the runtime's storage writer (truncate, then append), so
 * a test decides exactly when a write becomes "durable".
 */
export class ArrayLog implements LogReader {
  private stored: LogEntry[];
  /** Reads that reached this store (to prove which reads the RaftLog serves from memory). */
  reads = 0;

  constructor(initial: readonly LogEntry[] = []) {
    this.stored = initial.slice();
    this.stored.forEach((e, i) => {
      if (e.index !== (this.stored[0]?.index ?? 1) + i) throw new Error(`ArrayLog: entries must be contiguous at ${e.index}`);
    });
  }

  firstIndex(): number {
    return this.stored[0]?.index ?? 0;
  }

  lastIndex(): number {
    return this.stored.at(-1)?.index ?? 0;
  }

  getLog(index: number): LogEntry | undefined {
    this.reads++;
    const first = this.firstIndex();
    if (this.stored.length === 0 || index < first || index > this.lastIndex()) return undefined;
    return this.stored[index - first];
  }

  /** Same batching rule as InmemLogStore: stop before the payload total passes maxBytes, at least one. */
  getLogs(from: number, to: number, maxBytes = Infinity): LogEntry[] {
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let index = from; index <= to; index++) {
      const e = this.getLog(index);
      if (e === undefined) break;
      bytes += e.data.byteLength;
      if (bytes > maxBytes && out.length > 0) break;
      out.push(e);
    }
    return out;
  }

  /** Makes a LogWrite durable, checking that the core hands out a contiguous log. */
  apply(write: LogWrite): void {
    if (write.compactThrough !== undefined) {
      const through = write.compactThrough;
      this.stored = this.stored.filter((e) => e.index > through);
    }
    if (write.truncateFrom !== undefined) {
      const cut = write.truncateFrom;
      this.stored = this.stored.filter((e) => e.index < cut);
    }
    for (const e of write.entries) {
      const expected = this.stored.length === 0 ? e.index : this.lastIndex() + 1;
      if (e.index !== expected) throw new Error(`ArrayLog.apply: entry ${e.index} does not follow ${this.lastIndex()}`);
      this.stored.push(e);
    }
  }

  all(): readonly LogEntry[] {
    return this.stored;
  }
}

export function entry(index: number, term: number, payloadBytes = 0): LogEntry {
  return { index, term, type: LogType.Command, data: new Uint8Array(payloadBytes) };
}

/** Entries `from..from+terms.length-1` with the given terms. */
export function entriesWithTerms(from: number, terms: readonly number[]): LogEntry[] {
  return terms.map((t, i) => entry(from + i, t));
}

export function configEntry(index: number, term: number, configuration: Configuration): LogEntry {
  return { index, term, type: LogType.Configuration, data: encodeConfiguration(configuration) };
}

export function votersConfig(ids: readonly string[], nonvoters: readonly string[] = []): Configuration {
  return {
    servers: [
      ...ids.map((id) => ({ id, address: `addr-${id}`, suffrage: 'voter' as const })),
      ...nonvoters.map((id) => ({ id, address: `addr-${id}`, suffrage: 'nonvoter' as const })),
    ],
  };
}
