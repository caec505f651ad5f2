import { decodeConfiguration, type Configuration } from '../configuration';
import { ConfigurationHistory } from '../core/membership';
import { LogType } from '../log';
import type { LogStore } from '../log-store';

/**
 * Finds the configurations a restarting node needs: the newest configuration entry in the log
 * and the one before it, falling back to the snapshot's where the log holds fewer. At most one
 * configuration entry can be uncommitted at any time (a leader proposes the next only after the
 * previous committed), so the one before the newest is committed and is all a truncation could
 * ever roll back to.
 */
export function loadConfigurations(logs: LogStore, snapshot?: { configuration: Configuration; configurationIndex: number }): ConfigurationHistory {
  const found: { index: number; configuration: Configuration }[] = [];
  const first = logs.firstIndex();
  for (let i = logs.lastIndex(); i >= first && i > 0 && found.length < 2; i--) {
    const e = logs.getLog(i);
    if (e?.type === LogType.Configuration) found.unshift({ index: e.index, configuration: decodeConfiguration(e.data) });
  }
  if (snapshot && snapshot.configurationIndex > 0 && found.length < 2 && snapshot.configurationIndex < (found[0]?.index ?? Infinity)) {
    found.unshift({ index: snapshot.configurationIndex, configuration: snapshot.configuration });
  }
  return new ConfigurationHistory(found);
}
