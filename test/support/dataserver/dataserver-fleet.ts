/** DataServers in this process, each in its own temp dir; stopped and cleaned up when the test ends. */
import type { TestContext } from 'node:test';
import { DataServer, type DataServerOptions } from '../../../src/dataserver';
import { DataClient } from './data-client';
import { makeTempDir, removeDir } from './temp-dir';

export interface RunningDataServer {
  readonly server: DataServer;
  readonly client: DataClient;
  readonly address: string;
  readonly dataDir: string;
}

/** Starts a DataServer (no MetaServer unless `options.metaServers` says so); one hook stops it, then removes its dir. */
export async function startDataServer(t: TestContext, id: string, options: Partial<DataServerOptions> = {}): Promise<RunningDataServer> {
  const ownDir = options.dataDir === undefined ? makeTempDir() : undefined;
  const dataDir = options.dataDir ?? ownDir!;
  const server = new DataServer({ id, dataDir, metaServers: [], ...options });
  await server.start();
  const client = new DataClient(server.address);
  t.after(async () => {
    client.close();
    await server.stop();
    if (ownDir !== undefined) removeDir(ownDir);
  });
  return { server, client, address: server.address, dataDir };
}

export async function startDataServers(
  t: TestContext,
  count: number,
  options: Partial<DataServerOptions> = {},
): Promise<RunningDataServer[]> {
  const servers: RunningDataServer[] = [];
  for (let i = 1; i <= count; i++) servers.push(await startDataServer(t, `dataServer-${i}`, options));
  return servers;
}
