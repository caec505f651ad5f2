import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** package.json's version, three levels up from dist/src/cli. */
export function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8'));
  const value = typeof manifest === 'object' && manifest !== null ? (manifest as { version?: unknown }).version : undefined;
  return typeof value === 'string' ? value : 'unknown';
}
