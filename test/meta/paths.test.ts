import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import fc from 'fast-check';
import {
  baseName,
  cleanPath,
  isAncestorOrSelf,
  joinPath,
  MAX_NAME_BYTES,
  MAX_PATH_BYTES,
  parentOf,
  type CleanPath,
} from '../../src/meta/paths';

// Replay a failure with FC_SEED=<printed seed> (fast-check also prints seed and path of a failing run).
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`paths tests: fast-check seed ${seed}`);
const fcOptions = { seed, numRuns: 2000 };

function clean(input: string): CleanPath {
  const r = cleanPath(input);
  assert.ok(r.ok, `expected ${JSON.stringify(input)} to be accepted, got: ${r.ok ? '' : r.message}`);
  return r;
}

function refusal(input: string): string {
  const r = cleanPath(input);
  assert.ok(!r.ok, `expected ${JSON.stringify(input.slice(0, 200))} to be refused, got ${r.ok ? JSON.stringify(r.path) : ''}`);
  return r.message;
}

/** Reference model of Go's filepath.Clean for an absolute path, written as plainly as possible. */
function referenceClean(absolute: string): string {
  const out: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

test('cleanPath follows Go filepath.Clean on absolute paths', () => {
  const cases: [string, string][] = [
    // from the brief
    ['/', '/'],
    ['//', '/'],
    ['/a/b/', '/a/b'],
    ['/a//b', '/a/b'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/..', '/'],
    ['/../a', '/a'],
    ['/a/b/../../..', '/'],
    ['/a/b/c/../d/./e/', '/a/b/d/e'],
    // Go's path_test.go cleantests, the absolute ones and absolute versions of the relative ones
    ['/abc', '/abc'],
    ['/abc/def', '/abc/def'],
    ['/.', '/'],
    ['/./', '/'],
    ['/../', '/'],
    ['/../..', '/'],
    ['/../../abc', '/abc'],
    ['/abc/', '/abc'],
    ['/abc/def/', '/abc/def'],
    ['/abc//def//ghi', '/abc/def/ghi'],
    ['//abc', '/abc'],
    ['///abc', '/abc'],
    ['//abc//', '/abc'],
    ['/abc//', '/abc'],
    ['/abc/./def', '/abc/def'],
    ['/./abc/def', '/abc/def'],
    ['/abc/.', '/abc'],
    ['/abc/def/ghi/../jkl', '/abc/def/jkl'],
    ['/abc/def/../ghi/../jkl', '/abc/jkl'],
    ['/abc/def/..', '/abc'],
    ['/abc/def/../..', '/'],
    ['/abc/def/../../..', '/'],
    ['/abc/def/../../../ghi/jkl/../../../mno', '/mno'],
    ['/a/../b:/../../c', '/c'],
    ['/abc/./../def', '/def'],
    ['/abc//./../def', '/def'],
    ['/abc/../../././../def', '/def'],
    // names that only look special
    ['/...', '/...'],
    ['/.a/..b/a./b..', '/.a/..b/a./b..'],
    ['/a\\b/..\\', '/a\\b/..\\'],
    ['/ /  /', '/ /  '],
    ['/é/🚀/../日本', '/é/日本'],
  ];
  for (const [input, want] of cases) {
    const r = clean(input);
    assert.equal(r.path, want, `cleanPath(${JSON.stringify(input)})`);
    assert.equal(r.path, referenceClean(input), `reference model on ${JSON.stringify(input)}`);
    assert.deepEqual(r.names, want === '/' ? [] : want.slice(1).split('/'), `names of ${JSON.stringify(input)}`);
  }
});

test('cleanPath returns the input itself when it is already clean', () => {
  const input = ['', 'a', 'bb', 'ccc'].join('/');
  assert.equal(clean(input).path, input);
  assert.deepEqual(clean('/').names, []);
});

test('cleanPath refuses an empty path', () => {
  assert.equal(refusal(''), 'path is empty');
});

test('cleanPath refuses a relative path', () => {
  assert.equal(refusal('a/b'), 'path must be absolute (start with /): "a/b"');
  assert.equal(refusal('.'), 'path must be absolute (start with /): "."');
  assert.equal(refusal('..'), 'path must be absolute (start with /): ".."');
  assert.equal(refusal('./a'), 'path must be absolute (start with /): "./a"');
  assert.equal(refusal(' /a'), 'path must be absolute (start with /): " /a"');
  assert.equal(refusal('\\a'), 'path must be absolute (start with /): "\\\\a"');
});

test('cleanPath refuses NUL bytes', () => {
  assert.equal(refusal('/a\0b'), 'path contains a NUL byte (at character 2): "/a\\u0000b"');
  assert.equal(refusal('\0'), 'path contains a NUL byte (at character 0): "\\u0000"');
  assert.equal(refusal('/a/\0'), 'path contains a NUL byte (at character 3): "/a/\\u0000"');
  // NUL is checked before UTF-8 and before absoluteness.
  assert.match(refusal('a\0\ud800'), /^path contains a NUL byte/);
});

test('cleanPath refuses invalid UTF-8: U+FFFD from the decoder and lone surrogates', () => {
  // What protobufjs (like Buffer) makes of invalid bytes.
  const decoded = Buffer.from([0x2f, 0x61, 0xff, 0x62]).toString('utf8');
  assert.equal(decoded, '/a\ufffdb');
  assert.equal(refusal(decoded), 'path is not valid UTF-8 (at character 2): "/a\ufffdb"');
  assert.equal(refusal('/\ud800'), 'path is not valid UTF-8 (at character 1): "/\\ud800"');
  assert.equal(refusal('/\udc00a'), 'path is not valid UTF-8 (at character 1): "/\\udc00a"');
  assert.equal(refusal('/a\ud800b'), 'path is not valid UTF-8 (at character 2): "/a\\ud800b"');
  assert.equal(refusal('/🚀\udc00'), 'path is not valid UTF-8 (at character 3): "/🚀\\udc00"');
  assert.equal(refusal('/\ud83d\ud83d\ude80'), 'path is not valid UTF-8 (at character 1): "/\\ud83d🚀"');
  // UTF-8 is checked before absoluteness.
  assert.match(refusal('a\ufffd'), /^path is not valid UTF-8/);
  // Well-formed pairs and other characters near the surrogates are fine.
  assert.equal(clean('/🚀/\ue000\ufffc\ufffe\uffff/\u{10ffff}').path, '/🚀/\ue000\ufffc\ufffe\uffff/\u{10ffff}');
});

test('cleanPath accepts names of 255 bytes and refuses 256, counting UTF-8 bytes', () => {
  const names255 = ['x'.repeat(255), 'é'.repeat(127) + 'x', '日'.repeat(85), '🚀'.repeat(63) + 'abc'];
  const names256 = ['x'.repeat(256), 'é'.repeat(128), '日'.repeat(85) + 'x', '🚀'.repeat(64)];
  for (const name of names255) {
    assert.equal(Buffer.byteLength(name), MAX_NAME_BYTES);
    assert.equal(clean(`/a/${name}/b`).path, `/a/${name}/b`);
    assert.deepEqual(clean(`/${name}`).names, [name]);
  }
  for (const name of names256) {
    assert.equal(Buffer.byteLength(name), MAX_NAME_BYTES + 1);
    const message = refusal(`/a/${name}/b`);
    assert.ok(
      message.startsWith(`path component is longer than 255 bytes (256 bytes): ${JSON.stringify(name.slice(0, 50)).slice(0, -1)}`),
      message,
    );
    assert.ok(message.length < 400, message);
  }
  assert.equal(
    refusal('/' + 'n'.repeat(300)),
    `path component is longer than 255 bytes (300 bytes): "${'n'.repeat(100)}"... (300 characters) in path "/${'n'.repeat(99)}"... (301 characters)`,
  );
  // The limit applies to the cleaned path: a long name removed by ".." does not count.
  assert.equal(clean(`/a/${'x'.repeat(300)}/..`).path, '/a');
  // A truncated message never splits a surrogate pair.
  assert.ok(!/\\ud83d"/.test(refusal('/' + '🚀'.repeat(64))));
});

test('cleanPath accepts paths of 4096 bytes and refuses 4097, counting UTF-8 bytes', () => {
  const name = 'é'.repeat(127) + 'x'; // 255 bytes
  const seg = '/' + name; // 256 bytes
  const p4096 = seg.repeat(16);
  assert.equal(Buffer.byteLength(p4096), MAX_PATH_BYTES);
  assert.equal(clean(p4096).path, p4096);
  const p4096b = '/' + 'a/'.repeat(2047) + 'b'; // 1 + 4094 + 1
  assert.equal(Buffer.byteLength(p4096b), MAX_PATH_BYTES);
  assert.equal(clean(p4096b).names.length, 2048);

  const p4097 = p4096 + 'x';
  assert.equal(Buffer.byteLength(p4097), MAX_PATH_BYTES + 1);
  const message = refusal(p4097);
  assert.ok(message.startsWith('path is longer than 4096 bytes (4097 bytes): "/éé'), message);
  assert.ok(message.endsWith('... (2065 characters)'), message);
  // Multibyte: 4095 bytes plus a 2-byte character.
  const p4097b = '/' + 'a'.repeat(4094) + 'é';
  assert.equal(p4097b.length, 4096);
  assert.match(refusal(p4097b), /^path is longer than 4096 bytes \(4097 bytes\): /);
  // A path that would clean to something short is still refused: the limit is on the input.
  assert.match(refusal('/' + './'.repeat(2048)), /^path is longer than 4096 bytes \(at least 4097 bytes\): "\/\.\/\.\//);
});

test('cleanPath checks the length before anything else', () => {
  // Huge, relative, with NUL and lone surrogates: refused for its length, with a short message.
  const huge = 'a\0\ud800'.repeat(1_000_000);
  const message = refusal(huge);
  assert.ok(message.startsWith('path is longer than 4096 bytes (at least 3000000 bytes): "a\\u0000\\ud800'), message);
  assert.ok(message.length < 1000, message);
});

test('parentOf, baseName and joinPath', () => {
  const cases: [string, string, string][] = [
    // path, parent, base
    ['/', '/', ''],
    ['/a', '/', 'a'],
    ['/a/b', '/a', 'b'],
    ['/a/b/c', '/a/b', 'c'],
    ['/é/🚀', '/é', '🚀'],
    ['/...', '/', '...'],
  ];
  for (const [path, parent, base] of cases) {
    assert.equal(parentOf(path), parent, `parentOf(${path})`);
    assert.equal(baseName(path), base, `baseName(${path})`);
    if (path !== '/') assert.equal(joinPath(parent, base), path, `joinPath(${parent}, ${base})`);
  }
  assert.equal(joinPath('/', 'x'), '/x');
  assert.equal(joinPath('/a/b', 'x'), '/a/b/x');
});

test('isAncestorOrSelf', () => {
  const yes: [string, string][] = [
    ['/', '/'],
    ['/', '/a'],
    ['/', '/a/b'],
    ['/a', '/a'],
    ['/a', '/a/b'],
    ['/a', '/a/b/c'],
    ['/a/b', '/a/b/c'],
  ];
  const no: [string, string][] = [
    ['/a', '/'],
    ['/a', '/ab'],
    ['/a', '/b'],
    ['/ab', '/a'],
    ['/a/b', '/a'],
    ['/a/b', '/a/bc'],
    ['/a/b', '/a/c/b'],
    ['/a/b/c', '/a/b'],
  ];
  for (const [a, p] of yes) assert.equal(isAncestorOrSelf(a, p), true, `isAncestorOrSelf(${a}, ${p})`);
  for (const [a, p] of no) assert.equal(isAncestorOrSelf(a, p), false, `isAncestorOrSelf(${a}, ${p})`);
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Components that exercise the cleaning rules, plus ordinary names of any (valid) characters. */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('', '', '.', '..', '...', '.a', 'a.', '..b', 'a', 'b', 'é', '🚀', '\\', ' ') },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).filter((s) => !/[/\0\ufffd]/.test(s) && Buffer.byteLength(s) <= 60),
  },
);
const segments = fc.array(segment, { maxLength: 12 });
const absolutePath = fc.tuple(segments, fc.boolean()).map(([parts, trailing]) => '/' + parts.join('/') + (trailing ? '/' : ''));
/** Anything: short strings over an alphabet of the interesting characters, and arbitrary strings. */
const anyString = fc.oneof(
  fc
    .array(fc.constantFrom('/', '/', '/', '.', '.', 'a', 'é', '🚀', '\0', '\ud800', '\udc00', '\ufffd', '\\'), { maxLength: 20 })
    .map((cs) => cs.join('')),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ maxLength: 20 }).map((s) => '/' + s),
);

