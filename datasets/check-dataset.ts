/**
 * Checks one labelled dataset folder (datasets/check.ts runs it). A dataset is `kb/` (Markdown
 * articles, read by the repo's own importer, so a folder that passes here imports), `tickets.jsonl`
 * (labelled tickets, read by `aitl eval`'s own reader), and optionally `kb-later/` (articles
 * written after the tickets, front matter `closes_gaps: [ticketId]`) with `gaps.jsonl` (the
 * unanswered tickets, each with `answeredBy`: a kb-later id or null).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readLabelledTickets } from '../server/src/knowledge/evaluation';
import { readSource } from '../server/src/knowledge/sources/read-source';

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---/;

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => path.join(dir, f));
}

/** `closes_gaps` of each kb-later article, by article id (the importer ignores that key). */
function closedGaps(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of markdownFiles(dir)) {
    const meta = parse(FRONT_MATTER.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? '') as { id?: unknown; closes_gaps?: unknown };
    out.set(String(meta.id), Array.isArray(meta.closes_gaps) ? meta.closes_gaps.map(String) : []);
  }
  return out;
}

export interface DatasetReport {
  /** What it holds, one line each, for people. */
  counts: string[];
  /** Ids that do not line up; empty when the dataset is sound. */
  problems: string[];
}

/**
 * Throws `KbImportError` or `EvalInputError` (with file and line) when the articles or tickets
 * cannot be read at all; otherwise returns every cross-reference problem found.
 */
export function checkDataset(dir: string): DatasetReport {
  const problems: string[] = [];
  const counts: string[] = [];
  const kb = readSource(path.join(dir, 'kb'), 'markdown').articles;
  const ids = new Set(kb.map((a) => a.externalId));
  const tickets = readLabelledTickets(path.join(dir, 'tickets.jsonl'));
  const cited = new Map<string, number>();
  for (const t of tickets) {
    if (new Set(t.relevant).size !== t.relevant.length) problems.push(`tickets.jsonl: ticket ${t.ticketId} names an article twice`);
    for (const id of t.relevant) {
      if (!ids.has(id)) problems.push(`tickets.jsonl: ticket ${t.ticketId} names "${id}", which is not in kb/`);
      cited.set(id, (cited.get(id) ?? 0) + 1);
    }
  }
  const gapIds = new Set(tickets.filter((t) => t.relevant.length === 0).map((t) => t.ticketId));
  const sections = new Set(kb.map((a) => a.at.split(path.sep)[0]));
  const perTicket = [1, 2, 3].map((n) => tickets.filter((t) => t.relevant.length === n).length);
  counts.push(`${dir}: ${kb.length} articles in ${sections.size} sections, ${tickets.length} tickets (${tickets.length - gapIds.size} labelled: ${perTicket.join(' / ')} with 1 / 2 / 3 articles; ${gapIds.size} knowledge gaps)`);
  counts.push(`  ${cited.size} articles answer at least one ticket, ${[...cited.values()].filter((n) => n === 1).length} exactly one, ${[...cited.values()].filter((n) => n >= 5).length} five or more`);

  const laterDir = path.join(dir, 'kb-later');
  if (!fs.existsSync(laterDir)) return { counts, problems };
  const later = readSource(laterDir, 'markdown').articles;
  for (const a of later) if (ids.has(a.externalId)) problems.push(`kb-later/: "${a.externalId}" is already in kb/`);
  const closes = closedGaps(laterDir);
  const gapsFile = path.join(dir, 'gaps.jsonl');
  const lines = fs.existsSync(gapsFile) ? fs.readFileSync(gapsFile, 'utf8').split('\n').filter((l) => l.trim()) : [];
  if (lines.length === 0) problems.push('gaps.jsonl: missing or empty, but kb-later/ exists');
  const answeredBy = new Map<string, string | null>();
  lines.forEach((line, i) => {
    const gap = JSON.parse(line) as { ticketId?: unknown; answeredBy?: unknown };
    const id = String(gap.ticketId);
    if (!gapIds.has(id)) problems.push(`gaps.jsonl:${i + 1}: ticket ${id} is not a gap (empty relevant) in tickets.jsonl`);
    if (gap.answeredBy !== null && !closes.has(String(gap.answeredBy))) problems.push(`gaps.jsonl:${i + 1}: answeredBy "${String(gap.answeredBy)}" is not in kb-later/`);
    answeredBy.set(id, gap.answeredBy === null ? null : String(gap.answeredBy));
  });
  for (const [article, gaps] of closes) {
    if (gaps.length === 0) problems.push(`kb-later/: "${article}" has no closes_gaps`);
    for (const g of gaps) if (answeredBy.get(g) !== article) problems.push(`kb-later/: "${article}" closes ${g}, but gaps.jsonl says ${g} is answered by ${answeredBy.get(g) ?? 'nothing'}`);
  }
  for (const [gap, article] of answeredBy) {
    if (article !== null && !closes.get(article)?.includes(gap)) problems.push(`gaps.jsonl: ${gap} is answered by "${article}", whose closes_gaps does not name it`);
  }
  const answered = [...answeredBy.values()].filter((v) => v !== null).length;
  counts.push(`  kb-later: ${later.length} articles closing ${answered} of the ${gapIds.size} gaps`);
  return { counts, problems };
}
