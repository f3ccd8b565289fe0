import { MinHashIndex, fnv1a, mix, shingles } from '../near-duplicates';
import type { BuildNotes } from './build-notes';

/**
 * Admits examples into one file: at most `maxPerTicket` per ticket and, optionally, no
 * near-duplicate completions. What it turns away is noted as excluded `<file>.<reason>`.
 */
export class AdmissionGate {
  private readonly perTicket = new Map<number, number>();
  private readonly index: MinHashIndex | null;

  constructor(
    private readonly file: string,
    private readonly notes: BuildNotes,
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
    const refused = this.decide(key, completion);
    if (refused) {
      if (count) this.notes.exclude(`${this.file}.${refused}`);
      return false;
    }
    this.perTicket.set(key, (this.perTicket.get(key) ?? 0) + 1);
    return true;
  }

  private decide(key: number, completion: string | undefined): 'per_ticket_cap' | 'near_duplicate' | null {
    if ((this.perTicket.get(key) ?? 0) >= this.maxPerTicket) return 'per_ticket_cap';
    if (this.index && completion !== undefined) {
      const grams = shingles(completion, 3);
      if (grams.length > 0) {
        const sig = this.index.signature(grams);
        if (this.index.matches(sig)) return 'near_duplicate';
        this.index.add(sig);
      }
    }
    return null;
  }
}
