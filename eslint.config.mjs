// ESLint flat config for the MetaServer (eslint 10, typescript-eslint 8).
//
// Three things live here:
//   1. typescript-eslint's type-aware recommended rules for every .ts file (src/, test/, bench/);
//   2. the import boundaries between the layers (README.md, "The layers"), one block per folder
//      (`@typescript-eslint/no-restricted-imports` with regex patterns);
//   3. the purity rules of the Raft core (src/raft/core/**): no I/O modules, no clock,
//      no randomness, no timers, no await.
// Import cycles are checked separately by madge (`npm run cycles`, part of `npm run lint`).

import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Import boundaries.
//
// Only relative imports reach our own code (tsconfig has no `paths`), so a boundary is a regex
// on the import string. How many `../` lead from a file back to `src/` depends on how deep the
// file sits, so each folder gets one block per nesting depth, down to MAX_NESTING sub-folders
// (files nested deeper are not checked; raise it if the tree ever gets that deep).

const MAX_NESTING = 6;

/** Regex source matching `n` leading `../` (optionally after one `./`). */
const up = (n) => `^(?:\\./)?(?:\\.\\./){${n}}`;
/** Regex source matching the folder exactly `n` levels up itself (`..`, `../`, `../index`), n >= 1. */
const upSelf = (n) => `^(?:\\./)?(?:\\.\\./){${n - 1}}\\.\\.(?:/(?:index(?:\\.js)?)?)?$`;

/** Layers other than raft may use the Raft library only through its facade `src/raft/index.ts`. */
const raftFacadeOnly = (toSrc) => ({
  regex: `${up(toSrc)}raft/(?!index(?:\\.js)?$).+`,
  message:
    'Use the Raft library only through its public facade: import from "<...>/raft" (src/raft/index.ts). See the layer table in README.md.',
});
const forbidLayers = (toSrc, layers, who) => ({
  regex: `${up(toSrc)}(?:${layers.join('|')})(?:/|$)`,
  message: `${who} must not import from src/{${layers.join(',')}}: the layer arrows (README.md) point the other way.`,
});
const forbidLeavingSrc = (toSrc, who) => ({
  regex: `${up(toSrc + 1)}`,
  message: `${who} must not import from outside src/ (test/, bench/, ... are not part of the product).`,
});
const forbidTestAndBench = (toSrc) => ({
  regex: `${up(toSrc + 1)}(?:test|bench)(?:/|$)`,
  message: 'Product code must not import from test/ or bench/.',
});

// The Raft core is pure: it may use only computation-only built-ins.
const CORE_ALLOWED_BUILTINS = ['assert', 'assert/strict', 'buffer', 'events', 'string_decoder', 'util', 'util/types'];
const CORE_FORBIDDEN_BUILTINS = builtinModules.filter((m) => !CORE_ALLOWED_BUILTINS.includes(m));
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Folders and files of src/raft that do I/O or hold test doubles; the core may not import them. Add new ones here.
const RAFT_IO_MODULES = ['runtime', 'inmem', 'lmdb', 'tcp', 'file-snapshot-store'];
// Third-party packages that do I/O (or are the application's business, not the core's).
const IO_PACKAGES = ['lmdb', 'etcd3', 'winston', 'prom-client', 'commander', '@grpc/grpc-js', '@grpc/proto-loader'];

/** Patterns for a file in src/raft, `toSrc` levels below src/. */
const raftPatterns = (toSrc) => [
  {
    regex: `${up(toSrc)}(?!raft(?:/|$))`,
    message: 'src/raft is a self-contained library: it may import nothing of ours outside src/raft. See the layer table in README.md.',
  },
  {
    regex: upSelf(toSrc),
    message: 'src/raft is a self-contained library: it may import nothing of ours outside src/raft. See the layer table in README.md.',
  },
];
/** Patterns for a file in src/raft/core, `toSrc` levels below src/. */
const corePatterns = (toSrc) => {
  const toRaft = toSrc - 1;
  return [
    ...raftPatterns(toSrc),
    {
      regex: `${up(toRaft)}(?:${RAFT_IO_MODULES.join('|')})(?:/|$)`,
      message: `The Raft core is pure: it must not import src/raft/{${RAFT_IO_MODULES.join(',')}}; the runtime drives the core, not the other way round.`,
    },
    {
      regex: upSelf(toRaft),
      message: 'The Raft core must not import the Raft facade (src/raft/index.ts), which re-exports the runtime.',
    },
    {
      regex: `^(?:(?:node:)?(?:${CORE_FORBIDDEN_BUILTINS.map(escapeRegex).join('|')})|node:(?!(?:${CORE_ALLOWED_BUILTINS.map(escapeRegex).join('|')})$).*)$`,
      message: `The Raft core is pure (no I/O, clock, randomness or processes): of node's built-ins it may use only ${CORE_ALLOWED_BUILTINS.join(', ')}.`,
    },
    {
      regex: `^(?:${IO_PACKAGES.map(escapeRegex).join('|')})(?:/|$)`,
      message: 'The Raft core is pure: no I/O libraries; the runtime and the stores do I/O.',
    },
  ];
};

