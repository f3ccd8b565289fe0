import type { Annotation } from '../../../../lib/contract';
import { isSuperseded } from '../examples/article-texts';
import { scannedAhead, type Scanned } from '../examples/row-redaction';
import { ticketKey, ticketPseudonym, ticketQuery } from '../examples/ticket';
import { streamRelevanceByImpression, type SourceRow } from '../source';
import { AdmissionGate } from './admission-gate';
import { fromAnnotation } from './batch-output';
import type { BuildContext } from './build-context';
import { passageOf, redacted, rowRedactor, scanPassage } from './relevance-texts';
import { heldOut, inWindow } from './scope';

type RelevanceRow = SourceRow & { annotation: Extract<Annotation, { type: 'relevance' }> };

const SCORE = { relevant: 1, partial: 0.5, irrelevant: 0, outdated: 0 } as const;

/** Queries are short and seldom repeat: kept in the PII cache only when long, as Redaction.redact keeps texts. */
const CACHED_QUERY_CHARS = 200;

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
  const shown = labels.map((row) => {
    const p = row.annotation.payload;
    const article = impression.articles.find((x) => x.id.toLowerCase() === p.articleId.toLowerCase() && x.version === p.articleVersion);
    return article ?? { id: p.articleId, version: p.articleVersion, title: '', snippet: '' };
  });
  await knowledge.load(shown);
  // The query is scanned once for the impression and each passage once for good (then kept with
  // it), not once per row: every row is then redacted without waiting on the PII cache or threads.
  const q = await redaction.scan(query, query.length > CACHED_QUERY_CHARS);
  const passages = new Map<RelevanceRow, Scanned>();
  for (const [i, row] of labels.entries()) {
    const p = passageOf(knowledge.text(shown[i]!), spec.articleChars);
    passages.set(row, p.scanned ?? (await scanPassage(redaction, p)));
  }

  if (heldOut(spec, key)) {
    for (const row of labels) {
      const p = passages.get(row)!;
      const r = rowRedactor(redaction, [q, p]);
      const example = { task: 'relevance' as const, prompt: [], query: redacted(q, r), passage: redacted(p, r), label: row.annotation.payload.label };
      await output.writeEval(example, row, ticket, 'kb_human');
    }
    return;
  }
  for (const row of labels) {
    if (!gates.rerank.admit(key)) continue;
    const p = passages.get(row)!;
    const r = rowRedactor(redaction, [q, p]);
    const pair = { query: redacted(q, r), passage: redacted(p, r), label: SCORE[row.annotation.payload.label] };
    await output.write('rerank_pairs.jsonl', pair, fromAnnotation(row, ticket, 'kb_human', null, row.annotation.payload.label));
  }
  // Triplets: the ticket's question, an article marked relevant, and one shown but marked irrelevant or outdated.
  const positives = labels.filter((row) => row.annotation.payload.label === 'relevant');
  const negatives = labels.filter((row) => row.annotation.payload.label === 'irrelevant' || row.annotation.payload.label === 'outdated');
  for (const pos of positives) {
    for (const neg of negatives) {
      if (!gates.triplets.admit(key)) continue;
      const positive = passages.get(pos)!;
      const negative = passages.get(neg)!;
      const r = rowRedactor(redaction, [q, positive, negative]);
      const triplet = { anchor: redacted(q, r), positive: redacted(positive, r), negative: redacted(negative, r) };
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
