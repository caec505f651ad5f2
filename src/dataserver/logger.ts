/**
 * The logging the DataServer needs: a constant message plus structured fields (winston's shape).
 * The composition root passes a real logger in (src/cli/winston-logger.ts fits this interface);
 * the library never creates one, so tests stay quiet and several servers can share one process.
 */
export type LogFields = Record<string, unknown>;

export interface DataServerLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: DataServerLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** An error as a log field: its message (the stack only matters for bugs, which INTERNAL logs separately). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
