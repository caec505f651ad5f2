#!/usr/bin/env node
/**
 * minfs-admin: the operators' tool for a MetaServer cluster, over the MetaAdmin gRPC service.
 *
 *   status                               every node's role, term, log indices and lag
 *   members                              the Raft configuration, with each member's gRPC address
 *   add-voter ID RAFT_ADDR [GRPC_ADDR]   add a voter (leader only; found automatically)
 *   add-nonvoter ID RAFT_ADDR [GRPC_ADDR]
 *   remove ID                            remove a member
 *   transfer-leader [ID]                 hand leadership over (to ID, or the most up-to-date voter)
 *   snapshot save FILE                   a point-in-time copy of the namespace, from the leader
 *   snapshot restore FILE                replace every replica's namespace with a saved copy
 *   check                                compare every replica's namespace digest at one log index
 *   import LISTING                       create the files and directories a listing names (- : stdin)
 *   recover                              offline: force a new configuration on a stopped node
 *
 * Servers come from --servers, else config.yaml's raft.peers (--config), else the local cluster.
 * TLS to them comes from --ca/--cert/--key (MINFS_CA/MINFS_CERT/MINFS_KEY), else from config.yaml's
 * tls.grpc when the servers come from it.
 * Exit codes: 0 done (check: every replica agrees), 1 failed (check: replicas differ; import:
 * some nodes could not be created),
 * 2 a usage error, 3 check could not reach or hear from every replica.
 */
