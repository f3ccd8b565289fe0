import { MinHashIndex, fnv1a, mix, shingles } from '../near-duplicates';
import type { BuildNotes } from './build-notes';

const REFUSALS = [null, 'per_ticket_cap', 'near_duplicate'] as const;

/**
 * A dry run's decisions, in order, for the real run to replay instead of deciding again (the SFT
 * census and the generation pass admit the same rows in the same order; MinHash is the costly part).
 * Each decision keeps its ticket's key, so a replay that strays from the recorded order throws.
 */
export class GateDecisions {
  private codes = new Uint8Array(1024);
  private keys = new Float64Array(1024);
  private length = 0;
  private next = 0;

  record(key: number, code: number): void {
    if (this.length === this.codes.length) {
      const codes = new Uint8Array(this.codes.length * 2);
      codes.set(this.codes);
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys);
      this.codes = codes;
      this.keys = keys;
    }
    this.keys[this.length] = key;
    this.codes[this.length++] = code;
  }

  replay(key: number): number {
    if (this.next >= this.length || this.keys[this.next] !== key) {
      throw new Error(`admission ${this.next} does not match the census (${this.length} recorded): the census and the generation pass must admit the same rows in the same order`);
    }
    return this.codes[this.next++]!;
  }
}

/**
 * Admits examples into one file: at most `maxPerTicket` per ticket and, optionally, no
 * near-duplicate completions. What it turns away is noted as excluded `<file>.<reason>`.
 */
export class AdmissionGate {
  private readonly perTicket = new Map<number, number>();
  private readonly index: MinHashIndex | null;

  /**
   * `notes: null` for a dry run that counts nothing (the SFT census); `decisions` with `record`
   * keeps a dry run's decisions, with `replay` takes them instead of deciding again.
   */
  constructor(
    private readonly file: string,
    private readonly notes: BuildNotes | null,
    private readonly maxPerTicket: number,
    nearDuplicate: number | null = null,
    private readonly decisions: { record: GateDecisions } | { replay: GateDecisions } | null = null,
  ) {
    this.index = nearDuplicate === null || (decisions && 'replay' in decisions) ? null : new MinHashIndex({ bands: 8, rows: 4, threshold: nearDuplicate });
  }

  /** `count: false` for rows outside the batch's window, whose exclusion is not this batch's news. */
  admit(ticketKey: string, completion?: string, count = true): boolean {
    // 53 bits from two 32-bit hashes: collisions among a few million tickets are negligible.
    const h = fnv1a(ticketKey);
    const key = h * 2 ** 21 + (mix(h ^ 0x5bd1e995) >>> 11);
    const refused = this.decisions && 'replay' in this.decisions ? REFUSALS[this.decisions.replay.replay(key)]! : this.decide(key, completion);
    if (this.decisions && 'record' in this.decisions) this.decisions.record.record(key, REFUSALS.indexOf(refused));
    if (refused) {
      if (count) this.notes?.exclude(`${this.file}.${refused}`);
      return false;
    }
    this.perTicket.set(key, (this.perTicket.get(key) ?? 0) + 1);
    return true;
  }

  private decide(key: number, completion: string | undefined): (typeof REFUSALS)[number] {
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
