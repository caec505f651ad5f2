/** What the Raft runtime needs from the outside world, injected so tests can control it. */

export interface TimerHandle {
  cancel(): void;
}

/** Milliseconds; `now()` is monotonic. */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}

/** A source of randomness in [0, 1). Seeded in tests so that runs replay. */
export interface Random {
  next(): number;
}

export type LogFields = Record<string, unknown>;

/** Structured logging: a constant message plus fields (winston's shape). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(delayMs, callback) {
    const t = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(t) };
  },
};

export const systemRandom: Random = { next: () => Math.random() };

/** A small, fast, seedable generator (mulberry32); deterministic for a given seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
