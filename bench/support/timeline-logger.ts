/**
 * A Logger for the benchmark's node processes: warnings and errors go to stderr (the parent
 * passes them on), and when each message was logged first and last, and how often, is
 * remembered: that gives the phases of a snapshot transfer ("sending snapshot", "snapshot
 * created", "snapshot received", ...) without the library having to expose them, and counts of
 * trouble (e.g. a full send queue). A diagnostic only: no figure depends on it.
 */
import type { LogFields, Logger } from '../../src/raft';
import { wallNow, type LogMark } from './snapshot-protocol';

export class TimelineLogger implements Logger {
  private readonly marks = new Map<string, LogMark>();

  constructor(
    private readonly id: string,
    private readonly verbose: boolean,
  ) {}

  debug(message: string): void {
    this.mark(message);
  }

  info(message: string, fields?: LogFields): void {
    this.mark(message);
    if (this.verbose) this.print('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.mark(message);
    this.print('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.mark(message);
    this.print('error', message, fields);
  }

  /** Message -> when it was logged first and last (wall-clock ms), and how many times. */
  logged(): Record<string, LogMark> {
    return Object.fromEntries(this.marks);
  }

  private mark(message: string): void {
    const now = wallNow();
    const mark = this.marks.get(message);
    this.marks.set(message, { first: mark?.first ?? now, last: now, count: (mark?.count ?? 0) + 1 });
  }

  private print(level: string, message: string, fields: LogFields | undefined): void {
    // The wall-clock time (ms) first, so verbose logs of different nodes line up with each other and with the latency windows.
    process.stderr.write(`# ${wallNow().toFixed(0)} ${this.id} ${level}: ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}\n`);
  }
}
