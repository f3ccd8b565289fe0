import type { BuildLease } from '../lease';

/** Where a long build reports how far it is (a progress bar on a terminal, nothing elsewhere). */
export interface BuildProgress {
  phase(name: string, total: number): void;
  advance(n: number): void;
  done(): void;
}

/**
 * Housekeeping between pages: reports progress, stops a cancelled build, and renews the build
 * lease a third of the way into its term, so a live build never loses it to a takeover.
 */
export class Checkpoint {
  private lastRenewal = Date.now();

  constructor(
    private readonly lease: BuildLease,
    private readonly leaseSeconds: number,
    private readonly progress?: BuildProgress,
    private readonly signal?: AbortSignal,
  ) {}

  phase(name: string, total: number): void {
    this.progress?.phase(name, total);
  }

  /** After `rows` more rows. */
  async passed(rows: number): Promise<void> {
    this.progress?.advance(rows);
    if (this.signal?.aborted) throw new Error('the batch build was cancelled (the server is shutting down)');
    if (Date.now() - this.lastRenewal > (this.leaseSeconds * 1000) / 3) {
      if (!(await this.lease.renew())) throw new Error(`lost the build lease of batch ${this.lease.number}; another build took over`);
      this.lastRenewal = Date.now();
    }
  }

  done(): void {
    this.progress?.done();
  }
}