const LAYERS = [
  // dir, patterns for a file `toSrc` levels below src/
  ['src/raft', (n) => raftPatterns(n)],
  ['src/raft/core', (n) => corePatterns(n)],
  ['src/meta', (n) => [raftFacadeOnly(n), forbidLayers(n, ['cluster', 'server', 'cli'], 'src/meta'), forbidLeavingSrc(n, 'src/meta')]],
  ['src/cluster', (n) => [raftFacadeOnly(n), forbidLayers(n, ['server', 'cli'], 'src/cluster'), forbidLeavingSrc(n, 'src/cluster')]],
  ['src/server', (n) => [raftFacadeOnly(n), forbidLayers(n, ['cli', 'client', 'dataserver'], 'src/server'), forbidLeavingSrc(n, 'src/server')]],
  // The wire contract's loader: shared by the MetaServer, the DataServer and the client.
  ['src/wire', (n) => [forbidLayers(n, ['raft', 'meta', 'cluster', 'server', 'cli', 'client', 'dataserver'], 'src/wire'), forbidLeavingSrc(n, 'src/wire')]],
  // The client library and the reference DataServer speak only the wire contract: nothing of the MetaServer's inside.
  ['src/client', (n) => [forbidLayers(n, ['raft', 'meta', 'cluster', 'server', 'cli', 'dataserver'], 'src/client'), forbidLeavingSrc(n, 'src/client')]],
  ['src/dataserver', (n) => [forbidLayers(n, ['raft', 'meta', 'cluster', 'server', 'cli'], 'src/dataserver'), forbidLeavingSrc(n, 'src/dataserver')]],
  // src/cli is the composition root: it may import anything of ours, but not tests or benchmarks.
  ['src/cli', (n) => [forbidTestAndBench(n)]],
];

/** One config block per nesting depth below `dir`. Later blocks win, so sub-layers (src/raft/core) follow their parents. */
function boundaryBlocks([dir, patternsFor]) {
  const dirDepth = dir.split('/').length - 1; // src/raft -> 1
  return Array.from({ length: MAX_NESTING + 1 }, (_, extra) => ({
    name: `minfs/boundaries/${dir}/${'*/'.repeat(extra)}*.ts`,
    files: [`${dir}/${'*/'.repeat(extra)}*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: patternsFor(dirDepth + extra).map((p) => ({ ...p, caseSensitive: true })) },
      ],
    },
  }));
}

// ---------------------------------------------------------------------------------------------

export default defineConfig(
  globalIgnores(
    ['dist/', 'node_modules/', 'workpublish/', 'coverage/', '.tmp/', 'src/generated/**', 'src/**/generated/**'],
    'minfs/ignores',
  ),

  { name: 'minfs/js', files: ['**/*.{js,mjs,cjs,ts}'], extends: [js.configs.recommended] },

  {
    name: 'minfs/typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'all',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // node:test's test()/describe()/it() return promises that the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      // We write `xs[i]!` for indexed reads that an invariant guarantees, as if
      // noUncheckedIndexedAccess were on; with it off (tsconfig) this rule would strip every one of
      // them. Turn it back on when tsconfig enables noUncheckedIndexedAccess.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      'no-restricted-imports': 'off',
    },
  },

  // Import boundaries per folder (README.md, "The layers"). test/ and bench/ may import anything.
  ...LAYERS.flatMap(boundaryBlocks),

  // The Raft core is pure: time, randomness and scheduling come in through its inputs.
  {
    name: 'minfs/raft-core-purity',
    files: ['src/raft/core/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask'].map(
          (name) => ({ name, message: 'The Raft core is pure: no timers; the runtime feeds it ticks.' }),
        ),
        { name: 'performance', message: 'The Raft core is pure: no clock; time comes in with ticks.' },
        { name: 'process', message: 'The Raft core is pure: no process state (env, hrtime, nextTick).' },
        { name: 'crypto', message: 'The Raft core is pure: randomness is injected.' },
        { name: 'fetch', message: 'The Raft core is pure: no I/O.' },
        { name: 'require', message: 'The Raft core is pure: use static imports of core or contract modules.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The Raft core is pure: no clock; time comes in with ticks.' },
        { object: 'Math', property: 'random', message: 'The Raft core is pure: randomness is injected.' },
        { object: 'globalThis', message: 'The Raft core is pure: do not reach into globalThis.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'NewExpression[callee.name="Date"][arguments.length=0]', message: 'The Raft core is pure: no clock (new Date()).' },
        { selector: 'CallExpression[callee.name="Date"]', message: 'The Raft core is pure: no clock (Date()).' },
        { selector: 'AwaitExpression', message: 'The Raft core is synchronous: no await.' },
        { selector: 'ForOfStatement[await=true]', message: 'The Raft core is synchronous: no for await.' },
        { selector: ':function[async=true]', message: 'The Raft core is synchronous: no async functions.' },
        { selector: 'ImportExpression', message: 'The Raft core is pure: no dynamic import().' },
      ],
    },
  },
);
