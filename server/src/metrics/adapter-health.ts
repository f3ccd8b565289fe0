import type { AdapterHealthDay, AdapterHealthSelectorMetric, Platform, SelectorOutcome } from '../../../lib/contract';
import type { Sql } from '../db/database';

const ORDER: Record<SelectorOutcome, number> = { failed: 0, fallback: 1, primary: 2 };

/**
 * Adapter health for `GET /v1/metrics`: per UTC day, site and extension version in the window
 * (newest day first), how many tickets the adapters looked at and, per selector, on how many of
 * them it matched with its primary candidate, only with a fallback, or not at all.
 */
export async function adapterHealthMetrics(db: Sql, tenantId: string, window: { from: Date; to: Date }): Promise<AdapterHealthDay[]> {
  const params = [tenantId, window.from.toISOString().slice(0, 10), window.to.toISOString().slice(0, 10)];
  const [days, selectors] = await Promise.all([
    db.query<{ day: string; site: Platform; version: string; tickets: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, site, extension_version AS version, tickets::int AS tickets
         FROM adapter_health_tickets WHERE tenant_id = $1 AND day BETWEEN $2::date AND $3::date`,
      params,
    ),
    db.query<{ day: string; site: Platform; version: string; selector: string; candidate: number; outcome: SelectorOutcome; tickets: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, site, extension_version AS version, selector, candidate::int AS candidate, outcome, tickets::int AS tickets
         FROM adapter_health WHERE tenant_id = $1 AND day BETWEEN $2::date AND $3::date`,
      params,
    ),
  ]);
  const byKey = new Map<string, AdapterHealthDay>();
  const group = (day: string, site: Platform, version: string) => {
    const key = `${day}|${site}|${version}`;
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = { day, site, extensionVersion: version, tickets: 0, selectors: [] }));
    return found;
  };
  for (const d of days.rows) group(d.day, d.site, d.version).tickets = Number(d.tickets);
  for (const s of selectors.rows) {
    const g = group(s.day, s.site, s.version);
    const metric: AdapterHealthSelectorMetric = {
      selector: s.selector,
      outcome: s.outcome,
      candidate: Number(s.candidate) < 0 ? null : Number(s.candidate),
      tickets: { rate: null, numerator: Number(s.tickets), denominator: 0 },
    };
    g.selectors.push(metric);
  }
  const result = [...byKey.values()];
  for (const g of result) {
    // A report may count a selector on more tickets than the day row when its ticket row was cut by
    // the report's size limit: the share is then capped at the larger of the two.
    const denominator = Math.max(g.tickets, ...g.selectors.map((s) => s.tickets.numerator));
    for (const s of g.selectors) s.tickets = { rate: denominator > 0 ? s.tickets.numerator / denominator : null, numerator: s.tickets.numerator, denominator };
    g.selectors.sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome] || b.tickets.numerator - a.tickets.numerator || a.selector.localeCompare(b.selector) || (a.candidate ?? -1) - (b.candidate ?? -1));
  }
  return result.sort((a, b) => b.day.localeCompare(a.day) || a.site.localeCompare(b.site) || compareVersions(b.extensionVersion, a.extensionVersion));
}

/** Manifest versions compare by their numbers (1.10 after 1.9). */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
