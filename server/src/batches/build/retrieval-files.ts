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
  const pages = scannedAhead(inPages(streamRelevanceByImpression(db, tenantId, spec.watermark), 200), ctx.redaction, (group) => [group.query]);
  for await (const page of pages) {
    await ctx.knowledge.load(labelledArticles(page));
    for (const group of page) {
      await relevanceGroup(ctx, group, gates);
      pending += group.rows.length;
      if (pending >= 500) {
        await checkpoint.passed(pending);
        pending = 0;
      }
    }
  }
  await checkpoint.passed(pending);
}

/**
 * Every article a label of the page names (a label's article, shown or not, has its id and
 * version), loaded at once: one lookup, and at most one query, a page instead of an impression.
 */
function labelledArticles(page: readonly LabelGroup[]): { id: string; version: number }[] {
  const articles: { id: string; version: number }[] = [];
  for (const group of page) {
    for (const { annotation: a } of group.rows) if (a.type === 'relevance') articles.push({ id: a.payload.articleId, version: a.payload.articleVersion });
  }
  return articles;
}

/**
 * An impression's labels with its ticket's query, made once: the same string is scanned ahead and
 * then looked up and redacted, instead of a second one built (and hashed) for the lookup.
 */
interface LabelGroup {
  rows: SourceRow[];
  query: string;
}

async function* inPages(groups: AsyncIterable<SourceRow[]>, size: number): AsyncGenerator<LabelGroup[]> {
  let page: LabelGroup[] = [];
  for await (const rows of groups) {
    page.push({ rows, query: ticketQuery(rows[0]!.context) });
    if (page.length === size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** The labels agents gave the articles of one impression. */
async function relevanceGroup(ctx: BuildContext, { rows: group, query }: LabelGroup, gates: { triplets: AdmissionGate; rerank: AdmissionGate }): Promise<void> {
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
  if (query === '') return notes.exclude('relevance.no_query', labels.length);
  const key = ticketKey(first.annotation.ticket);
  const ticket = ticketPseudonym(ctx.tenantId, first.annotation.ticket.platform, first.annotation.ticket.ticketId);
  const shown = labels.map((row) => {
    const p = row.annotation.payload;
    const id = p.articleId.toLowerCase();
    const article = impression.articles.find((x) => x.version === p.articleVersion && lowersTo(x.id, id));
    return article ?? { id: p.articleId, version: p.articleVersion, title: '', snippet: '' };
  });
  // The query is scanned once for the impression and each passage once a build (then kept with
  // it), not once per row: every row is then redacted without waiting on the PII cache or threads.
  // Passages of labels the gates will turn away are scanned too: at most once per article.
  const q = await redaction.scan(query, query.length > CACHED_QUERY_CHARS);
  const passages = new Map<RelevanceRow, Scanned>();
  for (const [i, row] of labels.entries()) {
    const p = passageOf(knowledge.text(shown[i]!), spec.articleChars);
    passages.set(row, p.by === redaction ? p.scanned! : await scanPassage(redaction, p));
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

/**
 * `s.toLowerCase() === lower` without making the lower-cased string while `s` is ASCII (article
 * ids are UUIDs): each label is looked for among the impression's articles, and lower-casing every
 * id compared made 17 MB of short-lived strings at 100k annotations.
 */
function lowersTo(s: string, lower: string): boolean {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    // Past ASCII, lower-casing may change the length: compare as the definition says.
    if (c >= 0x80) return s.toLowerCase() === lower;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    // An ASCII prefix lower-cases to itself, position by position, whatever follows it.
    if (c !== lower.charCodeAt(i)) return false;
  }
  return s.length === lower.length;
}
