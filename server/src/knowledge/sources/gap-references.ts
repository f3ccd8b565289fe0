import type { Problems } from './source-article';

/**
 * How an article says which knowledge gaps (numbers from `aitl gaps list`) it closes, per format:
 * front matter `closes_gaps: [12, 15]` or `closes_gaps: 12`, a CSV column `closes_gaps` ("12;15"),
 * Zendesk labels `aitl-gap-12`. A malformed reference is a problem like any other (nothing is
 * imported); a number no gap has is only a warning, reported by the import.
 */
const GAP_NUMBER = /^[1-9]\d{0,8}$/;
const GAP_LABEL = /^aitl-gap-(\d+)$/i;

const unique = (numbers: number[]) => [...new Set(numbers)].sort((a, b) => a - b);

function gapNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value < 1e9) return value;
  if (typeof value === 'string' && GAP_NUMBER.test(value.trim().replace(/^#/, ''))) return Number(value.trim().replace(/^#/, ''));
  return null;
}

/** Front matter: a gap number or a list of them; absent or empty means none. */
export function gapsFromFrontMatter(value: unknown, at: string, problems: Problems): number[] {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  const numbers = items.map(gapNumber);
  if (numbers.some((n) => n === null)) {
    problems.add(at, `closes_gaps ${JSON.stringify(value)} must be a gap number or a list of them (closes_gaps: [12, 15]); see aitl gaps list`);
    return [];
  }
  return unique(numbers as number[]);
}

/** CSV: gap numbers separated by ";" (commas would split the column). */
export function gapsFromCsvCell(value: string | undefined, at: string, problems: Problems): number[] {
  if (value === undefined || value.trim() === '') return [];
  const parts = value.split(';').map((p) => p.trim()).filter((p) => p !== '');
  const numbers = parts.map(gapNumber);
  if (numbers.some((n) => n === null)) {
    problems.add(at, `closes_gaps "${value}" must be gap numbers separated by ";" (e.g. 12;15); see aitl gaps list`);
    return [];
  }
  return unique(numbers as number[]);
}

/** Zendesk: labels `aitl-gap-N` among the article's `label_names`; other labels are not ours. */
export function gapsFromLabels(labels: unknown, at: string, problems: Problems): number[] {
  if (!Array.isArray(labels)) return [];
  const numbers: number[] = [];
  for (const label of labels) {
    const match = typeof label === 'string' ? GAP_LABEL.exec(label.trim()) : null;
    if (!match) continue;
    const n = gapNumber(match[1]);
    if (n === null) problems.add(at, `label "${label}" does not name a gap number (aitl-gap-12); see aitl gaps list`);
    else numbers.push(n);
  }
  return unique(numbers);
}
