// Checks a labelled retrieval dataset folder with the repo's own readers, so a dataset that passes
// imports and evaluates as it is:
//   <dir>/kb/            Markdown articles (front matter read by the knowledge-base importer)
//   <dir>/tickets.jsonl  labelled tickets (read by `aitl eval`'s reader); every relevant id must exist
//   <dir>/kb-later/      optional: articles written later; `closes_gaps` names the gap tickets they answer
//   <dir>/gaps.jsonl     optional: {"ticketId", "answeredBy"} for tickets no kb article answers
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readLabelledTickets } from '../server/src/knowledge/evaluation';
import { readSource } from '../server/src/knowledge/sources/read-source';

export interface DatasetCheck {
  problems: string[];
  summary: string;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

function closesGaps(file: string): string[] {
  const front = parse(fs.readFileSync(file, 'utf8').split(/^---[ \t]*$/m)[1] ?? '') as { closes_gaps?: unknown } | null;
  return Array.isArray(front?.closes_gaps) ? front.closes_gaps.map(String) : [];
}

/** Throws KbImportError / EvalInputError when the readers refuse a file; returns the rest as problems. */
export function checkDataset(dir: string): DatasetCheck {
  const problems: string[] = [];
  const kb = readSource(path.join(dir, 'kb'), 'markdown').articles;
  const ids = new Set(kb.map((a) => a.externalId));
  const tickets = readLabelledTickets(path.join(dir, 'tickets.jsonl'));
  // The reader already refuses malformed lines and repeated ticket ids.
  const uses = new Map<string, number>();
  for (const t of tickets) {
    for (const id of t.relevant) {
      if (!ids.has(id)) problems.push(`tickets.jsonl: ticket ${t.ticketId} names "${id}", which no kb article has`);
      uses.set(id, (uses.get(id) ?? 0) + 1);
    }
  }
  const gapIds = new Set(tickets.filter((t) => t.relevant.length === 0).map((t) => t.ticketId));

  const laterDir = path.join(dir, 'kb-later');
  const later = new Map<string, string[]>();
  if (fs.existsSync(laterDir)) {
    for (const a of readSource(laterDir, 'markdown').articles) {
      if (ids.has(a.externalId)) problems.push(`kb-later/${a.at}: id "${a.externalId}" is also a kb article`);
      const closes = closesGaps(path.join(laterDir, a.at.replace(/:\d+$/, '')));
      if (closes.length === 0) problems.push(`kb-later/${a.at}: no closes_gaps list`);
      for (const t of closes) if (!gapIds.has(t)) problems.push(`kb-later/${a.at}: closes_gaps names ${t}, which is not a gap ticket`);
      later.set(a.externalId, closes);
    }
  }
  const gapsFile = path.join(dir, 'gaps.jsonl');
  if (fs.existsSync(gapsFile)) {
    for (const [n, line] of fs.readFileSync(gapsFile, 'utf8').split('\n').entries()) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { ticketId?: string; answeredBy?: string | null };
      const at = `gaps.jsonl:${n + 1}`;
      if (!row.ticketId || !gapIds.has(row.ticketId)) problems.push(`${at}: ticket ${row.ticketId} is not a gap ticket`);
      else if (row.answeredBy != null && !later.get(row.answeredBy)?.includes(row.ticketId)) {
        problems.push(`${at}: answeredBy "${row.answeredBy}" is not a kb-later article closing ${row.ticketId}`);
      }
    }
  }

  const sections = new Set(kb.map((a) => a.at.split(/[\\/]/)[0]));
  const lengths = kb.map((a) => words(a.body)).sort((a, b) => a - b);
  const perTicket = [1, 2, 3].map((k) => tickets.filter((t) => t.relevant.length === k).length);
  const counts = [...uses.values()];
  const summary = `${dir}
  articles        ${kb.length} in ${sections.size} sections, ${lengths[0]}–${lengths.at(-1)} words (median ${lengths[lengths.length >> 1]}), ${kb.filter((a) => a.sourceUpdatedAt).length} dated
  tickets         ${tickets.length}: ${tickets.length - gapIds.size} labelled (1/2/3 articles: ${perTicket.join('/')}), ${gapIds.size} gaps (${((100 * gapIds.size) / tickets.length).toFixed(1)}%)
  articles named  ${uses.size} of ${kb.length}; by one ticket ${counts.filter((c) => c === 1).length}, by 5 or more ${counts.filter((c) => c >= 5).length}
  kb-later        ${later.size} articles closing ${new Set([...later.values()].flat()).size} gaps`;
  return { problems, summary };
}
