import type { Configuration } from '../configuration';
import { decodeConfiguration } from '../configuration';
import type { LogEntry } from '../log';
import { LogType } from '../log';

/** What a snapshot taken now would cover: the FSM's last applied entry and the membership in force there. */
export interface AppliedPoint {
  readonly index: number;
  readonly term: number;
  readonly configuration: Configuration;
  readonly configurationIndex: number;
}

/**
 * Follows the FSM's applied index together with its term and the configuration in force there.
 * The core's configuration history runs ahead (a configuration takes effect when appended) and
 * forgets old committed ones, so the point a snapshot describes is tracked here as entries apply.
 */
export class AppliedPointTracker {
  private point: AppliedPoint;

  constructor(initial: AppliedPoint) {
    this.point = initial;
  }

  current(): AppliedPoint {
    return this.point;
  }

  /** Entries just applied, in order. */
  applied(entries: readonly LogEntry[]): void {
    let { configuration, configurationIndex } = this.point;
    for (const e of entries) {
      if (e.type === LogType.Configuration) {
        configuration = decodeConfiguration(e.data);
        configurationIndex = e.index;
      }
    }
    const last = entries.at(-1);
    if (last) this.point = { index: last.index, term: last.term, configuration, configurationIndex };
  }

  /** The FSM was replaced by a snapshot's state. */
  reset(point: AppliedPoint): void {
    this.point = point;
  }
}
