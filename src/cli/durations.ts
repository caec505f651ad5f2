/**
 * Go-style durations, as the original minfs config.yaml writes them ("500ms", "10s", "1m",
 * "1m30s", "2h"): a sequence of decimal numbers, each with a unit (ms, s, m, h). Whole
 * milliseconds only: "1.5s" is 1,500 ms, "0.5ms" is refused.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** The duration in milliseconds, or a message saying why `text` is not one. */
export function parseDurationMs(text: string): number | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { problem: 'is empty, expected a duration such as "10s"' };
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const at = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (match === null || match.index !== at) return { problem: `"${text}" is not a duration (use ms, s, m or h, as in "1m30s")` };
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  if (!Number.isSafeInteger(total)) return { problem: `"${text}" is not a whole number of milliseconds` };
  return total;
}

/** "90s" for 90,000 ms, "1500ms" for 1,500: what a config file would say. */
export function formatDurationMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