function assertCleanShape(r: CleanPath): void {
  const p = r.path;
  assert.ok(p.startsWith('/'), p);
  assert.ok(!p.includes('//'), p);
  assert.ok(!p.includes('/./'), p);
  assert.ok(!p.includes('/../'), p);
  assert.ok(!p.endsWith('/.') && !p.endsWith('/..'), p);
  assert.ok(p === '/' || !p.endsWith('/'), p);
  assert.equal(p, '/' + r.names.join('/'));
  assert.equal(r.names.length === 0, p === '/');
  for (const name of r.names) {
    assert.ok(name !== '' && name !== '.' && name !== '..' && !name.includes('/'), name);
    assert.ok(Buffer.byteLength(name) <= MAX_NAME_BYTES, name);
  }
  assert.ok(Buffer.byteLength(p) <= MAX_PATH_BYTES);
}

test('property: random segment lists clean like the reference model and like path.posix.normalize', () => {
  fc.assert(
    fc.property(absolutePath, (input) => {
      const r = clean(input);
      assert.equal(r.path, referenceClean(input));
      const normalized = posix.normalize(input);
      assert.equal(r.path, normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized);
      assertCleanShape(r);
    }),
    fcOptions,
  );
});

test('property: cleanPath is idempotent and its output has the clean shape', () => {
  fc.assert(
    fc.property(fc.oneof(absolutePath, anyString), (input) => {
      const r = cleanPath(input);
      if (!r.ok) {
        assert.ok(r.message.length > 0);
        return;
      }
      assertCleanShape(r);
      const again = clean(r.path);
      assert.equal(again.path, r.path);
      assert.deepEqual(again.names, r.names);
      assert.equal(r.path, referenceClean(input));
    }),
    fcOptions,
  );
});

