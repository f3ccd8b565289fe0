import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { ApiError, SyncResponse, type Annotation } from '../../../lib/contract';
import { revokeToken } from '../../src/auth/tokens';
import { makeAnnotation, makeAnnotations } from '../helpers/annotations';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

describe.each(testDatabases())('POST /v1/sync on $name', (testDb) => {
  const suite = suiteApp(testDb);

  const sync = (headers: Record<string, string>, payload: unknown) =>
    suite.app.inject({ method: 'POST', url: '/v1/sync', headers, payload: payload as object });

  async function rowsFor(tenantId: string) {
    const { rows } = await suite.db.query<{ id: string; type: string; agent: string; body: Annotation; outcome: string | null; label: string | null }>(
      'SELECT id::text AS id, type, agent, body, outcome, label FROM annotations WHERE tenant_id = $1 ORDER BY seq',
      [tenantId],
    );
    return rows;
  }

  it('stores one annotation of each type, with typed columns and the agent from the token', async () => {
    const agent = await tokenFor(suite.db, 'agent', { name: 'jane@acme' });
    const clientId = randomUUID();
    const annotations = (['preference', 'adoption', 'relevance', 'missing_knowledge'] as const).map((t) => makeAnnotation(t, clientId));
    const res = await sync(agent.headers, { clientId, annotations });
    expect(res.statusCode).toBe(200);
    const body = SyncResponse.parse(res.json());
    expect(body.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
    expect(body.results.map((r) => r.id)).toEqual(annotations.map((a) => a.id));

    const rows = await rowsFor(agent.tenantId);
    expect(rows.map((r) => r.id)).toEqual(annotations.map((a) => a.id));
    expect(new Set(rows.map((r) => r.agent))).toEqual(new Set(['jane@acme']));
    expect(rows[0]!.body).toEqual(annotations[0]);
    expect(rows[1]!.outcome).toBe('heavy_edit');
    expect(rows[2]!.label).toBe('outdated');
  });

  it('answers duplicate for a retried annotation and conflict for the same id with other content, writing nothing', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const original = makeAnnotation('relevance', clientId);
    await sync(agent.headers, { clientId, annotations: [original] });

    // Same content with keys in another order is still the same annotation.
    const reordered = Object.fromEntries(Object.entries(original).reverse());
    const changed = { ...original, payload: { ...original.payload, label: 'relevant' } };
    const res = await sync(agent.headers, { clientId, annotations: [reordered, changed] });
    const { results } = SyncResponse.parse(res.json());
    expect(results[0]).toMatchObject({ index: 0, id: original.id, status: 'duplicate' });
    expect(results[1]).toMatchObject({ index: 1, id: original.id, status: 'conflict', error: { paths: ['id'] } });

    const rows = await rowsFor(agent.tenantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.label).toBe('outdated');
  });

  it('judges a repeated id within one request against its first occurrence', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const a = makeAnnotation('preference', clientId);
    const res = await sync(agent.headers, { clientId, annotations: [a, a, { ...a, payload: { ...a.payload, verdict: 'tie', strength: undefined } }] });
    const { results } = SyncResponse.parse(res.json());
    expect(results.map((r) => r.status)).toEqual(['stored', 'duplicate', 'conflict']);
    expect(await rowsFor(agent.tenantId)).toHaveLength(1);
  });

  it('rejects a bad annotation with its failing paths without blocking the others', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const good = makeAnnotation('adoption', clientId);
    const noStrength = makeAnnotation('preference', clientId);
    delete (noStrength.payload as { strength?: string }).strength;
    const extraField = { ...makeAnnotation('relevance', clientId), tenantId: 'someone-else', agent: 'mallory' };
    const wrongOutcome = makeAnnotation('adoption', clientId);
    (wrongOutcome.payload as { outcome: string }).outcome = 'as_is'; // similarity 0.62 says heavy_edit
    const otherClient = makeAnnotation('missing_knowledge', randomUUID());
    const v4Id = { ...makeAnnotation('relevance', clientId), id: randomUUID() };
    const nul = makeAnnotation('missing_knowledge', clientId);
    (nul.payload as { description: string }).description = 'bad\u0000byte';

    const res = await sync(agent.headers, { clientId, annotations: [noStrength, good, extraField, wrongOutcome, otherClient, v4Id, nul, 42] });
    expect(res.statusCode).toBe(200);
    const { results } = SyncResponse.parse(res.json());
    expect(results.map((r) => r.status)).toEqual(['rejected', 'stored', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(results[0]!.error!.paths).toEqual(['payload.strength']);
    expect(results[2]!.error!.paths.sort()).toEqual(['agent', 'tenantId']);
    expect(results[3]!.error!.paths).toEqual(['payload.outcome']);
    expect(results[4]!.error!.paths).toEqual(['clientId']);
    expect(results[5]!.error!.paths).toEqual(['id']);
    expect(results[6]!.error!.paths).toEqual(['payload.description']);
    expect(results[7]).toMatchObject({ index: 7, id: null, status: 'rejected' });
    expect((await rowsFor(agent.tenantId)).map((r) => r.id)).toEqual([good.id]);
  });

  it('leaves exactly one row per id when the same request is sent twice', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const annotations = makeAnnotations(50, clientId);
    const first = SyncResponse.parse((await sync(agent.headers, { clientId, annotations })).json());
    const second = SyncResponse.parse((await sync(agent.headers, { clientId, annotations })).json());
    expect(first.results.every((r) => r.status === 'stored')).toBe(true);
    expect(second.results.every((r) => r.status === 'duplicate')).toBe(true);
    expect(await rowsFor(agent.tenantId)).toHaveLength(50);
  });

  it('leaves exactly one row per id when concurrent requests overlap', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const all = makeAnnotations(300, clientId);
    // Five requests over overlapping windows of the same 300 annotations, all in flight at once.
    const windows = [all.slice(0, 150), all.slice(50, 200), all.slice(100, 250), all.slice(150, 300), all.slice(0, 300)];
    const responses = await Promise.all(windows.map((annotations) => sync(agent.headers, { clientId, annotations })));
    const stored = new Map<string, number>();
    for (const res of responses) {
      expect(res.statusCode).toBe(200);
      for (const r of SyncResponse.parse(res.json()).results) {
        expect(['stored', 'duplicate']).toContain(r.status);
        if (r.status === 'stored') stored.set(r.id!, (stored.get(r.id!) ?? 0) + 1);
      }
    }
    // Every id reported stored exactly once across all responses, and the table agrees.
    expect(stored.size).toBe(300);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    const rows = await rowsFor(agent.tenantId);
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.id)).size).toBe(300);
  });

  it('stores the new ids of a request that also carries stored ones, each judged duplicate or conflict', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const [kept, changed, ...rest] = makeAnnotations(40, clientId);
    await sync(agent.headers, { clientId, annotations: [kept, changed] });
    const edited = { ...changed!, elapsedMs: (changed!.elapsedMs ?? 0) + 1 };
    // The stored ids sit in the middle and at the end, behind rows the first attempt already wrote.
    const annotations = [...rest.slice(0, 20), kept!, ...rest.slice(20), edited];
    const { results } = SyncResponse.parse((await sync(agent.headers, { clientId, annotations })).json());
    expect(results.map((r) => r.status)).toEqual([...Array(20).fill('stored'), 'duplicate', ...Array(18).fill('stored'), 'conflict']);
    const rows = await rowsFor(agent.tenantId);
    expect(rows.map((r) => r.id).sort()).toEqual([kept!, changed!, ...rest].map((a) => a.id).sort());
    expect(rows.find((r) => r.id === changed!.id)!.body).toEqual(changed);
  });

  it('stores each id once when concurrent requests send it with different content, and calls the others conflicts', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const base = makeAnnotations(200, clientId);
    // Four versions of the same 200 ids, all in flight at once: one version of each id wins.
    const versions = [0, 1, 2, 3].map((v) => base.map((a) => ({ ...a, elapsedMs: v })));
    const responses = await Promise.all(versions.map((annotations) => sync(agent.headers, { clientId, annotations })));
    const winners = new Map<string, number>();
    responses.forEach((res, v) => {
      expect(res.statusCode).toBe(200);
      for (const r of SyncResponse.parse(res.json()).results) {
        expect(['stored', 'conflict']).toContain(r.status);
        if (r.status === 'stored') {
          expect(winners.has(r.id!)).toBe(false);
          winners.set(r.id!, v);
        }
      }
    });
    expect(winners.size).toBe(200);
    const rows = await rowsFor(agent.tenantId);
    expect(rows).toHaveLength(200);
    for (const row of rows) expect(row.body.elapsedMs).toBe(winners.get(row.id));
  });

  it('accepts 500 annotations and refuses 501 with 400 naming the path', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const ok = await sync(agent.headers, { clientId, annotations: makeAnnotations(500, clientId) });
    expect(ok.statusCode).toBe(200);
    const tooMany = await sync(agent.headers, { clientId, annotations: makeAnnotations(501, clientId) });
    expect(tooMany.statusCode).toBe(400);
    expect(ApiError.parse(tooMany.json()).error).toMatchObject({ code: 'bad_request', paths: ['annotations'] });
    expect(await rowsFor(agent.tenantId)).toHaveLength(500);
  });

  it('answers 400 naming the failing paths for a malformed request', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const cases: [unknown, string[]][] = [
      [{ annotations: [] }, ['clientId', 'annotations']],
      [{ clientId: 'not-a-uuid', annotations: [{}] }, ['clientId']],
      [{ clientId: randomUUID(), annotations: 'x' }, ['annotations']],
      [{ clientId: randomUUID(), annotations: [{}], extra: true }, ['extra']],
      [[1, 2], ['(root)']],
    ];
    for (const [payload, paths] of cases) {
      const res = await sync(agent.headers, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const { error } = ApiError.parse(res.json());
      expect(error.code).toBe('bad_request');
      expect(error.paths!.sort()).toEqual(paths.sort());
      for (const p of paths) expect(error.message).toContain(p);
    }
    const notJson = await suite.app.inject({ method: 'POST', url: '/v1/sync', headers: { ...agent.headers, 'content-type': 'application/json' }, payload: '{"clientId":' });
    expect(notJson.statusCode).toBe(400);
    expect(ApiError.parse(notJson.json()).error.code).toBe('bad_request');
    const notJsonType = await suite.app.inject({ method: 'POST', url: '/v1/sync', headers: { ...agent.headers, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(notJsonType.statusCode).toBe(415);
  });

  it('answers 401 without a token, with an unknown token and with a revoked one', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const payload = { clientId, annotations: [makeAnnotation('relevance', clientId)] };
    const none = await sync({}, payload);
    const garbage = await sync({ authorization: 'Bearer aitl_agent_nope' }, payload);
    const forged = await sync({ authorization: `Bearer aitl_agent_${'0'.repeat(64)}` }, payload);
    await revokeToken(suite.db, agent.id);
    const revoked = await sync(agent.headers, payload);
    for (const res of [none, garbage, forged, revoked]) {
      expect(res.statusCode).toBe(401);
      expect(ApiError.parse(res.json()).error.code).toBe('unauthorized');
    }
    expect(await rowsFor(agent.tenantId)).toHaveLength(0);
  });

  it('answers 403 to operator and admin tokens, and to an agent using another agent\'s clientId', async () => {
    const operator = await tokenFor(suite.db, 'operator');
    const admin = await tokenFor(suite.db, 'admin', { tenant: operator.tenantId });
    const clientId = randomUUID();
    const payload = { clientId, annotations: [makeAnnotation('relevance', clientId)] };
    for (const caller of [operator, admin]) {
      const res = await sync(caller.headers, payload);
      expect(res.statusCode).toBe(403);
      expect(ApiError.parse(res.json()).error.code).toBe('forbidden');
    }
    const jane = await tokenFor(suite.db, 'agent', { name: 'jane', tenant: operator.tenantId });
    const mallory = await tokenFor(suite.db, 'agent', { name: 'mallory', tenant: operator.tenantId });
    expect((await sync(jane.headers, payload)).statusCode).toBe(200);
    const stolen = await sync(mallory.headers, { clientId, annotations: [makeAnnotation('preference', clientId)] });
    expect(stolen.statusCode).toBe(403);
    expect(ApiError.parse(stolen.json()).error.message).toContain('belongs to another agent');
    expect(await rowsFor(operator.tenantId)).toHaveLength(1);
  });

  it('keeps tenants apart: the same id in another tenant is its own row and reveals nothing', async () => {
    const a = await tokenFor(suite.db, 'agent');
    const b = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const annotation = makeAnnotation('missing_knowledge', clientId);
    await sync(a.headers, { clientId, annotations: [annotation] });
    // Tenant B sending the same id with other content must not learn that A has it (no conflict).
    const probe = { ...annotation, payload: { ...annotation.payload, description: 'probe' } };
    const res = await sync(b.headers, { clientId, annotations: [probe] });
    expect(SyncResponse.parse(res.json()).results[0]!.status).toBe('stored');
    expect((await rowsFor(a.tenantId))[0]!.body).toEqual(annotation);
    expect((await rowsFor(b.tenantId))[0]!.body).toEqual(probe);
  });

  it('gives ids of other versions than v7 no way in, and accepts upper-case v7 ids as the same id', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const id = uuidv7();
    const lower = makeAnnotation('relevance', clientId, { id });
    const upper = { ...lower, id: id.toUpperCase() };
    const { results } = SyncResponse.parse((await sync(agent.headers, { clientId, annotations: [lower] })).json());
    const again = SyncResponse.parse((await sync(agent.headers, { clientId, annotations: [upper] })).json());
    expect(results[0]!.status).toBe('stored');
    expect(again.results[0]).toMatchObject({ id: upper.id, status: 'duplicate' });
  });
});
