/**
 * The parent's queue of messages from its node processes: `next(type)` resolves with the first
 * queued or future message of that type (optionally from one node), or rejects on timeout or
 * once the inbox has failed (a node reported `failed` or died). A failure is sticky.
 */
import type { ChildMessage } from './tcp-protocol';

type MessageOf<K extends ChildMessage['type']> = Extract<ChildMessage, { type: K }>;

interface Waiter {
  readonly matches: (message: ChildMessage) => boolean;
  readonly resolve: (message: ChildMessage) => void;
  readonly reject: (error: Error) => void;
}

export class Inbox {
  private readonly queue: ChildMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  private failure: Error | undefined;

  push(message: ChildMessage): void {
    if (message.type === 'failed') return this.fail(new Error(`node ${message.id} failed: ${message.message}`));
    for (const w of this.waiters) {
      if (w.matches(message)) {
        this.waiters.delete(w);
        return w.resolve(message);
      }
    }
    this.queue.push(message);
  }

  fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiters) w.reject(this.failure);
    this.waiters.clear();
  }

  next<K extends ChildMessage['type']>(type: K, timeoutMs: number, from?: string): Promise<MessageOf<K>> {
    const matches = (m: ChildMessage): m is MessageOf<K> => m.type === type && (from === undefined || m.id === from);
    const queued = this.queue.findIndex(matches);
    if (queued >= 0) return Promise.resolve(this.queue.splice(queued, 1)[0] as MessageOf<K>);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<MessageOf<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no '${type}' message${from === undefined ? '' : ` from ${from}`} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        matches,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as MessageOf<K>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }
}
