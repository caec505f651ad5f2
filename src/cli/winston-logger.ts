import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import winston from 'winston';
import type { Logger } from '../raft/index';

/** Where a node's log goes besides stdout: a file rotated by size. */
export interface LogFile {
  readonly path: string;
  /** Rotate when the file reaches this many bytes. */
  readonly maxBytes: number;
  /** Rotated files kept (the oldest beyond this are removed). */
  readonly maxFiles: number;
}

export interface ClosableLogger extends Logger {
  /** Flushes and closes the transports (call last, before exiting). */
  close(): Promise<void>;
}

/** Structured JSON lines on stdout (and in `file` when given): a constant message plus fields. */
export function createLogger(level: string, file?: LogFile): ClosableLogger {
  const transports: winston.transport[] = [new winston.transports.Console()];
  if (file !== undefined) {
    mkdirSync(dirname(file.path), { recursive: true });
    // tailable: the current log keeps its name, rotated ones get 1, 2, ...
    transports.push(new winston.transports.File({ filename: file.path, maxsize: file.maxBytes, maxFiles: file.maxFiles, tailable: true }));
  }
  const w = winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports,
  });
  return {
    debug: (m, f) => void w.debug(m, f),
    info: (m, f) => void w.info(m, f),
    warn: (m, f) => void w.warn(m, f),
    error: (m, f) => void w.error(m, f),
    close: () =>
      new Promise<void>((resolve) => {
        w.on('finish', () => resolve());
        w.end();
      }),
  };
}
