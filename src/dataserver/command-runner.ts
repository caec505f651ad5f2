/**
 * Carries out the commands of heartbeat replies (compat §2.2): DELETE_BLOCK deletes the local copy
 * (its `targets` list every holder and is ignored), COPY_BLOCK pulls the block from `targets[0]`, the
 * source. Commands run in the background, so the heartbeat loop never waits for them, and are
 * idempotent, because the MetaServer re-sends a command until a block report confirms it: a delete of
 * an absent block is done, a copy of a block already here or already under way is not started again
 * (block-copier.ts, which also bounds how many copies run at once). Unknown actions are logged and
 * ignored.
 */
import type { Command__Output } from '../generated/dfs_project/Command';
import { parseBlockId } from './block-id';
import type { BlockCopier } from './block-copier';
import type { BlockStore } from './block-store';
import { deleteBlock } from './block-deletion';
import type { CommandOutcome, CommandSettledEvent } from './events';
import { type DataServerLogger } from './logger';
import { describeStatus } from './service-errors';

export class CommandRunner {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: BlockStore,
    private readonly copier: BlockCopier,
    private readonly logger: DataServerLogger,
    private readonly onSettled: (event: CommandSettledEvent) => void,
  ) {}

  /** Starts every command and returns at once. */
  dispatch(commands: readonly Command__Output[]): void {
    for (const command of commands) {
      const task = this.execute(command).then(
        (outcome) => this.settled(command, outcome),
        (error: unknown) => this.settled(command, 'failed', describeStatus(error)),
      );
      this.pending.add(task);
      void task.finally(() => this.pending.delete(task));
    }
  }

  /** Waits for the commands started so far (the copier's stop() aborts the copies among them). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async execute(command: Command__Output): Promise<CommandOutcome> {
    // proto-loader gives known enum values by name and unknown ones by number.
    switch (String(command.action)) {
      case 'DELETE_BLOCK':
        return (await deleteBlock(this.store, this.copier, command.block_id)) ? 'deleted' : 'absent';
      case 'COPY_BLOCK': {
        const source = command.targets[0]?.trim() ?? '';
        if (source === '') throw new Error(`COPY_BLOCK of block ${command.block_id} names no source in targets`);
        return this.copier.copy(parseBlockId(command.block_id), source);
      }
      default:
        return 'ignored';
    }
  }

  private settled(command: Command__Output, outcome: CommandOutcome, error?: string): void {
    const fields = { action: String(command.action), blockId: command.block_id, targets: command.targets, outcome, error };
    if (outcome === 'failed') this.logger.warn('command failed', fields);
    else if (outcome === 'ignored') this.logger.warn('unknown command action ignored', fields);
    else this.logger.debug('command done', fields);
    this.onSettled({ action: fields.action, blockId: command.block_id, outcome, ...(error === undefined ? {} : { error }) });
  }
}
