/**
 * A real single-member etcd (Debian's etcd-server) on free loopback ports in a temp dir, for the
 * tests that talk to etcd. stop() and start() again keep its data (etcd going away and coming back).
 * Where etcd is not installed, `etcdMissing()` says so: tests skip with that reason, except under
 * CI, where .ci/run installs it and a missing etcd is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePorts } from './free-ports';

/** Why etcd tests cannot run here, or undefined when they can. */
export function etcdMissing(): string | undefined {
  const found = spawnSync('etcd', ['--version'], { stdio: 'ignore' });
  if (found.error === undefined && found.status === 0) return undefined;
  const reason = 'etcd is not installed (apt-get install etcd-server)';
  if (process.env['CI'] !== undefined) throw new Error(`${reason}; .ci/run should have installed it`);
  return reason;
}

export class EtcdServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly clientPort: number,
    private readonly peerPort: number,
  ) {}

  static async start(): Promise<EtcdServer> {
    const [clientPort, peerPort] = await freePorts(2);
    const server = new EtcdServer(mkdtempSync(path.join(tmpdir(), 'minfs-etcd-')), clientPort!, peerPort!);
    await server.resume();
    return server;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.clientPort}`;
  }

  /** Starts etcd (again, on the same ports and data) and waits until it answers. */
  async resume(): Promise<void> {
    const client = `http://127.0.0.1:${this.clientPort}`;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.child = spawn(
      'etcd',
      [
        '--name',
        'test',
        '--data-dir',
        path.join(this.dir, 'data'),
        '--listen-client-urls',
        client,
        '--advertise-client-urls',
        client,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        `test=${peer}`,
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    const probe = new Etcd3({ hosts: client, dialTimeout: 500 });
    try {
      for (let i = 0; ; i++) {
        try {
          await probe.get('probe').options({ deadline: Date.now() + 500 });
          return;
        } catch (error) {
          if (i > 100 || this.child.exitCode !== null) throw new Error(`etcd did not come up: ${String(error)}`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 100)); // another process: nothing to wait on but its port
        }
      }
    } finally {
      probe.close();
    }
  }

  /** Stops etcd (SIGKILL: an outage, not a goodbye); its data stays for resume(). */
  async pause(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
