import type { Sql } from './database';

/**
 * Wraps a transaction's connection so that the statements issued on it are remembered: a caller may
 * issue several without awaiting each (on Postgres they then go out together, in a pipeline) and
 * return, and the transaction still commits only if every one of them succeeded.
 *
 * `failure()` waits for every statement issued so far and returns the first error, if any. On
 * Postgres a failed statement aborts the transaction, so a COMMIT queued behind it ends it as a
 * rollback without an error of its own: the caller must check `failure()` after the COMMIT and throw.
 */
export function issuedStatements(inner: Sql): { sql: Sql; failure(): Promise<unknown> } {
  const issued: Promise<unknown>[] = [];
  return {
    sql: {
      query<T>(text: string, params?: unknown[]) {
        const result = inner.query<T>(text, params);
        // Handled here so an unawaited statement that fails is not an unhandled rejection; the
        // caller that awaits it still sees the error, and failure() reports it.
        issued.push(result.then(() => undefined, (error: unknown) => ({ error })));
        return result;
      },
      exec: (script) => inner.exec(script),
    },
    async failure() {
      for (const outcome of await Promise.all(issued)) {
        if (outcome !== undefined) return (outcome as { error: unknown }).error;
      }
      return undefined;
    },
  };
}
