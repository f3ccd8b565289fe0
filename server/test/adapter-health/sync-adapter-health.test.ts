import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError, MetricsResponse, SyncResponse, type AdapterHealthReport } from '../../../lib/contract';
import { makeAnnotation } from '../helpers/annotations';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** What an install on version 1.4.2 counted on Zendesk today: 10 tickets, `subject` only by its second candidate on 7. */
function report(over: Partial<AdapterHealthReport> = {}): AdapterHealthReport {
  return {
    id: randomUUID(),
    extensionVersion: '1.4.2',
    tickets: [{ day: today, site: 'zendesk', tickets: 10 }],
    selectors: [
      { day: today, site: 'zendesk', selector: 'subject', outcome: 'primary', candidate: 0, tickets: 3 },
      { day: today, site: 'zendesk', selector: 'subject', outcome: 'fallback', candidate: 1, tickets: 7 },
      { day: today, site: 'zendesk', selector: 'composer', outcome: 'failed', tickets: 2 },
    ],
    ...over,
  };
}

describe.each(testDatabases())('adapter health through POST /v1/sync and GET /v1/metrics on $name', (testDb) => {
  const suite = suiteApp(testDb);

  const sync = (headers: Record<string, string>, payload: unknown) => suite.app.inject({ method: 'POST', url: '/v1/sync', headers, payload: payload as object });
  async function tenant() {
    const agent = await tokenFor(suite.db, 'agent');
    const operator = await tokenFor(suite.db, 'operator', { tenant: agent.tenantId });
    return { agent, operator };
  }
  async function health(headers: Record<string, string>) {
    const res = await suite.app.inject({ method: 'GET', url: '/v1/metrics', headers });
    expect(res.statusCode).toBe(200);
    return MetricsResponse.parse(res.json()).adapterHealth;
  }
  const count = async (tenantId: string) =>
    (await suite.db.query<{ n: number }>('SELECT coalesce(sum(tickets), 0)::int AS n FROM adapter_health WHERE tenant_id = $1', [tenantId])).rows[0]!.n;

  it('stores the counts beside the annotations and serves them per day, site and version in /v1/metrics', async () => {
    const { agent, operator } = await tenant();
    const clientId = randomUUID();
    const res = await sync(agent.headers, { clientId, annotations: [makeAnnotation('relevance', clientId)], adapterHealth: report() });
    expect(res.statusCode).toBe(200);
    const body = SyncResponse.parse(res.json());
    expect(body.results.map((r) => r.status)).toEqual(['stored']);
    expect(body.adapterHealth?.status).toBe('stored');

    const days = await health(operator.headers);
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ day: today, site: 'zendesk', extensionVersion: '1.4.2', tickets: 10 });
    // Failed first, then fallbacks, then primaries; every share with its counts.
    expect(days[0]!.selectors).toEqual([
      { selector: 'composer', outcome: 'failed', candidate: null, tickets: { rate: 0.2, numerator: 2, denominator: 10 } },
      { selector: 'subject', outcome: 'fallback', candidate: 1, tickets: { rate: 0.7, numerator: 7, denominator: 10 } },
      { selector: 'subject', outcome: 'primary', candidate: 0, tickets: { rate: 0.3, numerator: 3, denominator: 10 } },
    ]);
  });

  it('counts a replayed sync once, also when the replays race, and adds a new report to the same day', async () => {
    const { agent, operator } = await tenant();
    const clientId = randomUUID();
    const payload = { clientId, annotations: [makeAnnotation('relevance', clientId)], adapterHealth: report() };
    const first = SyncResponse.parse((await sync(agent.headers, payload)).json());
    expect(first.adapterHealth?.status).toBe('stored');
    const replays = await Promise.all([sync(agent.headers, payload), sync(agent.headers, payload)]);
    for (const r of replays) {
      const b = SyncResponse.parse(r.json());
      expect(b.results[0]!.status).toBe('duplicate');
      expect(b.adapterHealth).toEqual({ id: payload.adapterHealth.id, status: 'duplicate' });
    }
    expect(await count(agent.tenantId)).toBe(12);

    // The next report of the same install (a new id): added to the same rows.
    const next = report({ tickets: [{ day: today, site: 'zendesk', tickets: 5 }], selectors: [{ day: today, site: 'zendesk', selector: 'composer', outcome: 'failed', tickets: 5 }] });
    expect(SyncResponse.parse((await sync(agent.headers, { clientId, annotations: [], adapterHealth: next })).json()).adapterHealth?.status).toBe('stored');
    const [day] = await health(operator.headers);
    expect(day!.tickets).toBe(15);
    expect(day!.selectors[0]).toEqual({ selector: 'composer', outcome: 'failed', candidate: null, tickets: { rate: 7 / 15, numerator: 7, denominator: 15 } });
  });

  it('forgets report ids once no replay could count any more, and only those', async () => {
    const { agent } = await tenant();
    const clientId = randomUUID();
    const old = report();
    await sync(agent.headers, { clientId, annotations: [], adapterHealth: old });
    await suite.db.query(`UPDATE adapter_health_reports SET received_at = now() - interval '40 days' WHERE tenant_id = $1 AND id = $2`, [agent.tenantId, old.id]);
    const recent = report();
    await sync(agent.headers, { clientId, annotations: [], adapterHealth: recent });
    const ids = await suite.db.query<{ id: string }>('SELECT id::text AS id FROM adapter_health_reports WHERE tenant_id = $1', [agent.tenantId]);
    expect(ids.rows.map((r) => r.id)).toEqual([recent.id]);
  });

  it('keeps sites, versions and days apart, and tenants from seeing each other', async () => {
    const { agent, operator } = await tenant();
    const other = await tenant();
    const clientId = randomUUID();
    await sync(agent.headers, {
      clientId,
      annotations: [],
      adapterHealth: report({
        extensionVersion: '1.5.0',
        tickets: [
          { day: yesterday, site: 'salesforce', tickets: 4 },
          { day: today, site: 'salesforce', tickets: 2 },
        ],
        selectors: [
          { day: yesterday, site: 'salesforce', selector: 'field:Case Number', outcome: 'primary', candidate: 0, tickets: 4 },
          { day: today, site: 'salesforce', selector: 'field:Case Number', outcome: 'failed', tickets: 2 },
        ],
      }),
    });
    await sync(agent.headers, { clientId, annotations: [], adapterHealth: report() });
    const days = await health(operator.headers);
    expect(days.map((d) => [d.day, d.site, d.extensionVersion, d.tickets])).toEqual([
      [today, 'salesforce', '1.5.0', 2],
      [today, 'zendesk', '1.4.2', 10],
      [yesterday, 'salesforce', '1.5.0', 4],
    ]);
    expect(await health(other.operator.headers)).toEqual([]);
  });

  it('refuses a malformed report by name and still stores the annotations of the same sync', async () => {
    const { agent, operator } = await tenant();
    const clientId = randomUUID();
    const bad = report();
    const cases: [unknown, string[]][] = [
      [{ ...bad, selectors: [{ ...bad.selectors[0], outcome: 'great' }] }, ['adapterHealth.selectors.0.outcome']],
      [{ ...bad, selectors: [{ ...bad.selectors[0], text: 'Dear customer' }] }, ['adapterHealth.selectors.0.text']],
      [{ ...bad, selectors: [{ ...bad.selectors[1], candidate: undefined }] }, ['adapterHealth.selectors.0.candidate']],
      [{ ...bad, selectors: [{ ...bad.selectors[0], selector: '<script>alert(1)</script>' }] }, ['adapterHealth.selectors.0.selector']],
      [{ ...bad, tickets: [{ day: '2020-01-01', site: 'zendesk', tickets: 1 }] }, ['adapterHealth.tickets.0.day']],
      [{ ...bad, extensionVersion: 'dev build' }, ['adapterHealth.extensionVersion']],
      ['not a report', ['adapterHealth']],
    ];
    for (const [adapterHealth, paths] of cases) {
      const annotation = makeAnnotation('relevance', clientId);
      const res = await sync(agent.headers, { clientId, annotations: [annotation], adapterHealth });
      expect(res.statusCode, JSON.stringify(adapterHealth)).toBe(200);
      const body = SyncResponse.parse(res.json());
      expect(body.results).toEqual([{ index: 0, id: annotation.id, status: 'stored' }]);
      expect(body.adapterHealth?.status).toBe('rejected');
      expect(body.adapterHealth?.error?.paths).toEqual(paths);
      expect(body.adapterHealth?.error?.message).toContain(paths[0]!.replace(/\.text$/, ''));
      expect(body.adapterHealth?.error?.message).toContain('the annotations are unaffected');
    }
    const stored = await suite.db.query('SELECT 1 FROM annotations WHERE tenant_id = $1', [agent.tenantId]);
    expect(stored.rows).toHaveLength(cases.length);
    expect(await count(agent.tenantId)).toBe(0);
    expect(await health(operator.headers)).toEqual([]);
  });

  it('answers old clients (no adapterHealth) as before, and still wants an annotation or a report', async () => {
    const { agent } = await tenant();
    const clientId = randomUUID();
    const res = await sync(agent.headers, { clientId, annotations: [makeAnnotation('relevance', clientId)] });
    expect(Object.keys(res.json())).toEqual(['results']);
    const empty = await sync(agent.headers, { clientId, annotations: [] });
    expect(empty.statusCode).toBe(400);
    expect(ApiError.parse(empty.json()).error).toMatchObject({ code: 'bad_request', paths: ['annotations'] });
    // Too many rows: a whole-report refusal with the path, annotations unaffected.
    const many = report({ selectors: Array.from({ length: 5001 }, () => report().selectors[0]!) });
    const body = SyncResponse.parse((await sync(agent.headers, { clientId, annotations: [makeAnnotation('relevance', clientId)], adapterHealth: many })).json());
    expect(body.results[0]!.status).toBe('stored');
    expect(body.adapterHealth).toMatchObject({ status: 'rejected', error: { paths: ['adapterHealth.selectors'] } });
  });

  it('counts a report only for the agent that owns the clientId', async () => {
    const { agent } = await tenant();
    const intruder = await tokenFor(suite.db, 'agent', { tenant: agent.tenantId, name: 'mallory' });
    const clientId = randomUUID();
    await sync(agent.headers, { clientId, annotations: [makeAnnotation('relevance', clientId)] });
    const res = await sync(intruder.headers, { clientId, annotations: [], adapterHealth: report() });
    expect(res.statusCode).toBe(403);
    expect(await count(agent.tenantId)).toBe(0);
  });
});
