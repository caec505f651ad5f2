/**
 * What the fault-injecting proxies do to each directed Raft link (messages from one node to
 * another travel on the sender's own connection, so a direction is a connection).
 *
 * - `up`: bytes pass at once.
 * - `blackhole`: bytes are swallowed and the connection stays open, as a silent network
 *   partition looks to TCP (no reset, no error, the sender's writes just go nowhere). Healing
 *   closes the swallowed connections: their streams have holes, and a real connection that saw
 *   no acknowledgement for that long would have timed out too.
 * - `slow`: every chunk waits `delayMs` plus up to `jitterMs` more, in order.
 * - `lossy`: like slow, and each chunk resets the connection with probability `resetRate` (TCP
 *   turns packet loss into retransmission stalls, and heavy loss into dropped connections).
 */
export type LinkCondition =
  | { readonly mode: 'up' }
  | { readonly mode: 'blackhole' }
  | { readonly mode: 'slow'; readonly delayMs: number; readonly jitterMs: number }
  | { readonly mode: 'lossy'; readonly delayMs: number; readonly jitterMs: number; readonly resetRate: number };

export const LINK_UP: LinkCondition = { mode: 'up' };

type Listener = (from: string, to: string, condition: LinkCondition) => void;

/** The condition of every directed link between the named nodes; all links start up. */
export class LinkFaults {
  private readonly conditions = new Map<string, LinkCondition>();
  private readonly listeners: Listener[] = [];

  constructor(readonly nodes: readonly string[]) {}

  condition(from: string, to: string): LinkCondition {
    return this.conditions.get(key(from, to)) ?? LINK_UP;
  }

  set(from: string, to: string, condition: LinkCondition): void {
    if (from === to) return;
    if (condition.mode === 'up') this.conditions.delete(key(from, to));
    else this.conditions.set(key(from, to), condition);
    for (const l of this.listeners) l(from, to, condition);
  }

  /** Cuts both directions between every node of `side` and every node outside it. */
  isolate(side: readonly string[]): void {
    for (const a of side) {
      for (const b of this.nodes) {
        if (side.includes(b)) continue;
        this.set(a, b, { mode: 'blackhole' });
        this.set(b, a, { mode: 'blackhole' });
      }
    }
  }

  /** Every link of `node`, in the directions asked, gets `condition`. */
  around(node: string, condition: LinkCondition, directions: 'out' | 'in' | 'both' = 'both'): void {
    for (const other of this.nodes) {
      if (other === node) continue;
      if (directions !== 'in') this.set(node, other, condition);
      if (directions !== 'out') this.set(other, node, condition);
    }
  }

  healAll(): void {
    for (const k of [...this.conditions.keys()]) {
      const [from, to] = k.split('\u0000') as [string, string];
      this.set(from, to, LINK_UP);
    }
  }

  /** Faulty links, for the record of a run. */
  describe(): string[] {
    return [...this.conditions].map(([k, c]) => `${k.replace('\u0000', '->')}: ${JSON.stringify(c)}`);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }
}

function key(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
