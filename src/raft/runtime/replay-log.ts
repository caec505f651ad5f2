import { CorruptionError } from '../errors';
import type { FSM } from '../fsm';
import type { LogEntry } from '../log';
import { LogType } from '../log';
import type { LogStore } from '../log-store';

/**
 * Hands the stored entries `from..to` to the FSM in batches of at most `batchEntries`, as the
 * applier does (applyBatch, when the FSM has it, gets entries of every type so that it can record
 * its applied index; apply gets commands only). Results are dropped: nobody waits for them.
 * Returns the last entry handed over, undefined when the range is empty.
 */
export async function replayLog<R>(
  fsm: FSM<R>,
  logs: LogStore,
  from: number,
  to: number,
  batchEntries: number,
): Promise<LogEntry | undefined> {
  let last: LogEntry | undefined;
  for (let next = from; next <= to;) {
    const batch = logs.getLogs(next, Math.min(to, next + batchEntries - 1));
    // A hole would silently skip changes the state depends on.
    batch.forEach((e, i) => {
      if (e.index !== next + i) throw new CorruptionError(`log entry ${next + i} is missing (found ${e.index})`);
    });
    if (batch.length === 0) throw new CorruptionError(`log entry ${next} is missing`);
    if (fsm.applyBatch) {
      await fsm.applyBatch(batch);
    } else {
      for (const e of batch) if (e.type === LogType.Command) await fsm.apply(e);
    }
    last = batch.at(-1);
    next += batch.length;
  }
  return last;
}
