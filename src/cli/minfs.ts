#!/usr/bin/env node
/**
 * minfs: the command-line client of a minfs cluster. A thin layer over src/client: it parses the
 * command line (commander), makes one MinfsClient, calls one library method and prints the result
 * as text (minfs-format.ts) or, with --json, as JSON. Exit codes: 0 success, 1 a failed operation
 * (the server's refusal, an unreachable cluster, a local file error), 2 a usage error.
 */
import { statSync } from 'node:fs';
import { basename, join, posix, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { MinfsClient, MinfsError, type FileStat, type MetaTlsOptions } from '../client';
import { clusterText, entryName, getSummary, longEntry, putSummary, replicationText, statText } from './minfs-format';
import { withProgress } from './minfs-progress';
import { CLIENT_TLS_NAMES, loadTlsFiles, tlsFilesFromFlagsOrEnv, TlsFilesError } from './tls-files';

/** What `npm start` runs: three MetaServers on loopback. */
export const DEFAULT_META = '127.0.0.1:9090,127.0.0.1:9091,127.0.0.1:9092';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface MinfsIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Progress bars are drawn only on a terminal. */
  readonly stderrIsTTY: boolean;
}

/** A command line that cannot be acted on (reported like commander's own usage errors). */
class UsageError extends Error {}

interface GlobalOptions {
  meta?: string;
  wait: string;
  ca?: string;
  cert?: string;
  key?: string;
}

/** "a:1,b:2" -> ["a:1", "b:2"]; every entry must be host:port. */
export function parseMetaAddresses(value: string): string[] {
  const addresses = value
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (addresses.length === 0) throw new UsageError('no MetaServer address given (--meta or MINFS_META)');
  for (const address of addresses) {
    if (!/^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(address))
      throw new UsageError(`invalid MetaServer address '${address}' (expected host:port)`);
  }
  return addresses;
}

/** --ca/--cert/--key (or MINFS_CA/MINFS_CERT/MINFS_KEY): TLS to the MetaServers when any is given. */
function clientTls(
  flags: { ca?: string; cert?: string; key?: string },
  env: Readonly<Record<string, string | undefined>>,
): MetaTlsOptions | undefined {
  try {
    return loadTlsFiles(tlsFilesFromFlagsOrEnv(flags, env, CLIENT_TLS_NAMES));
  } catch (error) {
    if (error instanceof TlsFilesError) throw new UsageError(error.message);
    throw error;
  }
}

function parseWait(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`invalid --wait '${value}' (expected seconds >= 0)`);
  return seconds * 1000;
}

