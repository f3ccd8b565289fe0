import type { GapCluster, KnowledgeGap } from '../../../lib/contract';
import { gapIndex, gapSignature } from './gap-signature';

/** Newest reports kept as evidence per cluster. */
const EVIDENCE = 5;

/** The batch build's default (BatchBuildRequest.gapSimilarity), so the page and the CLI group as a batch does. */
export const DEFAULT_GAP_SIMILARITY = 0.5;

/**
 * A similarity as typed by a person (query parameter, CLI flag): undefined is the default; anything
 * but a number from 0.1 to 1 is refused with a message naming `name`.
 */
export function parseGapSimilarity(raw: string | undefined, name = 'similarity'): number {
  if (raw === undefined) return DEFAULT_GAP_SIMILARITY;
  const value = Number(raw);
  if (!/^(0|1)?(\.\d+)?$/.test(raw) || !(value >= 0.1 && value <= 1)) {
    throw new RangeError(`${name} must be a number from 0.1 to 1 (default ${DEFAULT_GAP_SIMILARITY}), got "${raw.slice(0, 20)}"`);
  }
  return value;
}

/**
 * Groups gaps (oldest first, as `listGaps` returns them) whose reports say the same thing, each
 * joining the earliest cluster it matches. Open clusters come first, then the most reported, then
 * the most recent, so the top of the list is what to write next.
 */
export function clusterGaps(gaps: readonly KnowledgeGap[], similarity: number): GapCluster[] {
  const index = gapIndex(similarity);
  const members: KnowledgeGap[][] = [];
  for (const gap of gaps) {
    const sig = gapSignature(index, gap.description, gap.suggestedTitle);
    const id = index.find(sig);
    if (id < 0) {
      index.add(sig);
      members.push([gap]);
    } else members[id]!.push(gap);
  }
  return members.map(summarise).sort(
    (a, b) =>
      Number(b.openGaps.length > 0) - Number(a.openGaps.length > 0) ||
      b.count - a.count ||
      b.lastReportedAt.localeCompare(a.lastReportedAt) ||
      a.gaps[0]! - b.gaps[0]!,
  );
}

function summarise(gaps: KnowledgeGap[]): GapCluster {
  const newestFirst = [...gaps].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.number - a.number);
  const categories: Record<string, number> = {};
  const shown = new Map<string, number>();
  const resolvedBy = new Map<string, { externalId: string; title: string; gaps: number }>();
  for (const gap of gaps) {
    const category = gap.category ?? 'uncategorised';
    categories[category] = (categories[category] ?? 0) + 1;
    // An article shown twice on one report counts once for it.
    for (const title of new Set(gap.shownArticles)) shown.set(title, (shown.get(title) ?? 0) + 1);
    if (gap.resolved) {
      const entry = resolvedBy.get(gap.resolved.externalId) ?? { externalId: gap.resolved.externalId, title: gap.resolved.title, gaps: 0 };
      entry.gaps++;
      resolvedBy.set(gap.resolved.externalId, entry);
    }
  }
  return {
    gaps: gaps.map((g) => g.number),
    openGaps: gaps.filter((g) => !g.resolved).map((g) => g.number),
    count: gaps.length,
    description: newestFirst[0]!.description,
    categories: Object.fromEntries(Object.entries(categories).sort(([x], [y]) => (x < y ? -1 : 1))),
    firstReportedAt: newestFirst.at(-1)!.createdAt,
    lastReportedAt: newestFirst[0]!.createdAt,
    evidence: newestFirst.slice(0, EVIDENCE).map((g) => ({ number: g.number, description: g.description, ticket: g.ticket, createdAt: g.createdAt })),
    shownArticles: [...shown].sort(([ta, a], [tb, b]) => b - a || (ta < tb ? -1 : 1)).map(([title, reports]) => ({ title, reports })),
    resolvedBy: [...resolvedBy.values()].sort((a, b) => b.gaps - a.gaps || (a.externalId < b.externalId ? -1 : 1)),
  };
}
