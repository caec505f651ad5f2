/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time
 * and the most inclusive time, as milliseconds and shares of all samples (idle included).
 *
 *   node dist/bench/support/cpuprofile-top.js PROFILE.cpuprofile [ROWS] [LAST_SECONDS]
 *
 * LAST_SECONDS keeps only the samples of the profile's final seconds (a benchmark's measured
 * rounds, without the load that came before them).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** "function file:line", with paths cut to the package (node_modules) or to dist/. */
function label(n: ProfileNode): string {
  const raw = n.callFrame.url;
  const pkg = raw.lastIndexOf('/node_modules/');
  const url = pkg >= 0 ? raw.slice(pkg + '/node_modules/'.length) : raw.replace(/^.*\/dist\//, 'dist/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
}

function summarise(profile: CpuProfile, rows: number, lastSeconds: number | undefined): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Time per sampled node (µs): each sample's delta belongs to the node sampled.
  const perNode = new Map<number, number>();
  const span = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const from = lastSeconds === undefined ? -Infinity : span - lastSeconds * 1e6;
  let at = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from) return;
    perNode.set(id, (perNode.get(id) ?? 0) + dt);
    total += dt;
  });
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of perNode) {
    const own = label(byId.get(id)!);
    self.set(own, (self.get(own) ?? 0) + t);
    const seen = new Set<string>(); // count recursion once
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = label(byId.get(cur)!);
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + t);
      seen.add(key);
    }
  }
  const table = (title: string, m: Map<string, number>): string =>
    [`== ${title} (of ${(total / 1000).toFixed(0)} ms sampled)`]
      .concat(
        [...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, rows)
          .map(([k, t]) => `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`),
      )
      .join('\n');
  return `${table('self time', self)}\n${table('inclusive time', inclusive)}\n`;
}

const [file, rows, last] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node dist/bench/support/cpuprofile-top.js PROFILE.cpuprofile [ROWS] [LAST_SECONDS]\n');
  process.exit(2);
}
process.stdout.write(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(rows ?? 30), last === undefined ? undefined : Number(last)));
