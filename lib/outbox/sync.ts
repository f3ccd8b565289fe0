import { LIMITS, SyncResponse, isAcknowledged, type ConnectionState, type DeadLetter } from '../contract';
import { BackendError, postJson, type BackendTarget } from '../backend/client';
import { spreadRetryAfter } from '../retry-after';
import { nextHealthReport, settleHealthReport } from './adapter-health';
import type { SealedHealthReport } from './adapter-health-rows';
import type { OverlayDb } from './db';

export interface SyncState {
  connection: ConnectionState;
  /** Consecutive failed rounds; drives the backoff. */
  attempt: number;
  nextAttemptAt: number | null;
  lastSyncAt: number | null;
  lastError: string | null;
}

export const INITIAL_SYNC_STATE: SyncState = { connection: 'unconfigured', attempt: 0, nextAttemptAt: null, lastSyncAt: null, lastError: null };
const STATE_KEY = 'syncState';

export async function readSyncState(db: OverlayDb): Promise<SyncState> {
  return { ...INITIAL_SYNC_STATE, ...(await db.getValue<SyncState>(STATE_KEY)) };
}

export interface SyncDeps {
  db: OverlayDb;
  /** The backend and token, or null when the agent has not configured them yet. */
  target: () => Promise<BackendTarget | null>;
  clientId: () => Promise<string>;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Backoff base and cap (ms): 2 s doubling to 5 min, with full jitter in the upper half. */
  backoff?: { baseMs: number; maxMs: number };
}

export interface SyncReport {
  sent: number;
  acknowledged: number;
  deadLettered: number;
  state: SyncState;
}

/** Exponential backoff with jitter: the n-th consecutive failure waits base·2^(n-1), capped, times [0.5, 1). */
export function backoffDelay(attempt: number, random: () => number, { baseMs, maxMs }: { baseMs: number; maxMs: number }): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random() / 2));
}

/** How long to wait before attempt n+1: the backend's `Retry-After`, spread, when it gave one; else the backoff. */
export function retryDelay(retryAfterMs: number | null, attempt: number, random: () => number, backoff: { baseMs: number; maxMs: number }): number {
  return retryAfterMs !== null ? spreadRetryAfter(retryAfterMs, random) : backoffDelay(attempt, random, backoff);
}

const BODY_BUDGET = Math.floor(LIMITS.syncBodyBytes * 0.9);
/** Adapter health rides along with every sync that has annotations; without any, it goes alone at most this often. */
export const HEALTH_ONLY_EVERY_MS = 10 * 60_000;
const HEALTH_SENT_KEY = 'healthSentAt';
const HEALTH_PAUSED_KEY = 'healthPausedUntil';
const HEALTH_ERROR_KEY = 'healthLastError';

/**
 * One sync round: sends the outbox in batches of up to 500 (and under the body limit) until it is
 * empty or the backend fails. An entry leaves the outbox only when the server's result for its id
 * is `stored` or `duplicate`; `rejected` and `conflict` move it to the dead letters in the same
 * transaction. A failure leaves every unacknowledged entry where it was and schedules the next
 * attempt (Retry-After when the server gives one).
 */
