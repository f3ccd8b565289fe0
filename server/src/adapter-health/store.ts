import { ADAPTER_HEALTH_LIMITS, AdapterHealthReport, describeIssues, issuePaths, type AdapterHealthResult } from '../../../lib/contract';
import type { Auth } from '../auth/tokens';
import type { Database } from '../db/database';

const DAY_MS = 86_400_000;

const rejected = (id: string | null, message: string, paths: string[]): AdapterHealthResult => ({
  id,
  status: 'rejected',
  error: { message: `adapter health report not counted (the annotations are unaffected): ${message}`, paths },
});

/**
 * Counts an install's adapter health report for the token's tenant, once.
 *
 * Why a report id and additive counts, rather than cumulative counts merged with max(): the
 * device seals what it counted since the last acknowledged report under a fresh id and resends
 * exactly that report until the server answers. A replay finds its id in adapter_health_reports
 * and adds nothing, in the same transaction that would have added it, so a retried sync, two
 * concurrent retries, or a sync whose answer was lost never count twice. Max-merge would need one
 * row per install and day (to take the max of each install's running total), multiplying the table
 * by the number of agents, and still double count when an install's database is recreated.
 *
 * A malformed report is `rejected` with the failing paths (`adapterHealth.selectors.3.outcome`);
 * the annotations of the same sync are judged on their own and are not affected.
 */
export async function storeAdapterHealth(db: Database, auth: Auth, clientId: string, raw: unknown, now = new Date()): Promise<AdapterHealthResult> {
  const rawId = (raw as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' && rawId.length <= 64 ? rawId : null;
  const parsed = AdapterHealthReport.safeParse(raw);
  if (!parsed.success) {
    // Paths as the request names them (`adapterHealth.selectors.3.outcome`).
    for (const issue of parsed.error.issues) issue.path.unshift('adapterHealth');
    return rejected(id, describeIssues(parsed.error), issuePaths(parsed.error));
  }
  const report = parsed.data;

  const oldest = new Date(now.getTime() - ADAPTER_HEALTH_LIMITS.maxAgeDays * DAY_MS).toISOString().slice(0, 10);
  const newest = new Date(now.getTime() + DAY_MS).toISOString().slice(0, 10);
  const outOfRange = [...report.tickets.map((t, i) => ['tickets', i, t.day] as const), ...report.selectors.map((s, i) => ['selectors', i, s.day] as const)].filter(
    ([, , day]) => day < oldest || day > newest,
  );
  if (outOfRange.length > 0) {
    const paths = outOfRange.map(([list, i]) => `adapterHealth.${list}.${i}.day`);
    return rejected(report.id, `${paths[0]}: must lie between ${oldest} and ${newest} (UTC), got ${outOfRange[0]![2]}`, paths);
  }

  // One row per key even when a report repeats one (Postgres refuses to update a row twice in one INSERT).
  const tickets = new Map<string, { day: string; site: string; tickets: number }>();
  for (const t of report.tickets) {
    const key = `${t.day}|${t.site}`;
    tickets.set(key, { ...t, tickets: (tickets.get(key)?.tickets ?? 0) + t.tickets });
  }
  const selectors = new Map<string, { day: string; site: string; selector: string; candidate: number; outcome: string; tickets: number }>();
  for (const s of report.selectors) {
    const candidate = s.candidate ?? -1;
    const key = `${s.day}|${s.site}|${s.selector}|${candidate}`;
    selectors.set(key, { day: s.day, site: s.site, selector: s.selector, candidate, outcome: s.outcome, tickets: (selectors.get(key)?.tickets ?? 0) + s.tickets });
  }

  return db.transaction(async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO adapter_health_reports (tenant_id, id, client_id, extension_version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id`,
      [auth.tenantId, report.id, clientId, report.extensionVersion],
    );
    if (fresh.rows.length === 0) return { id: report.id, status: 'duplicate' as const };
    // A report id older than this can no longer be replayed into the counts (its days would be
    // refused as too old), so it need not be remembered.
    await tx.query(`DELETE FROM adapter_health_reports WHERE tenant_id = $1 AND received_at < now() - make_interval(days => $2)`, [auth.tenantId, ADAPTER_HEALTH_LIMITS.maxAgeDays + 2]);
    const t = [...tickets.values()];
    if (t.length > 0) {
      await tx.query(
        `INSERT INTO adapter_health_tickets (tenant_id, day, site, extension_version, tickets)
         SELECT $1, d::date, s, $2, n FROM unnest($3::text[], $4::text[], $5::bigint[]) AS x(d, s, n)
         ON CONFLICT (tenant_id, day, site, extension_version) DO UPDATE SET tickets = adapter_health_tickets.tickets + EXCLUDED.tickets`,
        [auth.tenantId, report.extensionVersion, t.map((r) => r.day), t.map((r) => r.site), t.map((r) => r.tickets)],
      );
    }
    const s = [...selectors.values()];
    if (s.length > 0) {
      await tx.query(
        `INSERT INTO adapter_health (tenant_id, day, site, extension_version, selector, candidate, outcome, tickets)
         SELECT $1, d::date, s, $2, k, c, o, n FROM unnest($3::text[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::bigint[]) AS x(d, s, k, c, o, n)
         ON CONFLICT (tenant_id, day, site, extension_version, selector, candidate) DO UPDATE SET tickets = adapter_health.tickets + EXCLUDED.tickets`,
        [auth.tenantId, report.extensionVersion, s.map((r) => r.day), s.map((r) => r.site), s.map((r) => r.selector), s.map((r) => r.candidate), s.map((r) => r.outcome), s.map((r) => r.tickets)],
      );
    }
    return { id: report.id, status: 'stored' as const };
  });
}
