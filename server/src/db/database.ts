/** What the rest of the server needs from a database: Postgres and PGlite both provide it. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one transaction: committed when it resolves and every statement it issued
   * succeeded, rolled back when it throws or one of them failed. `fn` may issue statements without
   * awaiting them and resolve first: the COMMIT follows them. With `pipelined` (Postgres), statements
   * issued together go out together, not one round trip each.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>, options?: { pipelined?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/** The database cannot be reached or has gone away: the caller should retry later (HTTP 503). */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Another process holds the embedded database's data folder. */
export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
  constructor(
    message: string,
    readonly pid: number,
    readonly socketPath: string,
  ) {
    super(message);
  }
}

// Connection-level failures (network, server shutting down, too many clients): a retry can succeed.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}
