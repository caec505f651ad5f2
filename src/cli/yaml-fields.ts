/**
 * Reads one mapping of a YAML document field by field, recording every problem with its key path
 * ("raft.peers[1].raft_addr: ...") instead of stopping at the first, and refusing keys nobody read
 * (a typo must not silently leave a default in place).
 */
import { parseDurationMs } from './durations';

export type Mapping = Readonly<Record<string, unknown>>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class YamlFields {
  private readonly read = new Set<string>();

  constructor(
    private readonly mapping: Mapping,
    readonly path: string,
    private readonly problems: string[],
  ) {}

  /** The fields of `key`'s mapping (an empty one when absent; a problem when not a mapping). */
  static section(root: Mapping, key: string, problems: string[]): YamlFields {
    const value = root[key];
    if (value === undefined || value === null) return new YamlFields({}, key, problems);
    if (!isMapping(value)) {
      problems.push(`${key}: must be a mapping of keys`);
      return new YamlFields({}, key, problems);
    }
    return new YamlFields(value, key, problems);
  }

  /** The fields of a mapping found under `key` (an element of a list: "peers[0]"), sharing these problems. */
  child(mapping: Mapping, key: string): YamlFields {
    return new YamlFields(mapping, this.at(key), this.problems);
  }

  has(key: string): boolean {
    return this.mapping[key] !== undefined && this.mapping[key] !== null;
  }

  raw(key: string): unknown {
    this.read.add(key);
    return this.mapping[key];
  }

  problem(key: string, message: string): void {
    this.problems.push(`${this.at(key)}: ${message}`);
  }

  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  string(key: string, fallback: string, options: { nonEmpty?: boolean } = {}): string {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || (options.nonEmpty !== false && value.trim() === '')) {
      this.problem(key, `must be a non-empty string, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  /** A string when present, undefined when absent. */
  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key, '') : (this.raw(key), undefined);
  }

  integer(key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problem(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.problem(key, `must be true or false, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  /** A Go-style duration string ("10s", "1m30s") in milliseconds, at least `minMs`. */
  duration(key: string, fallbackMs: number, minMs = 1): number {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallbackMs;
    if (typeof value !== 'string') {
      this.problem(key, `must be a duration such as "10s", got ${JSON.stringify(value)}`);
      return fallbackMs;
    }
    const ms = parseDurationMs(value);
    if (typeof ms !== 'number') {
      this.problem(key, ms.problem);
      return fallbackMs;
    }
    if (ms < minMs) {
      this.problem(key, `must be at least ${minMs} ms, got ${value}`);
      return fallbackMs;
    }
    return ms;
  }

  /** A list of non-empty strings. */
  strings(key: string, fallback: readonly string[]): readonly string[] {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
      this.problem(key, `must be a list of non-empty strings, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value as string[];
  }

  /** One of `choices`. */
  choice<T extends string>(key: string, fallback: T, choices: readonly T[]): T {
    const value = this.string(key, fallback);
    if (!(choices as readonly string[]).includes(value)) {
      this.problem(key, `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value as T;
  }

  /** Every key of the mapping that no reader asked for is a problem. */
  finish(): void {
    for (const key of Object.keys(this.mapping)) if (!this.read.has(key)) this.problem(key, 'unknown key');
  }
}

/** "host:port" with a port from 1 to 65535 (0 too when `allowZero`), or a message saying why not. */
export function hostPortProblem(address: string, allowZero = false): string | undefined {
  const at = address.lastIndexOf(':');
  const host = at < 0 ? '' : address.slice(0, at);
  const port = Number(address.slice(at + 1));
  if (at < 0 || host === '' || !/^\d+$/.test(address.slice(at + 1)) || port > 65535 || (port === 0 && !allowZero)) {
    return `must be host:port, got ${JSON.stringify(address)}`;
  }
  return undefined;
}
