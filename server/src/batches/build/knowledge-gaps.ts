import type { Annotation } from '../../../../lib/contract';
import { ticketPseudonym, ticketQuery } from '../examples/ticket';
import { gapIndex, gapSignature } from '../../gaps/gap-signature';
import { annotationsBySeq, streamAnnotations } from '../source';
import type { BuildContext } from './build-context';
import { gapsFrom } from './scope';

/** Missing-knowledge reports kept as evidence on each gap. */
const GAP_EVIDENCE = 5;
/** Gaps whose evidence is fetched and written per query. */
const GAP_CHUNK = 100;

/** Per gap only counters and the seqs of its first reports; the texts are fetched again to write. */
interface Gap {
  count: number;
  first: number;
  last: number;
  categories: Record<string, number>;
  evidence: number[];
}

/** Phase 4: missing-knowledge reports clustered into gaps (bounded memory), each written with its first reports. */
export async function knowledgeGaps(ctx: BuildContext): Promise<void> {
  const gaps = await clusterReports(ctx);
  for (let start = 0; start < gaps.length; start += GAP_CHUNK) {
    await ctx.checkpoint.passed(0);
    await writeGaps(ctx, gaps.slice(start, start + GAP_CHUNK), start);
  }
}

async function clusterReports(ctx: BuildContext): Promise<Gap[]> {
  const { db, tenantId, spec, notes, checkpoint } = ctx;
  const index = gapIndex(spec.gapSimilarity);
  const gaps: Gap[] = [];
  const from = gapsFrom(spec);
  checkpoint.phase('knowledge gaps', ctx.totals.gaps);
  for await (const page of streamAnnotations(db, tenantId, { types: ['missing_knowledge'], fromSeq: from, toSeq: spec.watermark, withContext: false, withImpression: false })) {
    for (const row of page) {
      const a = row.annotation;
      if (a.type !== 'missing_knowledge') continue;
      notes.annotation(row);
      const sig = gapSignature(index, a.payload.description, a.payload.suggestedTitle);
      let id = index.find(sig);
      if (id < 0) {
        id = index.add(sig);
        gaps.push({ count: 0, first: Infinity, last: -Infinity, categories: {}, evidence: [] });
      }
      const gap = gaps[id]!;
      const at = Date.parse(a.createdAt);
      gap.count++;
      gap.first = Math.min(gap.first, at);
      gap.last = Math.max(gap.last, at);
      const category = a.payload.category ?? 'uncategorised';
      gap.categories[category] = (gap.categories[category] ?? 0) + 1;
      if (gap.evidence.length < GAP_EVIDENCE) gap.evidence.push(row.seq);
    }
    await checkpoint.passed(page.length);
  }
  return gaps;
}

/** Gaps `start + 1` onwards, each with its evidence redacted as one row. */
async function writeGaps(ctx: BuildContext, chunk: Gap[], start: number): Promise<void> {
  const { db, tenantId, redaction, output } = ctx;
  const rows = await annotationsBySeq(db, tenantId, chunk.flatMap((g) => g.evidence));
  for (const [i, gap] of chunk.entries()) {
    const r = redaction.row();
    const reports = [];
    for (const seq of gap.evidence) {
      const row = rows.get(seq)!;
      const a = row.annotation as Extract<Annotation, { type: 'missing_knowledge' }>;
      reports.push({
        annotationId: a.id,
        ticket: ticketPseudonym(tenantId, a.ticket.platform, a.ticket.ticketId),
        description: await redaction.redact(r, a.payload.description),
        category: a.payload.category ?? null,
        suggestedTitle: a.payload.suggestedTitle === undefined ? null : await redaction.redact(r, a.payload.suggestedTitle),
        query: await redaction.redact(r, ticketQuery(row.context).slice(0, 2000)),
        shownArticles: (row.impression?.articles ?? []).map((x) => ({ id: x.id, version: x.version, title: x.title, rank: x.rank })),
      });
    }
    const categories = Object.fromEntries(Object.entries(gap.categories).sort(([x], [y]) => (x < y ? -1 : 1)));
    const line = {
      gap: start + i + 1,
      reportCount: gap.count,
      description: reports[0]!.description,
      categories,
      firstReportedAt: new Date(gap.first).toISOString(),
      lastReportedAt: new Date(gap.last).toISOString(),
      reports,
    };
    await output.write('knowledge_gaps.jsonl', line, {
      annotationIds: reports.map((x) => x.annotationId),
      impressionIds: [...new Set(gap.evidence.map((seq) => rows.get(seq)!.annotation.impressionId))],
      ticket: reports[0]!.ticket,
      provenance: 'agent_written',
      rejectedProvenance: null,
      signal: null,
      anchor: false,
    });
  }
}