test('property: refusals happen exactly when the rules say, in their order', () => {
  fc.assert(
    fc.property(anyString, (input) => {
      const r = cleanPath(input);
      let expected: RegExp | null = null;
      if (input === '') expected = /^path is empty$/;
      else if (Buffer.byteLength(input) > MAX_PATH_BYTES) expected = /^path is longer than/;
      else if (input.includes('\0')) expected = /^path contains a NUL byte/;
      else if (Buffer.from(input).toString() !== input || input.includes('\ufffd')) expected = /^path is not valid UTF-8/;
      else if (!input.startsWith('/')) expected = /^path must be absolute/;
      else if (
        referenceClean(input)
          .split('/')
          .some((n) => Buffer.byteLength(n) > MAX_NAME_BYTES)
      )
        expected = /^path component/;
      if (expected === null) assert.ok(r.ok, r.ok ? '' : r.message);
      else {
        assert.ok(!r.ok, `${JSON.stringify(input)} accepted`);
        assert.match(r.message, expected);
      }
    }),
    fcOptions,
  );
});

test('property: parentOf, baseName, joinPath and isAncestorOrSelf agree with the components', () => {
  fc.assert(
    fc.property(absolutePath, absolutePath, (x, y) => {
      const a = clean(x);
      const b = clean(y);
      for (const r of [a, b]) {
        const p = r.path;
        assert.equal(baseName(p), r.names.length === 0 ? '' : r.names[r.names.length - 1]);
        assert.equal(parentOf(p), '/' + r.names.slice(0, -1).join('/'));
        if (p !== '/') assert.equal(joinPath(parentOf(p), baseName(p)), p);
        assert.ok(isAncestorOrSelf(parentOf(p), p));
        assert.ok(isAncestorOrSelf(p, p));
        assert.ok(isAncestorOrSelf('/', p));
      }
      const prefix = a.names.length <= b.names.length && a.names.every((n, i) => n === b.names[i]);
      assert.equal(isAncestorOrSelf(a.path, b.path), prefix);
    }),
    fcOptions,
  );
});
