import { createHash } from 'node:crypto';
import type { Annotation, AdoptionOutcome, BatchBuildRequest, Impression, RelevanceLabel } from '../../../lib/contract';
import { BATCH_DATA_FILES, BATCH_MANIFEST } from '../../../lib/contract';
import { buildBatch, type BuildOptions } from '../../src/batches/build/build-batch';
import { readBatchFile } from '../../src/batches/files';
import { batchFile } from '../../src/batches/store';
import type { Database } from '../../src/db/database';
import { OPTS } from './batches';
import { Flywheel, seededIds, type ArticleRef } from './flywheel';

/**
 * A fixed flywheel history, generated from a seed, and three batches built over it with fixed
 * specs. Everything that reaches a batch file is seeded: ids, times, texts, the PII in them. It is
 * sized so that every streamed pass crosses a page boundary (more than 500 rows of each kind).
 */

/** mulberry32: small, fast, and the same sequence on every platform. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const SENTENCES = [
  'Thanks for reaching out about your order.',
  'I have checked your account and can see the charge from last Tuesday.',
  'Refunds to a card usually take five to ten business days to appear.',
  'You can change the delivery address from the Orders page until the parcel ships.',
  'I have escalated this to our billing team and they will reply within one business day.',
  'Could you send me a screenshot of the error message you see?',
  'Your subscription renews on the first of each month; you can cancel at any time before that.',
  'The workspace owner can transfer ownership from Settings, then Members.',
  'Please try signing out and back in after clearing the cache of the app.',
  'I am sorry for the trouble this has caused.',
  'Firmware 2.4 fixes the reboot loop on the doorbell.',
  'Gift cards cannot be refunded, but they never expire.',
];

/** PII the way customers and agents write it, including near misses that must survive. */
const PII = [
  'Email me at dana.whitfield@gmail.com please.',
  'My phone is +44 20 7946 0958.',
  'Call me on (415) 555-0132 after six.',
  'The card ending in 4242 was charged, full number 4111 1111 1111 1111.',
  'Refund to IBAN GB82 WEST 1234 5698 7654 32.',
  'My IP address is 203.0.113.42 if that helps.',
  'The reset link https://app.example.com/reset?token=9f8e7d6c5b4a3921 did not work.',
  'My SSN is 123-45-6789, do you need it?',
  'Order 123456789 from 2026-10-30 costs $41.99.',
  'Write to Dana.Whitfield@Gmail.com or billing@acme-corp.com.',
];

const GAPS = [
  'How to move a subscription between workspaces',
  'Refund rules for gift cards bought abroad',
  'Exporting invoices as CSV for accounting',
  'Changing the account owner email address',
  'Shipping to PO boxes and military addresses',
  'Doorbell firmware rollback steps',
];

const OUTCOMES: AdoptionOutcome[] = ['as_is', 'as_is', 'light_edit', 'heavy_edit', 'discarded', 'not_used'];
const LABELS: RelevanceLabel[] = ['relevant', 'relevant', 'partial', 'irrelevant', 'outdated'];

/** The three builds and what each one covers. */
export const FIXED_SPECS: BatchBuildRequest[] = [
  { seed: 'fixed', evalShare: 0.2, maxPerTicket: 5, articleChars: 300 },
  { seed: 'fixed', policy: 'latest-only', anchorShare: 0.6, syntheticCap: 0.3, nearDuplicate: 0.7 },
  { seed: 'fixed-3', gapSimilarity: 0.4, maxPerTicket: 3 },
];

class FixedHistory {
  private readonly r = seeded(13);
  private articles: ArticleRef[] = [];

  private constructor(readonly fw: Flywheel) {}

