import type { Rate } from '../../lib/contract/metrics';

export const percent = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`);

/** "41.2% (7 / 17)": the share with the counts behind it. */
export const rateText = (rate: Rate): string => `${percent(rate.rate)} (${rate.numerator} / ${rate.denominator})`;

/** ISO week label of a Monday, e.g. "2026-W45". */
export function isoWeek(mondayIso: string): string {
  const d = new Date(mondayIso);
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 3));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export const day = (iso: string) => iso.slice(0, 10);