/** Runs one command line; resolves to the exit code. Never calls process.exit. */
export async function runMinfs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: MinfsIo): Promise<number> {
  let client: MinfsClient | undefined;
  let commandName = '';
  const say = (text: string): void => void io.stdout.write(`${text}\n`);
  const json = (value: unknown): void => say(JSON.stringify(value, null, 2));
  const progressStream = (enabled: boolean): Writable | undefined => (enabled && io.stderrIsTTY ? io.stderr : undefined);

  const connect = (command: Command): MinfsClient => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const metaAddresses = parseMetaAddresses(options.meta ?? env.MINFS_META ?? DEFAULT_META);
    const tls = clientTls(options, env);
    client = new MinfsClient({ metaAddresses, retryForMs: parseWait(options.wait), tls });
    return client;
  };

  const program = new Command('minfs')
    .description('Command-line client of the minfs distributed file system.')
    .option('--meta <addresses>', `MetaServer addresses, comma-separated; any of them will do (env MINFS_META, default ${DEFAULT_META})`)
    .option('--wait <seconds>', 'how long to keep retrying while no MetaServer leader answers', '10')
    .option('--ca <file>', 'TLS to the MetaServers (config.yaml tls.grpc on): PEM CA their certificates chain to (env MINFS_CA)')
    .option('--cert <file>', 'PEM client certificate, when the MetaServers require one (env MINFS_CERT)')
    .option('--key <file>', 'PEM private key of --cert (env MINFS_KEY); block transfers to DataServers stay plaintext')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .hook('preAction', (_program, action) => {
      commandName = action.name();
    });

  program
    .command('put')
    .description('upload a local file ("-" for stdin) to a path in minfs')
    .argument('<local>', 'local file, or - for standard input')
    .argument('<remote>', 'minfs path; an existing directory or a trailing / puts the file inside it')
    .option('-f, --force', 'overwrite an existing file')
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'never draw a progress bar')
    .action(async (local: string, remote: string, options: { force?: boolean; json?: boolean; progress: boolean }, command: Command) => {
      const c = connect(command);
      const target = await remoteTarget(c, local, remote);
      const source = local === '-' ? io.stdin : local;
      const result = await withProgress('put', progressStream(options.progress), (onProgress) =>
        c.put(source, target, { overwrite: options.force === true, onProgress }).catch(hintForce),
      );
      if (options.json) json(result);
      else say(putSummary(local === '-' ? 'stdin' : local, result));
    });

  program
    .command('get')
    .description('download a file from minfs to a local path ("-" for stdout)')
    .argument('<remote>', 'minfs path of a file')
    .argument('<local>', 'local path (an existing directory or a trailing / keeps the name), or - for standard output')
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'never draw a progress bar')
    .action(async (remote: string, local: string, options: { json?: boolean; progress: boolean }, command: Command) => {
      const c = connect(command);
      const stream = progressStream(options.progress);
      if (local === '-') {
        // The content goes to stdout: a summary there would corrupt it.
        await withProgress('get', stream, (onProgress) => c.get(remote, io.stdout, { onProgress }));
        return;
      }
      const target = localTarget(local, remote);
      const result = await withProgress('get', stream, (onProgress) => c.get(remote, target, { onProgress }));
      if (options.json) json({ ...result, local: target });
      else say(getSummary(target, result));
    });

  program
    .command('ls')
    .description('list a directory (or show a file)')
    .argument('[path]', 'minfs path', '/')
    .option('-l, --long', 'type, size in bytes, modification time and name')
    .option('--json', 'print the entries as JSON')
    .action(async (path: string, options: { long?: boolean; json?: boolean }, command: Command) => {
      const c = connect(command);
      const show = (entry: FileStat): void => say(options.long ? longEntry(entry) : entryName(entry));
      const entries: FileStat[] = [];
      let count = 0;
      // Printed page by page, so a huge directory starts showing at once.
      for await (const page of c.lsPages(path)) {
        count += page.length;
        if (options.json) entries.push(...page);
        else page.forEach(show);
      }
      // ListDirectory gives a file no children: show the file itself, as ls does.
      if (count === 0) {
        const self = await c.stat(path);
        if (self.type !== 'Directory') {
          if (options.json) entries.push(self);
          else show(self);
        }
      }
      if (options.json) json(entries);
    });

  program
    .command('stat')
    .description('show a file or directory; for a file also its blocks and replicas')
    .argument('<path>', 'minfs path')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, options: { json?: boolean }, command: Command) => {
      const info = await connect(command).stat(path);
      if (options.json) json(info);
      else say(statText(info));
    });

  program
    .command('mkdir')
    .description('create a directory')
    .argument('<path>', 'minfs path')
    .option('-p, --parents', 'create missing parent directories; an existing directory is no error')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, options: { parents?: boolean; json?: boolean }, command: Command) => {
      await connect(command).mkdir(path, { parents: options.parents === true });
      if (options.json) json({ created: path });
      else say(`created directory ${path}`);
    });

  program
    .command('rm')
    .description('delete a file or an empty directory')
    .argument('<path>', 'minfs path')
    .option('-r, --recursive', 'delete a directory and everything below it')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, options: { recursive?: boolean; json?: boolean }, command: Command) => {
      await connect(command).rm(path, { recursive: options.recursive === true });
      if (options.json) json({ removed: path });
      else say(`removed ${path}`);
    });

  program
    .command('mv')
    .description('rename a file or directory (the destination must not exist)')
    .argument('<from>', 'minfs path')
    .argument('<to>', 'new minfs path')
    .option('--json', 'print the result as JSON')
    .action(async (from: string, to: string, options: { json?: boolean }, command: Command) => {
      await connect(command).mv(from, to);
      if (options.json) json({ from, to });
      else say(`renamed ${from} -> ${to}`);
    });

  program
    .command('cluster')
    .description('show the MetaServers and the DataServers the leader hears from')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const summary = await connect(command).cluster();
      if (options.json) json(summary);
      else say(clusterText(summary));
    });

  program
    .command('replication')
    .description('show how well the blocks of a file (or of every file) are replicated')
    .argument('[path]', 'minfs path of a file; every file when omitted', '')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, options: { json?: boolean }, command: Command) => {
      const report = await connect(command).replication(path);
      if (options.json) json(report);
      else say(replicationText(report));
    });

  // Commander's own usage errors, as one line in the same shape as ours.
  for (const command of [program, ...program.commands]) {
    const prefix = command === program ? 'minfs: ' : `minfs: ${command.name()}: `;
    command.configureOutput({ outputError: (text, write) => write(`${prefix}${oneLine(text.replace(/^error: /, ''))}\n`) });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error: unknown) {
    // Help asked for exits 0; help shown because a command was missing, or any other usage error, exits 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const prefix = commandName === '' ? 'minfs: ' : `minfs: ${commandName}: `;
    io.stderr.write(`${prefix}${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  } finally {
    client?.close();
  }
}

/** Where `put` writes: inside `remote` when it is (or is written as) a directory, like cp. */
async function remoteTarget(client: MinfsClient, local: string, remote: string): Promise<string> {
  const name = local === '-' ? undefined : basename(local);
  if (remote.endsWith('/')) {
    if (name === undefined) throw new UsageError('give the remote file a name when reading standard input');
    return posix.join(remote, name);
  }
  if (name === undefined) return remote;
  const existing = await client.statIfExists(remote);
  return existing?.type === 'Directory' ? posix.join(remote, name) : remote;
}

/** Where `get` writes: inside `local` when it is (or is written as) a directory, like cp. */
function localTarget(local: string, remote: string): string {
  const name = posix.basename(remote);
  if (local.endsWith('/') || local.endsWith(sep)) return join(local, name);
  try {
    return statSync(local).isDirectory() ? join(local, name) : local;
  } catch {
    return local;
  }
}

/** put's ALREADY_EXISTS, with the flag that gets past it. */
function hintForce(error: unknown): never {
  if (error instanceof MinfsError && error.codeName === 'ALREADY_EXISTS')
    throw new MinfsError(error.code, `${error.message} (use --force to overwrite)`);
  throw error;
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

if (require.main === module) {
  // A reader that went away (`minfs ls | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    throw error;
  });
  void runMinfs(process.argv.slice(2), process.env, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
