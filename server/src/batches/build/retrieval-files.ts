import type { Annotation } from '../../../../lib/contract';
import { isSuperseded, type ArticleText } from '../examples/article-texts';
import { scannedAhead } from '../examples/row-redaction';
import { ticketKey, ticketPseudonym, ticketQuery } from '../examples/ticket';
import { streamRelevanceByImpression, type SourceRow } from '../source';
import { AdmissionGate } from './admission-gate';
import { fromAnnotation } from './batch-output';
import type { BuildContext } from './build-context';
import { heldOut, inWindow } from './scope';

type RelevanceRow = SourceRow & { annotation: Extract<Annotation, { type: 'relevance' }> };

const SCORE = { relevant: 1, partial: 0.5, irrelevant: 0, outdated: 0 } as const;

/**
 * Each article's passage, by the text object it was made of (KnowledgeTexts hands out the same
 * one while it is cached) and its cut: the same string every time, so the PII cache hashes it once
 * instead of a newly built long string for every label of every impression.
 */
const passages = new WeakMap<ArticleText, Map<number, string>>();
function passageOf(t: ArticleText, articleChars: number): string {
  let made = passages.get(t);
  let p = made?.get(articleChars);
  if (p === undefined) {
    p = `${t.title}\n${t.body.slice(0, articleChars)}`;
    if (!made) passages.set(t, (made = new Map()));
    made.set(articleChars, p);
  }
  return p;
}

/** Phase 3: retrieval_triplets, rerank_pairs and the relevance part of eval, impression by impression. */
export async function retrievalFiles(ctx: BuildContext): Promise<void> {
  const { db, tenantId, spec, notes, checkpoint } = ctx;
  const gates = { triplets: new AdmissionGate('triplets', notes, spec.maxPerTicket), rerank: new AdmissionGate('rerank', notes, spec.maxPerTicket) };
  checkpoint.phase('relevance labels', ctx.totals.relevance);
  let pending = 0;
  // Each ticket's query is scanned for PII on a worker thread a page of impressions ahead.
  const pages = scannedAhead(inPages(streamRelevanceByImpression(db, tenantId, spec.watermark), 200), ctx.redaction, (group) => [ticketQuery(group[0]!.context)]);
  for await (const page of pages) {
    for (const group of page) {
      await relevanceGroup(ctx, group, gates);
      pending += group.length;
      if (pending >= 500) {
        await checkpoint.passed(pending);
        pending = 0;
      }
    }
  }
  await checkpoint.passed(pending);
}

async function* inPages<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const item of items) {
    page.push(item);
    if (page.length === size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** The labels agents gave the articles of one impression. */
async function relevanceGroup(ctx: BuildContext, group: SourceRow[], gates: { triplets: AdmissionGate; rerank: AdmissionGate }): Promise<void> {
  const { spec, current, notes, knowledge, redaction, output } = ctx;
  // The latest label of each article wins (an agent may change their mind).
  const latest = new Map<string, RelevanceRow>();
  for (const row of group) {
    if (row.annotation.type !== 'relevance' || !inWindow(spec, row.seq)) continue;
    notes.annotation(row);
    latest.set(`${row.annotation.payload.articleId.toLowerCase()}@${row.annotation.payload.articleVersion}`, row as RelevanceRow);
  }
  if (latest.size === 0) return;
  const first = group[0]!;
  if (!first.impression) return notes.exclude('relevance.no_impression', latest.size);
  const impression = first.impression;
  notes.impression(impression);
  const labels = [...latest.values()].filter((row) => {
    const stale = isSuperseded(current, row.annotation.payload.articleId, row.annotation.payload.articleVersion);
    if (stale) notes.exclude('relevance.superseded_article');
    return !stale;
  });
  const query = ticketQuery(first.context);
  if (query === '') return notes.exclude('relevance.no_query', labels.length);
  const key = ticketKey(first.annotation.ticket);
  const ticket = ticketPseudonym(ctx.tenantId, first.annotation.ticket.platform, first.annotation.ticket.ticketId);
  const shown = (row: RelevanceRow) => {
    const p = row.annotation.payload;
    const article = impression.articles.find((x) => x.id.toLowerCase() === p.articleId.toLowerCase() && x.version === p.articleVersion);
    return article ?? { id: p.articleId, version: p.articleVersion, title: '', snippet: '' };
  };
  await knowledge.load(labels.map((row) => shown(row)));
  const passage = (row: RelevanceRow) => passageOf(knowledge.text(shown(row)), spec.articleChars);

  if (heldOut(spec, key)) {
    for (const row of labels) {
      const r = redaction.row();
      const example = { task: 'relevance' as const, prompt: [], query: await redaction.redact(r, query), passage: await redaction.redact(r, passage(row)), label: row.annotation.payload.label };
      await output.writeEval(example, row, ticket, 'kb_human');
    }
    return;
  }
  for (const row of labels) {
    if (!gates.rerank.admit(key)) continue;
    const r = redaction.row();
    const q = await redaction.redact(r, query);
    const p = await redaction.redact(r, passage(row));
    await output.write('rerank_pairs.jsonl', { query: q, passage: p, label: SCORE[row.annotation.payload.label] }, fromAnnotation(row, ticket, 'kb_human', null, row.annotation.payload.label));
  }
  // Triplets: the ticket's question, an article marked relevant, and one shown but marked irrelevant or outdated.
  const positives = labels.filter((row) => row.annotation.payload.label === 'relevant');
  const negatives = labels.filter((row) => row.annotation.payload.label === 'irrelevant' || row.annotation.payload.label === 'outdated');
  for (const pos of positives) {
    for (const neg of negatives) {
      if (!gates.triplets.admit(key)) continue;
      const r = redaction.row();
      const triplet = { anchor: await redaction.redact(r, query), positive: await redaction.redact(r, passage(pos)), negative: await redaction.redact(r, passage(neg)) };
      await output.write('retrieval_triplets.jsonl', triplet, {
        annotationIds: [pos.annotation.id, neg.annotation.id],
        impressionIds: [pos.annotation.impressionId],
        ticket,
        provenance: 'kb_human',
        rejectedProvenance: 'kb_human',
        signal: `${pos.annotation.payload.label}/${neg.annotation.payload.label}`,
        anchor: false,
      });
    }
  }
}