  static async create(db: Database): Promise<FixedHistory> {
    const ids = seeded(29);
    const fw = await Flywheel.create(db, 'fixed-build', 'agent-1', seededIds(() => Math.floor(ids() * 256)));
    const history = new FixedHistory(fw);
    for (let i = 0; i < 12; i++) {
      const body = `${history.text(3, 9)} ${i % 4 === 0 ? 'Contact billing@acme-corp.com for help.' : ''} ${history.text(2, 6)}`;
      history.articles.push(await fw.article(`Help article ${i}`, body));
    }
    return history;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)]!;
  }

  private text(min: number, max: number): string {
    const n = min + Math.floor(this.r() * (max - min + 1));
    return Array.from({ length: n }, () => this.pick(SENTENCES)).join(' ');
  }

  private maybePii(): string {
    return this.r() < 0.6 ? ` ${this.pick(PII)}` : '';
  }

  /** `tickets` suggestions, each with 1-7 annotations of every type; tickets repeat, so per-ticket caps bite. */
  async add(tickets: number): Promise<void> {
    const { fw } = this;
    for (let n = 0; n < tickets; n++) {
      const ticketId = `T${1000 + Math.floor(this.r() * tickets * 0.6)}`;
      const shown = this.articles.filter(() => this.r() < 0.4).slice(0, 6);
      if (shown.length === 0) shown.push(this.pick(this.articles));
      const imp = await fw.impression({
        ticketId,
        subject: this.r() < 0.9 ? `Question about ${this.pick(['billing', 'shipping', 'the doorbell', 'my account'])}` : undefined,
        customer: `${this.text(1, 3)}${this.maybePii()}`,
        thread: [
          { role: 'agent', text: this.text(1, 2) },
          { role: 'customer', text: `${this.text(1, 2)}${this.maybePii()}` },
          ...(this.r() < 0.5 ? [{ role: 'customer' as const, text: this.text(1, 1) }] : []),
          ...(this.r() < 0.4 ? [{ role: 'internal' as const, text: `Checked the account.${this.maybePii()}` }] : []),
        ],
        arms: { A: `${this.text(2, 4)}${this.maybePii()}`, ...(this.r() < 0.9 ? { B: this.text(2, 4) } : {}) },
        articles: shown,
        cites: shown.filter(() => this.r() < 0.5),
      });
      const annotations: Annotation[] = [];
      const count = 1 + Math.floor(this.r() * 7);
      for (let k = 0; k < count; k++) annotations.push(this.annotation(imp, shown));
      await fw.sync(...annotations);
    }
  }

  private annotation(imp: Impression, shown: ArticleRef[]): Annotation {
    const { fw } = this;
    const kind = this.r();
    const slot = imp.arms.length === 2 && this.r() < 0.5 ? 'B' : 'A';
    if (kind < 0.35) {
      const outcome = this.pick(OUTCOMES);
      const arm = imp.arms.find((a) => a.slot === slot)!.text;
      const sent =
        outcome === 'not_used' ? null
        : outcome === 'as_is' ? arm
        : outcome === 'light_edit' ? `${arm} Best regards, Sam`
        : this.r() < 0.2 ? 'Thanks for reaching out about your order. I have escalated this to our billing team.' // near-duplicates across tickets
        : `${this.text(1, 4)}${this.maybePii()}`;
      const a = fw.adoption(imp, outcome, sent, slot);
      if (a.type === 'adoption' && this.r() < 0.05) a.payload.channel = 'internal';
      return a;
    }
    if (kind < 0.5) return fw.preference(imp, this.pick(['A', 'B', 'A', 'B', 'tie', 'both_bad'] as const), this.pick(['slight', 'clear', 'strong'] as const));
    if (kind < 0.93) return fw.relevance(imp, this.pick(shown), this.pick(LABELS));
    const gap = this.pick(GAPS);
    return fw.missing(imp, this.r() < 0.5 ? gap : `${gap}, ${this.pick(['please', 'urgently', 'for EU customers'])}.${this.maybePii()}`, this.pick(['how_to', 'billing', undefined]));
  }

  /** A newer version of some articles and the retirement of one: examples resting on the old ones expire. */
  async reviseKnowledge(): Promise<void> {
    for (const i of [1, 5]) this.articles[i] = await this.fw.supersede(this.articles[i]!, `${this.text(3, 6)} (revised)`);
    await this.fw.db.query('UPDATE knowledge_articles SET retired_at = $3 WHERE tenant_id = $1 AND id = $2', [this.fw.tenantId, this.articles[9]!.id, '2026-12-01T00:00:00Z']);
  }
}

/** The sha256 of every file of a stored batch, as an operator would download it. */
async function batchSha256(db: Database, tenantId: string, number: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of [...BATCH_DATA_FILES, BATCH_MANIFEST]) {
    const file = await batchFile(db, tenantId, number, name);
    if (!file) throw new Error(`batch ${number} has no ${name}`);
    const hash = createHash('sha256');
    if (file.text !== undefined) hash.update(file.text);
    else for await (const chunk of readBatchFile(db, tenantId, number, name, file.chunks)) hash.update(chunk);
    out[name] = hash.digest('hex');
  }
  return out;
}

/** Loads the fixed history in three stages, builds a batch after each, and returns every file's sha256. */
export async function buildFixedBatches(db: Database, options: Partial<BuildOptions> = {}): Promise<Record<string, Record<string, string>>> {
  const history = await FixedHistory.create(db);
  const { tenantId } = history.fw;
  const out: Record<string, Record<string, string>> = {};
  const stages = [
    () => history.add(220),
    async () => {
      await history.reviseKnowledge();
      await history.add(120);
    },
    () => history.add(60),
  ];
  for (const [i, spec] of FIXED_SPECS.entries()) {
    await stages[i]!();
    const { number } = await buildBatch(db, tenantId, spec, { ...OPTS, ...options });
    out[`batch ${number}`] = await batchSha256(db, tenantId, number);
  }
  return out;
}
