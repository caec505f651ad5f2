import { fork, type ChildProcess } from 'node:child_process';

export interface ForkedNodeOptions {
  readonly script: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
  /** Start through nice(1) at this value: every thread inherits it (setpriority on a running
   * process would change its main thread only, not its GC, libuv and LMDB threads). */
  readonly nice?: number | undefined;
  /** Every IPC message from the child, unchecked. */
  readonly onMessage: (message: unknown) => void;
  /** The child failed to start, or exited without being asked to stop. */
  readonly onFailure: (error: Error) => void;
}

/**
 * One node program forked by a benchmark's parent, with IPC. Its stdout goes to our stderr
 * (stdout is for the JSON lines); an exit nobody asked for is reported as a failure.
 */
/** `P`: the messages the parent sends it. */
export class ForkedNode<P extends object> {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private stopping = false;

  constructor(
    readonly id: string,
    options: ForkedNodeOptions,
  ) {
    const { nice, execArgv } = options;
    this.child = fork(options.script, [...options.args], {
      ...(nice === undefined
        ? { execArgv: [...execArgv] }
        : { execPath: 'nice', execArgv: ['-n', String(nice), process.execPath, ...execArgv] }),
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    this.child.on('message', options.onMessage);
    this.child.on('error', (error) => options.onFailure(new Error(`node ${id}: ${error.message}`)));
    this.exited = new Promise<void>((resolve) => {
      this.child.once('exit', (code, signal) => {
        if (!this.stopping) options.onFailure(new Error(`node ${id} exited early (code ${code}, signal ${signal})`));
        else if (code !== 0) process.stderr.write(`# node ${id} exited with code ${code}, signal ${signal}\n`);
        resolve();
      });
    });
  }

  send(message: P): void {
    if (!this.child.connected) throw new Error(`node ${this.id} is not connected`);
    this.child.send(message);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves once it has exited. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([this.exited.then(() => 'exited' as const), grace]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      process.stderr.write(`# node ${this.id} did not stop within ${graceMs} ms: SIGKILL\n`);
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
