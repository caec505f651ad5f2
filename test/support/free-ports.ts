import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** Where the kernel hands out ephemeral ports (port-0 listeners, outgoing connections' source ports). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Binds `port` on loopback; undefined when it is taken. */
function hold(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * `count` distinct loopback ports that were free a moment ago, for configurations that must name
 * their ports before anything binds (a MetaServer's config.yaml lists every peer's addresses).
 *
 * They are drawn below the kernel's ephemeral range: a process restarted on its port later in a
 * test would otherwise find it taken by some connection's source port or another test's port-0
 * listener (seen in CI: "EADDRINUSE" on a node restarted after SIGTERM). All are held at once, so
 * no two are the same; they are released before this resolves.
 */
export async function freePorts(count: number): Promise<number[]> {
  const low = 10_000;
  const high = ephemeralLow() - 1;
  const held = new Map<number, Server>();
  try {
    for (let attempts = 0; held.size < count; attempts++) {
      if (attempts > count * 100) throw new Error(`no ${count} free ports between ${low} and ${high}`);
      const port = randomInt(low, high + 1);
      if (held.has(port)) continue;
      const server = await hold(port);
      if (server !== undefined) held.set(port, server);
    }
    return [...held.keys()];
  } finally {
    await Promise.all([...held.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
