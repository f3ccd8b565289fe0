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

/**
 * Progress of a phase that runs beside another: held back while the other reports, then
 * reported as if it had started when `release` is called (its phase, how far it got, and on from
 * there), so the phases still read one after the other.
 */
export class HeldProgress implements BuildProgress {
  private held: { name: string; total: number; advanced: number }[] = [];
  private target: BuildProgress | null = null;

  phase(name: string, total: number): void {
    if (this.target) this.target.phase(name, total);
    else this.held.push({ name, total, advanced: 0 });
  }

  advance(n: number): void {
    if (this.target) this.target.advance(n);
    else if (this.held.length > 0) this.held.at(-1)!.advanced += n;
  }

  done(): void {
    this.target?.done();
  }

  release(target: BuildProgress | undefined): void {
    if (!target) return;
    for (const p of this.held) {
      target.phase(p.name, p.total);
      if (p.advanced > 0) target.advance(p.advanced);
    }
    this.held = [];
    this.target = target;
  }
}
