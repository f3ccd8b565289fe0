import type { Window } from './api';

const DAY = 86_400_000;
/** GET /v1/metrics refuses windows over two years (server/src/routes/metrics). */
export const MAX_DAYS = 731;
export const PRESET_WEEKS = [4, 12, 26, 52, 104] as const;

/** What the operator chose: a preset of recent weeks, or two calendar days (UTC), both inclusive. */
export type Range = { kind: 'preset'; weeks: number } | { kind: 'custom'; from: string; to: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The API window of a range; `now` only for presets. A custom range runs to the end of its last day. */
export function windowOf(range: Range, now = new Date()): Window {
  if (range.kind === 'preset') return { from: new Date(now.getTime() - range.weeks * 7 * DAY).toISOString(), to: now.toISOString() };
  return { from: new Date(`${range.from}T00:00:00.000Z`).toISOString(), to: new Date(Date.parse(`${range.to}T00:00:00.000Z`) + DAY).toISOString() };
}

/** A custom range from two date inputs, or what is wrong with them, said so a person can fix it. */
export function customRange(from: string, to: string): { range: Range } | { error: string; field: 'from' | 'to' } {
  const valid = (d: string) => DATE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  if (!valid(from)) return { error: 'Enter a start date (YYYY-MM-DD).', field: 'from' };
  if (!valid(to)) return { error: 'Enter an end date (YYYY-MM-DD).', field: 'to' };
  if (from > to) return { error: 'The start date must be on or before the end date.', field: 'from' };
  const days = (Date.parse(to) - Date.parse(from)) / DAY + 1;
  if (days > MAX_DAYS) return { error: `A range may span at most ${MAX_DAYS} days (two years); this one spans ${days}.`, field: 'from' };
  return { range: { kind: 'custom', from, to } };
}

/** How the range reads in the header, e.g. "2026-09-01 to 2026-11-30". */
export const rangeLabel = (range: Range) => (range.kind === 'preset' ? `last ${range.weeks} weeks` : `${range.from} to ${range.to}`);