import { createReadStream, createWriteStream, existsSync, fsyncSync, openSync, closeSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { Command, CommanderError } from 'commander';
import { grpcPeerCredentials } from '../server/grpc-tls';
import { metaChannelCredentials, type MetaTlsOptions } from '../wire/meta-tls';
import { AdminCallError, AdminClient, AdminClients, NoLeaderFoundError, surveyCluster, surveyMembers, type ClusterView } from './admin-client';
import { loadMetaServerConfig } from './meta-server-config';
import { parseMetaAddresses, DEFAULT_META } from './minfs';
import { runImport } from './minfs-admin-import';
import { runRebuild } from './minfs-admin-rebuild';
import { runRecover } from './minfs-admin-recover';
import { CLIENT_TLS_NAMES, loadTlsFiles, tlsFilesFromFlagsOrEnv, TlsFilesError } from './tls-files';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INCOMPLETE = 3;

export interface AdminIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

interface GlobalOptions {
  servers?: string;
  config: string;
  json?: boolean;
  timeout: string;
  ca?: string;
  cert?: string;
  key?: string;
}

class UsageError extends Error {}

/** Check's verdict, carried out of the action to become the exit code. */
class CheckVerdict extends Error {
  constructor(readonly exitCode: number) {
    super('check verdict');
  }
}

export async function runAdmin(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: AdminIo): Promise<number> {
  const say = (text: string): void => void io.stdout.write(`${text}\n`);
  let timeoutMs = 10_000;
  /**
   * --ca/--cert/--key (or MINFS_CA/MINFS_CERT/MINFS_KEY) when given, else config.yaml's tls.grpc
   * when the servers come from it (the tool then speaks TLS as the nodes do), else plaintext.
   */
  let credentials: ChannelCredentials | undefined;
  // Made on first use, after the options (timeout) and config.yaml (credentials) were read.
  const clients = new AdminClients((address) => new AdminClient(address, credentials, timeoutMs));
  const clientFor = clients.get;

  /** The seed addresses: --servers, MINFS_META, config.yaml's peers, or the local cluster's. */
  const seeds = (options: GlobalOptions): string[] => {
    const tls = flaggedTls(options, env);
    if (tls !== undefined) credentials = metaChannelCredentials(tls);
    const given = options.servers ?? env.MINFS_META;
    if (given !== undefined) return parseMetaAddresses(given);
    if (existsSync(options.config)) {
      const config = loadMetaServerConfig(options.config);
      if (Array.isArray(config)) throw new UsageError(`${options.config}: ${config.join('; ')}`);
      credentials ??= grpcPeerCredentials(config.tls.grpc);
      return config.peers.map((p) => p.grpcAddr);
    }
    return parseMetaAddresses(DEFAULT_META);
  };

  const globals = (command: Command): GlobalOptions => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const t = Number(options.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new UsageError(`invalid --timeout '${options.timeout}' (expected seconds > 0)`);
    timeoutMs = t * 1000;
    return options;
  };

  /** The seeds plus every member's gRPC address (joined nodes too). */
  const survey = (options: GlobalOptions): Promise<ClusterView> => surveyMembers(seeds(options), clientFor);

  const leader = async (options: GlobalOptions): Promise<AdminClient> => {
    const view = await survey(options);
    if (view.leaderAddress === undefined) {
      const why = [...view.unreachable].map(([a, e]) => `${a}: ${e}`).join('; ');
      throw new NoLeaderFoundError(
        `no leader found among ${[...view.statuses.keys(), ...view.unreachable.keys()].join(', ')}${why === '' ? '' : ` (${why})`}`,
      );
    }
    return clientFor(view.leaderAddress);
  };

  const program = new Command('minfs-admin')
    .description('Operate a minfs MetaServer cluster.')
    .option('--servers <addresses>', 'MetaServer gRPC addresses, comma-separated (env MINFS_META; default: config.yaml peers)')
    .option('--config <file>', 'config.yaml whose raft.peers give the servers', 'config.yaml')
    .option('--json', 'print results as JSON')
    .option('--timeout <seconds>', 'timeout of each change', '10')
    .option('--ca <file>', "TLS to the MetaServers: PEM CA their certificates chain to (env MINFS_CA; default: config.yaml's tls.grpc)")
    .option('--cert <file>', 'PEM client certificate, when the MetaServers require one (env MINFS_CERT)')
    .option('--key <file>', 'PEM private key of --cert (env MINFS_KEY)')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (t) => void io.stdout.write(t), writeErr: (t) => void io.stderr.write(t) });

  program
    .command('status')
    .description("every node's role, term, log indices and replication lag")
    .action(async (_o, command: Command) => {
      const options = globals(command);
      const view = await survey(options);
      const leaderStatus = view.leaderAddress === undefined ? undefined : view.statuses.get(view.leaderAddress);
      const lag = new Map((leaderStatus?.peers ?? []).map((p) => [p.id, p.lag]));
      const rows = [...view.statuses].map(([address, s]) => ({
        id: s.id,
        address,
        state: s.state,
        term: s.term,
        leader: s.leader_id,
        first: s.first_index,
        last: s.last_index,
        commit: s.commit_index,
        applied: s.applied_index,
        lag: s.state === 'leader' ? '0' : (lag.get(s.id) ?? '-'),
      }));
      if (options.json) {
        say(JSON.stringify({ nodes: rows, unreachable: Object.fromEntries(view.unreachable) }, null, 2));
      } else {
        say(
          table(
            ['ID', 'ADDRESS', 'STATE', 'TERM', 'LEADER', 'FIRST', 'LAST', 'COMMIT', 'APPLIED', 'LAG'],
            rows.map((r) => Object.values(r).map(String)),
          ),
        );
        for (const [address, why] of view.unreachable) say(`${address}: unreachable (${why})`);
      }
      if (view.statuses.size === 0) throw new Error('no MetaServer answered');
    });

  program
    .command('members')
    .description('the Raft configuration, with every member gRPC address')
    .action(async (_o, command: Command) => {
      const options = globals(command);
      const view = await survey(options);
      const from = view.leaderAddress ?? [...view.statuses.keys()][0];
      if (from === undefined) throw new Error('no MetaServer answered');
      const reply = await clientFor(from).members();
      if (options.json) say(JSON.stringify(reply, null, 2));
      else
        say(
          table(
            ['ID', 'RAFT ADDRESS', 'GRPC ADDRESS', 'SUFFRAGE', 'LEADER'],
            reply.members.map((m) => [
              m.id,
              m.raft_address,
              m.grpc_address,
              m.suffrage + (m.promote ? ' (to be promoted)' : ''),
              m.leader ? 'yes' : '',
            ]),
          ),
        );
    });

  const change = (name: string, description: string, run: (c: AdminClient, ...args: string[]) => Promise<{ message: string }>): void => {
    const cmd = program.command(name).description(description);
    if (name === 'add-voter' || name === 'add-nonvoter')
      cmd.argument('<id>').argument('<raft-address>').argument('[grpc-address]', 'where it serves gRPC', '');
    else if (name === 'remove') cmd.argument('<id>');
    else cmd.argument('[id]', 'target (default: the most up-to-date voter)', '');
    cmd.action(async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const options = globals(command);
      const positional = args.slice(0, -2) as string[];
      const reply = await run(await leader(options), ...positional);
      say(options.json ? JSON.stringify(reply) : reply.message);
    });
  };
  change('add-voter', 'add a voter', (c, id, raft, grpcAddress) => c.addVoter(id!, raft!, grpcAddress ?? ''));
  change('add-nonvoter', 'add a non-voter (it replicates, it does not vote)', (c, id, raft, grpcAddress) =>
    c.addNonvoter(id!, raft!, grpcAddress ?? ''),
  );
  change('remove', 'remove a member', (c, id) => c.remove(id!));
  change('transfer-leader', 'hand leadership over', (c, id) => c.transferLeadership(id ?? ''));

  const snapshot = program.command('snapshot').description('save or restore the namespace');
  snapshot
    .command('save')
    .argument('<file>')
    .description('a point-in-time copy of the namespace, from the leader (every write acknowledged before it is in it)')
    .action(async (file: string, _o, command: Command) => {
      const options = globals(command);
      const bytes = await saveTo(await leader(options), file);
      say(options.json ? JSON.stringify({ file, bytes }) : `saved ${bytes} bytes to ${file}`);
    });
  snapshot
    .command('take')
    .description('the nodes of --servers (default: every member) snapshot now and compact their logs behind the snapshot')
    .action(async (_o, command: Command) => {
      const options = globals(command);
      const view = options.servers === undefined ? await survey(options) : await surveyCluster(seeds(options), clientFor);
      if (view.statuses.size === 0) throw new Error('no MetaServer answered');
      const taken = await Promise.all([...view.statuses.keys()].map((address) => clientFor(address).takeSnapshot()));
      if (options.json) say(JSON.stringify(taken, null, 2));
      else
        say(
          table(
            ['ID', 'INDEX', 'TERM', 'KIND', 'LOG FROM'],
            taken.map((s) => [s.node_id, s.index, s.term, s.deferred ? 'label (deferred copy)' : 'copy', s.first_log_index]),
          ),
        );
      for (const [address, why] of view.unreachable) io.stderr.write(`minfs-admin: ${address}: unreachable (${why})\n`);
      if (view.unreachable.size > 0) throw new CheckVerdict(EXIT_INCOMPLETE);
    });
  snapshot
    .command('restore')
    .argument('<file>')
    .description('replace the namespace of every replica with a saved copy (disaster recovery)')
    .action(async (file: string, _o, command: Command) => {
      const options = globals(command);
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const reply = await (
        await leader(options)
      ).snapshotRestore(createReadStream(file, { highWaterMark: 1 << 20 }), Math.max(timeoutMs, 600_000));
      say(options.json ? JSON.stringify(reply) : reply.message);
    });

  program
    .command('check')
    .description("compare every replica's namespace digest at the same log index")
    .option('--wait <seconds>', 'how long each replica may take to reach the checkpoint', '60')
    .action(async (o: { wait: string }, command: Command) => {
      const options = globals(command);
      const waitMs = Number(o.wait) * 1000;
      if (!Number.isFinite(waitMs) || waitMs <= 0) throw new UsageError(`invalid --wait '${o.wait}'`);
      const lead = await leader(options);
      const reply = await lead.members();
      const id = await lead.checkpoint();
      const results = await Promise.all(
        reply.members.map(async (m) => {
          if (m.grpc_address === '') return { id: m.id, error: 'no gRPC address known' };
          return clientFor(m.grpc_address)
            .checkpointDigest(id, waitMs)
            .then(
              (d) => ({ id: m.id, index: d.applied_index, records: d.records, hash: d.hash }),
              (error: unknown) => ({ id: m.id, error: error instanceof AdminCallError ? error.details : String(error) }),
            );
        }),
      );
      const hashes = new Set(results.flatMap((r) => ('hash' in r ? [r.hash] : [])));
      const missing = results.filter((r) => 'error' in r).length;
      const verdict = hashes.size > 1 ? 'DIFFERENT' : missing > 0 ? 'INCOMPLETE' : 'CONSISTENT';
      if (options.json) say(JSON.stringify({ checkpoint: id, verdict, replicas: results }, null, 2));
      else {
        say(
          table(
            ['ID', 'INDEX', 'RECORDS', 'DIGEST'],
            results.map((r) => ('hash' in r ? [r.id, r.index, r.records, r.hash] : [r.id, '-', '-', `error: ${r.error}`])),
          ),
        );
        say(
          verdict === 'CONSISTENT'
            ? `consistent: ${results.length} replicas have the same namespace at checkpoint ${id}`
            : verdict === 'DIFFERENT'
              ? `DIFFERENT: the replicas do not agree at checkpoint ${id}`
              : `incomplete: ${missing} of ${results.length} replicas did not report; the others agree`,
        );
      }
      throw new CheckVerdict(verdict === 'CONSISTENT' ? EXIT_OK : verdict === 'DIFFERENT' ? EXIT_FAILED : EXIT_INCOMPLETE);
    });

  program
    .command('import')
    .argument('<listing>', 'one path per line, directories ending in "/" ("-": standard input)')
    .description('create the files (empty) and directories of a listing, 10,000 per log entry, parents as needed')
    .action(async (listing: string, _o, command: Command) => {
      const options = globals(command);
      if (listing !== '-' && !existsSync(listing)) throw new UsageError(`no such file: ${listing}`);
      let lastReport = Date.now();
      const totals = await runImport(
        listing,
        () => leader(options),
        (t) => {
          if (options.json || Date.now() - lastReport < 5_000) return;
          lastReport = Date.now();
          io.stderr.write(`minfs-admin: imported ${t.nodes} nodes so far\n`);
        },
      );
      if (options.json) say(JSON.stringify(totals));
      else {
        say(`imported ${totals.nodes} nodes: ${totals.created} created, ${totals.existed} already there, ${totals.refused} refused`);
        if (totals.refused > 0) say(`first refusal: ${totals.firstRefusal}`);
      }
      if (totals.refused > 0) throw new CheckVerdict(EXIT_FAILED);
    });

  program
    .command('recover')
    .description('offline (the node is stopped): force a new Raft configuration after losing a quorum for good (may lose committed writes)')
    .requiredOption('--data-dir <dir>', "the stopped node's data directory")
    .requiredOption('--node-id <id>', "the stopped node's id")
    .requiredOption('--peers <list>', 'the new configuration, voters: id=raft-host:port,... (this node included)')
    .option('--yes', 'confirm: this may lose writes the lost nodes had committed')
    .action(async (o: { dataDir: string; nodeId: string; peers: string; yes?: boolean }) => {
      if (o.yes !== true)
        throw new UsageError('recover rewrites the stored configuration and may lose committed writes; run it again with --yes');
      say(await runRecover(o.dataDir, o.nodeId, o.peers));
    });

  program
    .command('rebuild')
    .description(
      'bring back a stopped member whose data directory is damaged or lost: it leaves the membership, its directory is moved aside, it rejoins empty and receives the state from the others',
    )
    .requiredOption('--data-dir <dir>', "the stopped node's data directory")
    .requiredOption('--node-id <id>', "the stopped node's id")
    .action(async (o: { dataDir: string; nodeId: string }, command: Command) => {
      const options = globals(command);
      say(await runRebuild(await leader(options), o.dataDir, o.nodeId));
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return EXIT_OK;
  } catch (error: unknown) {
    if (error instanceof CheckVerdict) return error.exitCode;
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr.write(`minfs-admin: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  } finally {
    clients.close();
  }
}

/** TLS from --ca/--cert/--key or MINFS_CA/MINFS_CERT/MINFS_KEY; undefined when none is given. */
function flaggedTls(options: GlobalOptions, env: Readonly<Record<string, string | undefined>>): MetaTlsOptions | undefined {
  try {
    return loadTlsFiles(tlsFilesFromFlagsOrEnv(options, env, CLIENT_TLS_NAMES));
  } catch (error) {
    if (error instanceof TlsFilesError) throw new UsageError(error.message);
    throw error;
  }
}

/** Streams the leader's snapshot to FILE.part, syncs it, then renames it over FILE. */
async function saveTo(client: AdminClient, file: string): Promise<number> {
  const part = `${file}.part`;
  let bytes = 0;
  const out = createWriteStream(part);
  try {
    for await (const chunk of client.snapshotSave()) {
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const fd = openSync(part, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(part, file);
    return bytes;
  } catch (error: unknown) {
    out.destroy();
    rmSync(part, { force: true });
    throw error;
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

if (require.main === module) {
  void runAdmin(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
