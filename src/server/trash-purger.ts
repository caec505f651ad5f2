/**
 * Empties the trash of recursive deletes, on the leader, one bounded purge command after another
 * through the log. Kicked after a delete that left trash, whenever this node becomes leader (a
 * previous leader may have died mid-purge) and after an operator's snapshot restore; stops when
 * the trash is empty or leadership is lost.
 */
import { encodeCommand } from '../meta/commands';
import type { MetaNode } from './meta-node';

export class TrashPurger {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly node: MetaNode) {
    this.unsubscribe = [
      node.raft.on('role-changed', ({ role }) => {
        if (role === 'leader') this.kick();
      }),
      // An operator's snapshot may hold trash of its own (saved mid-purge).
      node.raft.on('user-restored', () => this.kick()),
    ];
  }

  /** Starts purging if there is trash and this node leads; a kick during a run makes it look again. */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when no purge is under way (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    await this.idle();
  }

  private async run(): Promise<void> {
    const { node } = this;
    try {
      // A new leader first applies everything committed before it (barrier), so it sees the trash.
      await node.raft.barrier();
      // The trash is read from LMDB: wait until what Raft handed to the FSM is committed there.
      await node.fsm.settled();
      while (!this.stopped && node.raft.state() === 'leader' && node.reader.hasTrash()) {
        const result = await node.raft.apply(encodeCommand({ op: 'purge', limit: node.settings.purgeBatch, at: node.wallClockMs() }));
        if (!result.ok) {
          node.logger.error('purge refused', { message: result.message });
          return;
        }
        await node.fsm.settled();
      }
    } catch (error: unknown) {
      // Lost leadership or shutting down: the next leader picks the work up.
      node.logger.info('purge paused', { error: String(error) });
    }
  }
}
