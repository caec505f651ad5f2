/**
 * What the request handlers of one MetaServer work with. The composition root (src/cli, or the
 * test harness) builds it from real objects; handlers never create I/O themselves.
 */
import type { Clock, Logger, Raft } from '../raft';
import type { MetaFsm } from '../meta/meta-fsm';
import type { NamespaceReader } from '../meta/namespace-reader';
import type { MetaResult } from '../meta/results';
import type { BlockUpkeep } from '../cluster/block-upkeep';
import type { MemberDirectory } from './members';

export interface MetaNodeSettings {
  /** Raft server id of this node. */
  readonly nodeId: string;
  /** Replication factor of new files and directories. */
  readonly defaultReplication: number;
  /** Nodes removed per purge command of a recursive delete. */
  readonly purgeBatch: number;
  /** The software version, reported by the admin Status call. */
  readonly version?: string;
}

export interface MetaNode {
  readonly settings: MetaNodeSettings;
  readonly raft: Raft<MetaResult>;
  readonly fsm: MetaFsm;
  readonly reader: NamespaceReader;
  /** The leader's DataServer view, heartbeat answers, repairs and deletions. */
  readonly upkeep: BlockUpkeep;
  readonly members: MemberDirectory;
  /** Monotonic clock for timeouts and liveness. */
  readonly clock: Clock;
  /** Wall clock, whole Unix ms: the leader's choice of mtime for the commands it proposes. */
  readonly wallClockMs: () => number;
  readonly logger: Logger;
}
