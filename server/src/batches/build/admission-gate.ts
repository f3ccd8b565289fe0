import { MinHashIndex, fnv1a, mix, shingles } from '../near-duplicates';
import type { BuildNotes } from './build-notes';

/**
 * Admits examples into one file: at most `maxPerTicket` per ticket and, optionally, no
 * near-duplicate completions. What it turns away is noted as excluded `<file>.<reason>`.
 */
export class AdmissionGate {
  private readonly perTicket = new Map<number, number>();
  private readonly index: MinHashIndex | null;

  /** `notes: null` for a dry run that counts nothing (the SFT census). */
  constructor(
    private readonly file: string,
    private readonly notes: BuildNotes | null,
    private readonly maxPerTicket: number,
    nearDuplicate: number | null = null,
  ) {
    this.index = nearDuplicate === null ? null : new MinHashIndex({ bands: 8, rows: 4, threshold: nearDuplicate });
  }

  /** `count: false` for rows outside the batch's window, whose exclusion is not this batch's news. */
  admit(ticketKey: string, completion?: string, count = true): boolean {
    // 53 bits from two 32-bit hashes: collisions among a few million tickets are negligible.
    const h = fnv1a(ticketKey);
    const key = h * 2 ** 21 + (mix(h ^ 0x5bd1e995) >>> 11);
    const n = this.perTicket.get(key) ?? 0;
    let refused: string | null = n >= this.maxPerTicket ? 'per_ticket_cap' : null;
    if (!refused && this.index && completion !== undefined) {
      const grams = shingles(completion, 3);
      if (grams.length > 0) {
        const sig = this.index.signature(grams);
        if (this.index.find(sig) >= 0) refused = 'near_duplicate';
        else this.index.add(sig);
      }
    }
    if (refused) {
      if (count) this.notes?.exclude(`${this.file}.${refused}`);
      return false;
    }
    this.perTicket.set(key, n + 1);
    return true;
  }
}
