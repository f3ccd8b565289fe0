import type { AdapterHealthDay, AdapterHealthSelectorMetric, SelectorOutcome } from '../../lib/contract/adapter-health';
import type { Platform } from '../../lib/contract/common';
import type { Rate } from '../../lib/contract/metrics';

/** One row of the grid: a selector with one outcome that was not its primary (a fallback candidate, or failed). */
export interface HealthRow {
  key: string;
  selector: string;
  outcome: Exclude<SelectorOutcome, 'primary'>;
  candidate: number | null;
  /** Per day of the group (in `days` order): tickets with this outcome / tickets looked at; null when not seen that day. */
  cells: (Rate | null)[];
}

/** Everything one site and extension version reported, days oldest first. */
export interface HealthGroup {
  site: Platform;
  extensionVersion: string;
  days: string[];
  /** Tickets looked at, per day. */
  tickets: number[];
  rows: HealthRow[];
}

export const outcomeLabel = (s: Pick<AdapterHealthSelectorMetric, 'outcome' | 'candidate'>): string =>
  s.outcome === 'failed' ? 'failed' : s.outcome === 'fallback' ? `fallback #${s.candidate}` : 'primary';

const SITE_NAMES: Record<Platform, string> = { zendesk: 'Zendesk', salesforce: 'Salesforce', rt: 'Request Tracker' };
export const siteName = (site: Platform) => SITE_NAMES[site] ?? site;

/**
 * `/v1/metrics`' adapter health as a grid per site and extension version: one column per day that
 * reported, one row per selector outcome that is not the primary, failed rows first, then the rows
 * with the most tickets. Groups with the most failures on their latest day come first.
 */
const latest = (row: HealthRow) => row.cells[row.cells.length - 1]?.numerator ?? 0;

export function healthGroups(days: AdapterHealthDay[]): HealthGroup[] {
  const byGroup = new Map<string, AdapterHealthDay[]>();
  for (const d of days) {
    const key = `${d.site}|${d.extensionVersion}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), d]);
  }
  const groups: HealthGroup[] = [];
  for (const list of byGroup.values()) {
    const sorted = [...list].sort((a, b) => a.day.localeCompare(b.day));
    const rows = new Map<string, HealthRow & { total: number }>();
    sorted.forEach((d, i) => {
      for (const s of d.selectors) {
        if (s.outcome === 'primary') continue;
        const key = `${s.selector}|${s.candidate ?? -1}`;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { key, selector: s.selector, outcome: s.outcome, candidate: s.candidate, cells: sorted.map(() => null), total: 0 }));
        row.cells[i] = s.tickets;
        row.total += s.tickets.numerator;
      }
    });
    groups.push({
      site: sorted[0]!.site,
      extensionVersion: sorted[0]!.extensionVersion,
      days: sorted.map((d) => d.day),
      tickets: sorted.map((d) => d.tickets),
      rows: [...rows.values()]
        // Failed before fallback; within each, what hit most tickets on the latest day (a new break), then in the window.
        .sort((a, b) => (a.outcome === b.outcome ? 0 : a.outcome === 'failed' ? -1 : 1) || latest(b) - latest(a) || b.total - a.total || a.key.localeCompare(b.key))
        .map(({ total: _total, ...row }) => row),
    });
  }
  // Tickets with a failed selector on the group's latest day (a ticket may count once per selector).
  const failingLast = (g: HealthGroup) => g.rows.reduce((n, r) => n + (r.outcome === 'failed' ? latest(r) : 0), 0);
  return groups.sort(
    (a, b) => failingLast(b) - failingLast(a) || b.days[b.days.length - 1]!.localeCompare(a.days[a.days.length - 1]!) || a.site.localeCompare(b.site) || b.extensionVersion.localeCompare(a.extensionVersion, undefined, { numeric: true }),
  );
}

/** The newest day's failures across all groups: what the page leads with. */
export function latestFailures(days: AdapterHealthDay[]): { day: string; site: Platform; extensionVersion: string; selector: string; tickets: Rate }[] {
  const newest = days.reduce<string | null>((max, d) => (max === null || d.day > max ? d.day : max), null);
  if (!newest) return [];
  return days
    .filter((d) => d.day === newest)
    .flatMap((d) => d.selectors.filter((s) => s.outcome === 'failed').map((s) => ({ day: d.day, site: d.site, extensionVersion: d.extensionVersion, selector: s.selector, tickets: s.tickets })))
    .sort((a, b) => b.tickets.numerator - a.tickets.numerator);
}
