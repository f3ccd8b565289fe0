import { syncOnce, readSyncState, type SyncDeps, type SyncReport } from './sync';

type Reason = 'captured' | 'alarm' | 'online' | 'manual' | 'startup' | 'timer' | 'settings';

/**
 * Runs sync rounds one at a time across every context of the extension (a Web Lock, as Dexie
 * Cloud does), on new annotations, when the network returns, on an alarm and on demand. Backoff
 * lives in IndexedDB, so a terminated service worker resumes where it left off.
 */
export class SyncLoop {
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private local: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SyncDeps & { lockName?: string }) {}

  /** Syncs now unless a backoff is running (manual and online requests skip the wait). */
  async request(reason: Reason): Promise<SyncReport | null> {
    const now = (this.deps.now ?? Date.now)();
    const state = await readSyncState(this.deps.db);
    const waiting = state.nextAttemptAt !== null && state.nextAttemptAt > now;
    if (waiting && reason !== 'manual' && reason !== 'online' && reason !== 'settings') {
      this.scheduleAt(state.nextAttemptAt!);
      return null;
    }
    return this.runExclusive();
  }

  private async runExclusive(): Promise<SyncReport | null> {
    const run = async (): Promise<SyncReport> => {
      let report: SyncReport;
      do {
        this.again = false;
        report = await syncOnce(this.deps);
      } while (this.again && report.state.attempt === 0);
      await this.scheduleNext(report);
      return report;
    };
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (locks) {
      const result = await locks.request(this.deps.lockName ?? 'aitl-sync', { ifAvailable: true }, async (lock) => (lock ? run() : null));
      // Someone else is syncing: make sure what was just captured goes out in their next round.
      if (result === null) this.again = true;
      return result;
    }
    // No Web Locks (tests in Node): one round at a time within this context.
    const next = this.local.then(run);
    this.local = next.catch(() => {});
    return next;
  }

  private async scheduleNext(report: SyncReport): Promise<void> {
    if (report.state.nextAttemptAt) return this.scheduleAt(report.state.nextAttemptAt);
    // Entries held for a rationale are due later.
    const held = await this.deps.db.outbox.where('notBefore').above((this.deps.now ?? Date.now)()).first();
    if (held) this.scheduleAt(held.notBefore);
  }

  /** A timer for short waits; the background's alarm covers a worker that was terminated meanwhile. */
  private scheduleAt(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.max(0, at - (this.deps.now ?? Date.now)());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.request('timer');
    }, delay + 50);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
