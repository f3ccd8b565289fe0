import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One labelled text: the PII it holds, and near-misses that must survive verbatim. */
export interface PiiCase {
  text: string;
  pii: { type: string; value: string }[];
  keep: string[];
  /** The file it came from (the holdout is split by author style and country). */
  source: string;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

const readJsonl = (file: string): PiiCase[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ ...JSON.parse(line), source: path.basename(file, '.jsonl') }));

/** The corpus the detectors were chosen and tuned on. */
export const tunedCorpus = (): PiiCase[] => readJsonl(path.join(FIXTURES, 'pii-corpus.jsonl'));

/**
 * The holdout: written apart from the tuned corpus, before the detectors were changed for it, and
 * never edited to suit them (fixtures/pii-holdout/README.md). Its numbers are the honest ones.
 */
export const holdoutCorpus = (): PiiCase[] => {
  const dir = path.join(FIXTURES, 'pii-holdout');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readJsonl(path.join(dir, f)));
};

export interface PiiScore {
  cases: number;
  found: number;
  total: number;
  /** Near-misses left intact, of all near-misses. */
  kept: number;
  keeps: number;
  byType: Record<string, { found: number; total: number }>;
  misses: string[];
  destroyed: string[];
}

/** A PII value counts as found when it no longer appears in the output; a near-miss survives when it still does. */
export async function scoreCorpus(cases: readonly PiiCase[], redact: (text: string) => Promise<string>): Promise<PiiScore> {
  const score: PiiScore = { cases: cases.length, found: 0, total: 0, kept: 0, keeps: 0, byType: {}, misses: [], destroyed: [] };
  for (const c of cases) {
    const out = await redact(c.text);
    for (const p of c.pii) {
      const t = (score.byType[p.type] ??= { found: 0, total: 0 });
      score.total++;
      t.total++;
      if (out.includes(p.value)) score.misses.push(`${c.source}: ${p.type} ${p.value}`);
      else (score.found++, t.found++);
    }
    for (const k of c.keep) {
      score.keeps++;
      if (out.includes(k)) score.kept++;
      else score.destroyed.push(`${c.source}: ${k} -> ${out}`);
    }
  }
  return score;
}

export const percent = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);