export async function syncOnce(deps: SyncDeps): Promise<SyncReport> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const state = await readSyncState(db);
  const report = { sent: 0, acknowledged: 0, deadLettered: 0 };
  const target = await deps.target();
  if (!target) {
    const next: SyncState = { ...state, connection: 'unconfigured', lastError: 'set the backend URL and your agent token in the AITL options' };
    await db.setValue(STATE_KEY, next);
    return { ...report, state: next };
  }
  const clientId = await deps.clientId();
  let batchSize: number = LIMITS.annotationsPerSync;
  // At most one adapter health report per round, on its first request.
  let health: SealedHealthReport | null = await healthToSend(db, now());
  try {
    for (;;) {
      // Held entries whose hold has expired first, then the free ones (notBefore 0) in id order,
      // which is capture order (UUIDv7). Both are index range reads that stop at a full batch.
      const released = await db.outbox.where('notBefore').between(1, now(), true, true).limit(batchSize).toArray();
      const due = released.length >= batchSize ? released : [...released, ...(await db.outbox.where('notBefore').equals(0).limit(batchSize - released.length).toArray())];
      if (due.length === 0 && !(health && now() - ((await db.getValue<number>(HEALTH_SENT_KEY)) ?? 0) >= HEALTH_ONLY_EVERY_MS)) break;
      const stored = await db.annotations.bulkGet(due.map((e) => e.id));
      let annotations = stored.map((s) => s!.annotation);
      const withHealth = health ? { adapterHealth: health.report } : {};
      // Keep each request under the server's body limit: fewer annotations when they are long.
      let json = JSON.stringify({ clientId, annotations, ...withHealth });
      while (annotations.length > 1 && json.length > BODY_BUDGET) {
        annotations = annotations.slice(0, Math.ceil(annotations.length / 2));
        json = JSON.stringify({ clientId, annotations, ...withHealth });
      }
      const body = { annotations };
      let response;
      try {
        response = SyncResponse.parse(await postJson(target, '/v1/sync', json, { fetch: deps.fetch, preserialized: true }));
      } catch (error) {
        if (error instanceof BackendError && error.status === 413 && batchSize > 1) {
          batchSize = Math.max(1, Math.floor(body.annotations.length / 2));
          continue;
        }
        // A backend from before adapter health refuses the field: sync without it for a while
        // (the report stays sealed on the device), so the annotations are never held up by it.
        if (health && error instanceof BackendError && error.status === 400 && error.message.includes('adapterHealth')) {
          await db.setValue(HEALTH_PAUSED_KEY, now() + 6 * 3_600_000);
          health = null;
          continue;
        }
        throw error;
      }
      if (health) {
        await db.setValue(HEALTH_SENT_KEY, now());
        const answer = response.adapterHealth;
        // Counted (now or before) or refused for good (a retry would be refused again): forget it.
        // No answer at all: keep it sealed, it goes again with the next sync under the same id.
        if (answer) {
          await settleHealthReport(db, health.id);
          await db.setValue(HEALTH_ERROR_KEY, answer.status === 'rejected' ? (answer.error?.message ?? 'rejected') : null);
        }
        health = null;
        if (body.annotations.length === 0) continue;
      }
      report.sent += body.annotations.length;
      const acked: string[] = [];
      const dead: DeadLetter[] = [];
      const movedAt = new Date(now()).toISOString();
      for (const result of response.results) {
        const annotation = body.annotations[result.index];
        if (!annotation) continue;
        if (isAcknowledged(result.status)) acked.push(annotation.id);
        else
          dead.push({
            id: annotation.id,
            status: result.status as 'rejected' | 'conflict',
            error: result.error?.message ?? result.status,
            paths: result.error?.paths ?? [],
            movedAt,
            annotation,
          });
      }
      await db.transaction('rw', db.outbox, db.annotations, db.deadLetters, async () => {
        // Acknowledged: the server holds it now, so the device forgets it. Refused: kept, as a dead letter.
        const done = [...acked, ...dead.map((d) => d.id)];
        await db.outbox.bulkDelete(done);
        await db.annotations.bulkDelete(done);
        if (dead.length > 0) await db.deadLetters.bulkPut(dead);
      });
      report.acknowledged += acked.length;
      report.deadLettered += dead.length;
      // A response that acknowledged nothing new would loop forever; stop and retry later.
      if (acked.length + dead.length === 0) throw new BackendError(500, 'the backend answered without a result for any annotation');
    }
    const next: SyncState = { connection: 'ok', attempt: 0, nextAttemptAt: null, lastSyncAt: now(), lastError: null };
    await db.setValue(STATE_KEY, next);
    return { ...report, state: next };
  } catch (error) {
    const attempt = state.attempt + 1;
    const backend = error instanceof BackendError ? error : null;
    const delay = retryDelay(backend?.retryAfterMs ?? null, attempt, deps.random ?? Math.random, deps.backoff ?? { baseMs: 2_000, maxMs: 5 * 60_000 });
    const connection: ConnectionState = !backend ? 'error' : backend.unreachable ? 'offline' : backend.status === 401 || backend.status === 403 ? 'unauthorized' : 'error';
    const next: SyncState = { ...state, connection, attempt, nextAttemptAt: now() + delay, lastError: (error as Error).message };
    await db.setValue(STATE_KEY, next);
    return { ...report, state: next };
  }
}

/** The adapter health report this round may carry, unless the backend said it does not know the field. */
async function healthToSend(db: OverlayDb, now: number): Promise<SealedHealthReport | null> {
  if (((await db.getValue<number>(HEALTH_PAUSED_KEY)) ?? 0) > now) return null;
  return nextHealthReport(db, now);
}
