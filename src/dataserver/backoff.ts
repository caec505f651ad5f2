/**
 * Delays between attempts to reach a MetaServer after failures: exponential from `initialMs`, capped
 * at `maxMs`, with "equal jitter" (half fixed, half random) so that DataServers restarted together do
 * not knock on the new leader in lockstep.
 */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
}

export function backoffDelay(failures: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(settings.maxMs, settings.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
