/**
 * Human-readable output of the minfs CLI: pure functions from the library's results to text, so
 * the command file stays a list of commands and the layout can be read (and changed) in one place.
 */
import { posix } from 'node:path';
import type { ClusterSummary, FileStat, GetResult, PutResult, ReplicationReport, StatResult } from '../client';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 9437191 -> "9.0 MiB"; exact bytes below 1 KiB. */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Local time without the zone noise, e.g. "2025-05-01 14:03:59". */
export function humanTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A directory entry's name as `ls` prints it: the last path element, "/" after a directory. */
export function entryName(entry: FileStat): string {
  const name = entry.path === '/' ? '/' : posix.basename(entry.path);
  return entry.type === 'Directory' && name !== '/' ? `${name}/` : name;
}

/** One `ls -l` line: type, size in bytes, modification time, name. */
export function longEntry(entry: FileStat): string {
  const kind = entry.type === 'Directory' ? 'd' : '-';
  return `${kind} ${String(entry.size).padStart(12)}  ${humanTime(entry.mtimeMs)}  ${entryName(entry)}`;
}

export function putSummary(local: string, result: PutResult): string {
  const blocks = `${result.blocks} block${result.blocks === 1 ? '' : 's'}`;
  return `${local} -> ${result.path}: ${humanSize(result.size)} in ${blocks}, md5 ${result.md5}`;
}

export function getSummary(local: string, result: GetResult): string {
  const check = result.verified ? 'verified' : 'not verified: the server has no md5 for it';
  return `${result.path} -> ${local}: ${humanSize(result.size)}, md5 ${result.md5} (${check})`;
}

export function statText(info: StatResult): string {
  const lines = [
    `path:     ${info.path}`,
    `type:     ${info.type}`,
    `size:     ${info.size} bytes (${humanSize(info.size)})`,
    `modified: ${humanTime(info.mtimeMs)}`,
    `inode:    ${info.inode}`,
  ];
  if (info.type === 'File') lines.push(`md5:      ${info.md5 === '' ? '(none)' : info.md5}`);
  const r = info.replication;
  if (r !== undefined) {
    lines.push(`replicas: ${r.status} (${r.actualReplicas} of ${r.expectedReplicas})`);
    lines.push(`blocks:   ${r.blocks.length}`);
    for (const [index, b] of r.blocks.entries()) {
      const where = b.expectedLocations.map((a) => (b.locations.includes(a) ? a : `${a} (missing)`)).join(', ');
      lines.push(`  #${index} ${b.blockId}: ${where}`);
    }
  }
  return lines.join('\n');
}

export function clusterText(summary: ClusterSummary): string {
  const lines = ['MetaServers:'];
  lines.push(summary.leader === undefined ? '  (no leader right now)' : `  ${summary.leader}  leader`);
  for (const follower of summary.followers) lines.push(`  ${follower}  follower`);
  lines.push(`DataServers: ${summary.dataServers.length}`);
  for (const d of summary.dataServers) lines.push(`  ${d.address}  ${d.blocks} blocks, ${d.usedMiB} of ${d.capacityMiB} MiB used`);
  return lines.join('\n');
}

export function replicationText(report: ReplicationReport): string {
  const lines = report.files.map((f) => `${f.status.padEnd(16)} ${f.actualReplicas}/${f.expectedReplicas}  ${f.path}`);
  const files = `${report.totalFiles} file${report.totalFiles === 1 ? '' : 's'}`;
  lines.push(
    `${files}: ${report.healthyFiles} healthy, ${report.underReplicatedFiles} under-replicated, ${report.overReplicatedFiles} over-replicated`,
  );
  return lines.join('\n');
}
