import type { FSM } from '../../../src/raft';

/**
 * Wraps an FSM so that `progressed` runs after every batch it applied and every snapshot it
 * restored: the node reports its stats then, so its parent waits on those reports instead of
 * polling.
 */
export function withProgressReports<R>(fsm: FSM<R>, progressed: () => void): FSM<R> {
  const wrapped: FSM<R> = {
    apply: (entry) => {
      const result = fsm.apply(entry);
      if (result instanceof Promise) return result.finally(progressed);
      progressed();
      return result;
    },
    snapshot: () => fsm.snapshot(),
    restore: async (chunks) => {
      await fsm.restore(chunks);
      progressed();
    },
  };
  const applyBatch = fsm.applyBatch?.bind(fsm);
  if (applyBatch !== undefined) {
    wrapped.applyBatch = async (entries) => {
      const results = await applyBatch(entries);
      progressed();
      return results;
    };
  }
  const appliedIndex = fsm.appliedIndex?.bind(fsm);
  if (appliedIndex !== undefined) wrapped.appliedIndex = appliedIndex;
  return wrapped;
}
