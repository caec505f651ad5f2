import winston from 'winston';
import type { Logger } from '../raft/index';

/** Structured JSON lines on stdout: a constant message plus fields. */
export function createLogger(level: string): Logger {
  const w = winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
  return {
    debug: (m, f) => void w.debug(m, f),
    info: (m, f) => void w.info(m, f),
    warn: (m, f) => void w.warn(m, f),
    error: (m, f) => void w.error(m, f),
  };
}
