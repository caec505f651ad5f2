import { decodeConfiguration, emptyConfiguration, type Configuration } from '../configuration';
import { ConfigurationHistory } from '../core/membership';
import { LogType } from '../log';
import type { LogStore } from '../log-store';

interface ConfigurationAt {
  readonly index: number;
  readonly configuration: Configuration;
}

export interface LoadedConfigurations {
  /** The newest configuration entry and the one before it (what a truncation may roll back to). */
  readonly history: ConfigurationHistory;
  /** The configuration in force at `appliedIndex`, and the index it was appended at. */
  readonly atApplied: ConfigurationAt;
}

/**
 * Finds, in one backward scan of the log after the snapshot, what a restarting node needs: the
 * newest configuration entry and the one before it, and the one in force at the applied index
 * (what the next snapshot will record), falling back to the snapshot's where the log holds none.
 * At most one configuration entry can be uncommitted at any time (a leader proposes the next only
 * after the previous committed), so the one before the newest is committed and is all a
 * truncation could ever roll back to. The scan stops as soon as it has both.
 */
export function loadConfigurations(
  logs: LogStore,
  appliedIndex: number,
  snapshot: { index: number; configuration: Configuration; configurationIndex: number } | undefined,
): LoadedConfigurations {
  const found: ConfigurationAt[] = [];
  let atApplied: ConfigurationAt | undefined;
  const floor = Math.max(snapshot?.index ?? 0, logs.firstIndex() - 1, 0);
  for (let i = logs.lastIndex(); i > floor && (found.length < 2 || atApplied === undefined); i--) {
    const e = logs.getLog(i);
    if (e?.type !== LogType.Configuration) continue;
    const at = { index: e.index, configuration: decodeConfiguration(e.data) };
    if (found.length < 2) found.unshift(at);
    if (atApplied === undefined && i <= appliedIndex) atApplied = at;
  }
  const fromSnapshot =
    snapshot && snapshot.configurationIndex > 0 ? { index: snapshot.configurationIndex, configuration: snapshot.configuration } : undefined;
  if (fromSnapshot && found.length < 2 && fromSnapshot.index < (found[0]?.index ?? Infinity)) found.unshift(fromSnapshot);
  return {
    history: new ConfigurationHistory(found),
    atApplied: atApplied ?? fromSnapshot ?? { index: 0, configuration: emptyConfiguration },
  };
}
