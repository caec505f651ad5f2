/**
 * Paths of the minfs namespace: validation and normalisation of the paths that clients send.
 *
 * The Go MetaServer cleans every path with `filepath.Clean` (minfs-compat.md §2.1). We do the same for
 * absolute paths and refuse, each with its own message, what the Go server would let through to odd
 * failures later: empty and relative paths, NUL bytes, invalid UTF-8 (protobufjs decodes invalid bytes
 * into U+FFFD; a JS string may also carry lone surrogates), names over 255 bytes and paths over 4096 bytes.
 *
 * `cleanPath` runs on every request, so it is a single scan of the input without regular expressions,
 * and returns the input string itself when it is already clean.
 */

/** Longest accepted path, in bytes of UTF-8, checked on the path as received (before cleaning). */
export const MAX_PATH_BYTES = 4096;
/** Longest accepted name (one component of a path), in bytes of UTF-8, checked after cleaning. */
export const MAX_NAME_BYTES = 255;

export type PathRefusal = { readonly ok: false; readonly message: string };
/** A clean absolute path and its components (`names`), `[]` for the root. `path === '/' + names.join('/')`. */
export type CleanPath = { readonly ok: true; readonly path: string; readonly names: readonly string[] };

/** How many UTF-16 code units of an offending value a message shows. */
const SHOWN_CHARS = 100;
const SLASH = 0x2f;
const DOT = 0x2e;

const ROOT: CleanPath = Object.freeze({ ok: true, path: '/', names: Object.freeze([]) as readonly string[] });

/**
 * Validates and normalises a path received from a client. Refusals, in this order: empty; longer than
 * MAX_PATH_BYTES; contains NUL; not valid UTF-8 (lone surrogate or U+FFFD); not absolute; a component of
 * the cleaned path longer than MAX_NAME_BYTES. Cleaning follows Go's `filepath.Clean` for absolute paths:
 * repeated slashes collapse, `.` components go, `..` removes the previous component (and stays at the
 * root), a trailing slash goes.
 */
export function cleanPath(input: string): CleanPath | PathRefusal {
  if (input.length === 0) return refuse('path is empty');
  // First, so that a huge input is refused in O(1): a UTF-16 code unit takes at least one byte of UTF-8,
  // so an input of more than MAX_PATH_BYTES units is too long without counting.
  if (input.length > MAX_PATH_BYTES) {
    return refuse(`path is longer than ${MAX_PATH_BYTES} bytes (at least ${input.length} bytes): ${show(input)}`);
  }
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > MAX_PATH_BYTES) return refuse(`path is longer than ${MAX_PATH_BYTES} bytes (${bytes} bytes): ${show(input)}`);

  const nul = input.indexOf('\0');
  if (nul !== -1) return refuse(`path contains a NUL byte (at character ${nul}): ${show(input)}`);
  const bad = firstInvalidUtf16(input);
  if (bad !== -1) return refuse(`path is not valid UTF-8 (at character ${bad}): ${show(input)}`);
  if (input.charCodeAt(0) !== SLASH) return refuse(`path must be absolute (start with /): ${show(input)}`);

  // One pass over the components between slashes. `dirty` records whether the result differs from the input.
  const names: string[] = [];
  let dirty = false;
  const end = input.length;
  let start = 1;
  while (start <= end) {
    let stop = input.indexOf('/', start);
    if (stop === -1) stop = end;
    const len = stop - start;
    if (len === 0) {
      // "//" inside, or a trailing "/" (the root "/" itself is the one clean case: start === end === 1).
      if (end > 1) dirty = true;
    } else if (len === 1 && input.charCodeAt(start) === DOT) {
      dirty = true;
    } else if (len === 2 && input.charCodeAt(start) === DOT && input.charCodeAt(start + 1) === DOT) {
      dirty = true;
      names.pop();
    } else {
      names.push(input.slice(start, stop));
    }
    start = stop + 1;
  }

  for (const name of names) {
    // A UTF-16 code unit takes 1 to 3 bytes of UTF-8 (a surrogate pair 4 bytes for 2 units), so only
    // names between 86 and 255 units need counting.
    if (name.length > MAX_NAME_BYTES / 3 && (name.length > MAX_NAME_BYTES || Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES)) {
      return refuse(
        `path component is longer than ${MAX_NAME_BYTES} bytes (${Buffer.byteLength(name, 'utf8')} bytes): ${show(name)} in path ${show(input)}`,
      );
    }
  }
  if (names.length === 0) return ROOT;
  return { ok: true, path: dirty ? '/' + names.join('/') : input, names };
}

/** The parent of a clean path; the root is its own parent. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** A clean directory path joined with one valid name (not empty, no "/", not "." or ".."; not checked). */
export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** The last component of a clean path, `''` for the root. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether clean path `ancestor` is `path` or one of its ancestors, component-wise ('/a' is not an ancestor of '/ab'). */
export function isAncestorOrSelf(ancestor: string, path: string): boolean {
  if (ancestor === '/' || ancestor === path) return true;
  return path.length > ancestor.length && path.charCodeAt(ancestor.length) === SLASH && path.startsWith(ancestor);
}

function refuse(message: string): PathRefusal {
  return { ok: false, message };
}

/**
 * Index of the first code unit that is not valid UTF-8 once encoded: a lone surrogate, or U+FFFD, which is
 * what decoders (protobufjs included) turn invalid bytes into. -1 if there is none.
 * (`String.prototype.isWellFormed` is ES2024, outside our `lib`.)
 */
function firstInvalidUtf16(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800) continue;
    if (c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) return i;
      i++; // a valid pair
    } else if (c <= 0xdfff || c === 0xfffd) {
      return i;
    }
  }
  return -1;
}

/** A value for a message: JSON-quoted (control characters and lone surrogates escaped), cut to SHOWN_CHARS. */
function show(value: string): string {
  if (value.length <= SHOWN_CHARS) return JSON.stringify(value);
  let cut = SHOWN_CHARS;
  const last = value.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // do not split a surrogate pair
  return `${JSON.stringify(value.slice(0, cut))}... (${value.length} characters)`;
}
