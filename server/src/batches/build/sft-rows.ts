import type { Annotation } from '../../../../lib/contract';
import { promptParts, ticketTexts } from '../examples/prompt';
import { scannedAhead } from '../examples/row-redaction';
import { hashRank } from '../examples/sampling';
import { ticketPseudonym } from '../examples/ticket';
import { annotationsBySeq, PAGE_SIZE, type SourceRow } from '../source';
import { fromAnnotation, type BatchOutput } from './batch-output';
import type { BuildContext } from './build-context';
import type { DeferredRows } from './deferred-rows';
import { sftJson, promptRow } from './row-json';
import { sftCandidate } from './sft-candidate';
import type { SftPlan, SftTally } from './sft-plan';

/** SFT targets kept, by kind: the manifest's `sft.kept`. */
export interface SftKept {
  human: number;
  synthetic: number;
  anchors: number;
}

type AdoptionRow = SourceRow & { annotation: Extract<Annotation, { type: 'adoption' }> };

/**
 * Phase 2: sft.jsonl. The replies pass admitted the SFT targets and reserved each one's place
 * among its held-back sources lines; with all of them tallied, the caps decide which the file
 * keeps, and only those annotations are read again (by seq, a page at a time) and written, each
 * at its place, while the held lines are written around them. So sft.jsonl and sources.jsonl
 * read as if every row had been written in turn, without a census pass over every adoption
 * before the replies pass (it read and parsed each adoption's impression once more).
 */
export async function sftRows(ctx: BuildContext, output: BatchOutput, held: DeferredRows, tally: SftTally): Promise<{ plan: SftPlan; kept: SftKept }> {
  const { notes, checkpoint } = ctx;
  const plan = tally.plan();
  const keep: boolean[] = [];
  const anchors = new Set<number>();
  const seqs: number[] = [];
  for (let i = 0; i < tally.size; i++) {
    const d = tally.decision(plan, i);
    keep.push(d.keep);
    if (d.capped) notes.exclude('sft.synthetic_cap');
    if (!d.keep) continue;
    seqs.push(d.seq);
    if (d.anchor) anchors.add(d.seq);
  }
  checkpoint.phase('replies kept for SFT', seqs.length);
  const rows = new KeptRows(ctx, seqs);
  const kept: SftKept = { human: 0, synthetic: 0, anchors: 0 };
  let place = 0;
  await held.flush(async () => {
    if (!keep[place++]) return;
    const row = await rows.next();
    const anchor = anchors.has(row.seq);
    const synthetic = await writeSft(ctx, output, row, anchor);
    if (anchor) kept.anchors++;
    else if (synthetic) kept.synthetic++;
    else kept.human++;
  });
  if (place !== tally.size) throw new Error(`the replies pass reserved ${place} places for ${tally.size} SFT targets`);
  await rows.done();
  return { plan, kept };
}

/** Writes the SFT row of an adoption the plan keeps; whether its target is model-written. */
async function writeSft(ctx: BuildContext, output: BatchOutput, row: SourceRow, anchor: boolean): Promise<boolean> {
  const { tenantId, spec, current, knowledge, redaction, notes } = ctx;
  const c = sftCandidate(row, current);
  // Annotations and impressions are never changed once stored, and `current` is loaded once per build.
  if (typeof c === 'string') throw new Error(`annotation ${row.annotation.id} offered an SFT target in the replies pass and none now (${c})`);
  const a = (row as AdoptionRow).annotation;
  const parts = await promptParts(redaction, knowledge, row.impression!, row.context, spec.articleChars);
  const r = redaction.row();
  const messages = promptRow(parts, r, '{"messages":[');
  const reply = r.apply(c.text, (await redaction.scan(c.text, false)).spans);
  const ticket = ticketPseudonym(tenantId, a.ticket.platform, a.ticket.ticketId);
  await output.writeJson('sft.jsonl', sftJson(messages, reply), fromAnnotation(row, ticket, c.provenance, null, a.payload.outcome, anchor));
  notes.drift.sftReply(reply, c.synthetic, hashRank('diversity', a.id));
  return c.synthetic;
}

/** The texts of a kept row the prompt and reply redact (articles are few and cached): its ticket and the sent reply. */
function* rowTexts(row: SourceRow): Iterable<string> {
  const ticket = ticketTexts(row.context);
  yield* ticket.system;
  for (const t of ticket.turns) yield* t.texts;
  if (row.annotation.type === 'adoption' && row.annotation.payload.sentText) yield row.annotation.payload.sentText;
}

/** The kept annotations in seq order, read a page ahead, their texts scanned for PII ahead and their articles loaded. */
class KeptRows {
  private readonly pages: AsyncIterator<SourceRow[]>;
  private page: SourceRow[] = [];
  private at = 0;

  constructor(
    private readonly ctx: BuildContext,
    seqs: number[],
  ) {
    this.pages = scannedAhead(bySeq(ctx, seqs), ctx.redaction, rowTexts)[Symbol.asyncIterator]();
  }

  async next(): Promise<SourceRow> {
    if (this.at === this.page.length) {
      if (this.page.length > 0) await this.ctx.checkpoint.passed(this.page.length);
      const next = await this.pages.next();
      if (next.done) throw new Error('more SFT rows were kept than were read');
      this.page = next.value;
      this.at = 0;
      await this.ctx.knowledge.load(this.page.flatMap((r) => r.impression?.articles ?? []));
    }
    return this.page[this.at++]!;
  }

  async done(): Promise<void> {
    if (this.at !== this.page.length || !(await this.pages.next()).done) throw new Error('fewer SFT rows were written than were kept');
    await this.ctx.checkpoint.passed(this.page.length);
  }
}

async function* bySeq(ctx: BuildContext, seqs: number[]): AsyncGenerator<SourceRow[]> {
  for (let from = 0; from < seqs.length; from += PAGE_SIZE) {
    const page = seqs.slice(from, from + PAGE_SIZE);
    const found = await annotationsBySeq(ctx.db, ctx.tenantId, page);
    yield page.map((seq) => {
      const row = found.get(seq);
      if (!row) throw new Error(`annotation ${seq} is kept for SFT but is no longer stored`);
      return row;
    });
  }
}
