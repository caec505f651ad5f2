/**
 * mapHash() of process-cluster/kv-fsm.ts computed as a stream: sha256 over the JSON text of the
 * entries in key order, fed one entry at a time, so a million keys never sit in memory at once
 * and a replica on LMDB can be compared with a model Map by the very same hash.
 */
import { createHash, type Hash } from 'node:crypto';

export class MapHasher {
  private readonly hash: Hash = createHash('sha256').update('[');
  private count = 0;

  /** Entries must come in the order mapHash sorts them (see LmdbKvFsm.digest for when LMDB's agrees). */
  add(key: string, value: string): void {
    this.hash.update((this.count === 0 ? '' : ',') + JSON.stringify([key, value]));
    this.count++;
  }

  /** Ends the stream; the hasher cannot be used afterwards. */
  finish(): { mapHash: string; keys: number } {
    return { mapHash: this.hash.update(']').digest('hex'), keys: this.count };
  }
}
