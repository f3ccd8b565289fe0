import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import {
  BATCH_DATA_FILES,
  BATCH_ROW_SCHEMAS,
  BatchDetail,
  BatchList,
  BatchManifest,
  DEFAULT_ADOPTION_THRESHOLDS,
  Impression,
  SourceRow,
  SyncResponse,
  contractJsonSchema,
  type Annotation,
  type BatchBuildRequest,
} from '../../lib/contract';
import { buildBatch, startBatchBuild } from '../src/batches/builder';
import { BatchBuildBusyError, acquireBuildLease } from '../src/batches/lease';
import type { Database } from '../src/db/database';
import { testApp, tokenFor } from './helpers/app';
import { openDatabase } from '../src/db/open';
import { DEMO_KB_DIR } from '../src/demo';
import { importKnowledgeBase } from '../src/knowledge/import';
import { readSource } from '../src/knowledge/sources/read-source';
import { IN_MEMORY } from '../src/db/pglite';
import { POSTGRES_URL, createPostgresDatabase, testDatabases } from './helpers/databases';
import { Flywheel, type ArticleRef } from './helpers/flywheel';

const OPTS = { holder: 'test-builder', leaseSeconds: 60 };
type Files = Record<string, Record<string, unknown>[]>;

describe.each(testDatabases())('retraining batches on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  async function operatorOf(fw: Flywheel) {
    return tokenFor(db, 'operator', { tenant: fw.tenantId, name: 'ml-team' });
  }

  async function files(headers: Record<string, string>, number: number): Promise<{ files: Files; manifest: BatchManifest; raw: Record<string, string> }> {
    const out: Files = {};
    const raw: Record<string, string> = {};
    for (const name of BATCH_DATA_FILES) {
      const res = await app.inject({ method: 'GET', url: `/v1/batches/${number}/files/${name}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['x-aitl-sha256']).toBe(createHash('sha256').update(res.rawPayload).digest('hex'));
      raw[name] = res.body;
      out[name] = res.body === '' ? [] : res.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    }
    const m = await app.inject({ method: 'GET', url: `/v1/batches/${number}/files/manifest.json`, headers });
    return { files: out, manifest: BatchManifest.parse(m.json()), raw };
  }

  /** Two articles and a ticket seen by both arms. */
  async function ticket(fw: Flywheel, n: number, articles: ArticleRef[], customer = `My invoice ${n} shows a double charge, please help.`) {
    return fw.impression({
      ticketId: `T${n}`,
      customer,
      arms: { A: `Reply A for ticket ${n}: we refunded the duplicate charge on invoice ${n}.`, B: `Reply B for ticket ${n}: the second charge is a pending authorisation.` },
      articles,
    });
  }

  it('writes every file in its consumer format, each row traceable to its annotation', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const refunds = await fw.article('Refunds', 'Refunds reach the card in 5-10 business days. Contact billing@acme-corp.com for help.');
    const cycles = await fw.article('Billing cycles', 'Switch between monthly and annual billing in Settings.');
    const imp = await ticket(fw, 1, [refunds, cycles], 'I was charged twice! Email me at dana.whitfield@gmail.com or call +44 20 7946 0958.');
    await fw.sync(
      fw.adoption(imp, 'light_edit', 'Hi Dana, we refunded the duplicate charge; it reaches you in 5-10 days. Write to dana.whitfield@gmail.com if not.', 'A'),
      fw.adoption(imp, 'heavy_edit', 'Hello, I cancelled the second charge myself and emailed you a receipt at dana.whitfield@gmail.com.', 'B'),
      fw.adoption(imp, 'as_is', 'Reply A for ticket 1: we refunded the duplicate charge on invoice 1.', 'A'),
      fw.adoption(imp, 'discarded', 'Sorry for the trouble, our billing team will call you today about it.', 'B'),
      fw.preference(imp, 'B', 'strong'),
      fw.preference(imp, 'tie'),
      fw.relevance(imp, refunds, 'relevant'),
      fw.relevance(imp, cycles, 'irrelevant'),
      fw.missing(imp, 'No article explains how to reverse a duplicate card authorisation.', 'billing'),
    );
    const built = await buildBatch(db, fw.tenantId, { evalShare: 0 }, OPTS);
    expect(built.number).toBe(1);
    const { files: f, manifest } = await files(op.headers, 1);

    for (const name of BATCH_DATA_FILES) for (const row of f[name]!) BATCH_ROW_SCHEMAS[name].parse(row);
    expect(Object.keys(f['retrieval_triplets.jsonl']![0]!)).toEqual(['anchor', 'positive', 'negative']);
    expect(f['sft.jsonl']).toHaveLength(4); // light, heavy, as_is, discarded(agent written)
    expect(f['kto.jsonl']!.map((r) => r.label)).toEqual([true, true, false]);
    expect(f['dpo.jsonl']).toHaveLength(3); // heavy edit, discarded, preference B over A
    expect(f['rerank_pairs.jsonl']!.map((r) => r.label)).toEqual([1, 0]);
    expect(f['knowledge_gaps.jsonl']).toHaveLength(1);

    // The prompt is rebuilt from the impression: articles at the shown version, then the conversation.
    const sft = f['sft.jsonl']![0]!.messages as { role: string; content: string }[];
    expect(sft[0]!.role).toBe('system');
    expect(sft[0]!.content).toContain('[1] Refunds\nRefunds reach the card in 5-10 business days.');
    expect(sft[0]!.content).toContain('Internal note: Checked the account');
    expect(sft.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);

    // PII: typed placeholders, the same address is the same placeholder everywhere in the row.
    const text = JSON.stringify(f);
    expect(text).not.toContain('dana.whitfield@gmail.com');
    expect(text).not.toContain('7946 0958');
    expect(sft[1]!.content).toContain('[EMAIL_2]'); // [EMAIL_1] is billing@acme-corp.com in the article
    expect(sft[2]!.content).toContain('[EMAIL_2]');
    expect(sft[1]!.content).toContain('[PHONE_1]');
    expect(manifest.redaction.EMAIL).toBeGreaterThan(0);

    // sources.jsonl: one entry per row of every other file, pointing back at the annotations.
    const sources = f['sources.jsonl']!.map((r) => SourceRow.parse(r));
    for (const name of BATCH_DATA_FILES.filter((n) => n !== 'sources.jsonl')) {
      expect(sources.filter((s) => s.file === name).map((s) => s.line)).toEqual(f[name]!.map((_, i) => i));
    }
    const stored = await db.query<{ id: string; type: string }>('SELECT id::text AS id, type FROM annotations WHERE tenant_id = $1', [fw.tenantId]);
    const typeOf = new Map(stored.rows.map((r) => [r.id, r.type]));
    const traced = new Set(sources.flatMap((s) => s.annotationIds.map((id) => typeOf.get(id))));
    expect(traced).toEqual(new Set(['adoption', 'preference', 'relevance', 'missing_knowledge']));
    expect(sources.every((s) => s.impressionIds.every((id) => id === imp.id))).toBe(true);
    expect(sources.find((s) => s.file === 'sft.jsonl' && s.line === 0)).toMatchObject({ provenance: 'model_light_edit', signal: 'light_edit' });

    expect(manifest.files.map((x) => x.name)).toEqual([...BATCH_DATA_FILES]);
    // Consumers in other languages can check the manifest against `aitl schema`.
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(contractJsonSchema(), 'contract');
    expect(ajv.validate('contract#/$defs/BatchManifest', manifest), ajv.errorsText()).toBe(true);
    expect(manifest.provenance['sft.jsonl']).toEqual({ agent_written: 1, model_heavy_edit: 1, model_light_edit: 1, model_unedited: 1 });
    expect(manifest.excluded['dpo.no_winner']).toBe(1);
    expect(manifest.versions.arms.map((a) => a.armId)).toEqual(['extractive', 'gpt-support']);
    expect(manifest.versions.adoptionThresholds).toEqual([{ asIs: 0.98, lightEdit: 0.8, heavyEdit: 0.3 }]);
  });

  it('builds byte-identical files from the same spec over the same data', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const art = await fw.article('Shipping', 'Parcels ship within 2 days.');
    for (let n = 0; n < 12; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, n % 3 === 0 ? 'heavy_edit' : 'as_is', `We shipped order ${n} today, tracking follows by mail to buyer${n}@shop.example.org.`), fw.preference(imp, n % 2 ? 'A' : 'B'));
    }
    const spec: BatchBuildRequest = { syntheticCap: 0.4, seed: 'repeat' };
    await buildBatch(db, fw.tenantId, spec, OPTS);
    await buildBatch(db, fw.tenantId, spec, OPTS);
    const one = await files(op.headers, 1);
    const two = await files(op.headers, 2);
    expect(two.manifest.files).toEqual(one.manifest.files);
    expect(two.raw).toEqual(one.raw);
    expect({ ...two.manifest.spec, fromSeq: 0 }).toEqual({ ...one.manifest.spec, fromSeq: 0 });
  });

  it('caps the synthetic share of SFT targets by deterministic downsampling', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const art = await fw.article('Passwords', 'Reset your password from the sign-in page.');
    for (let n = 0; n < 40; n++) {
      const imp = await ticket(fw, n, [art]);
      // 32 adopted unchanged (synthetic), 8 written by the agent.
      const own = n % 5 === 0;
      await fw.sync(fw.adoption(imp, own ? 'discarded' : 'as_is', own ? `Agent ${n}: I reset the password for account ${n} and sent a link.` : `Model reply ${n}: use the reset link on the sign-in page for account ${n}.`));
    }
    const { manifest } = await buildBatch(db, fw.tenantId, { syntheticCap: 0.5, evalShare: 0 }, OPTS);
    expect(manifest.sft.candidates).toEqual({ human: 8, synthetic: 32 });
    expect(manifest.sft.kept).toEqual({ human: 8, synthetic: 8, anchors: 0 });
    expect(manifest.sft.syntheticShare).toBe(0.5);
    expect(manifest.excluded['sft.synthetic_cap']).toBe(24);
    const { files: f } = await files(op.headers, 1);
    expect(f['sft.jsonl']).toHaveLength(16);
    const prov = f['sources.jsonl']!.filter((s) => s.file === 'sft.jsonl').map((s) => s.provenance);
    expect(prov.filter((p) => p === 'model_unedited')).toHaveLength(8);

    // A cap of 0.2 keeps 2 synthetic targets next to 8 human ones; the API refuses a cap of 1.
    const { manifest: tight } = await buildBatch(db, fw.tenantId, { syntheticCap: 0.2, evalShare: 0 }, OPTS);
    expect(tight.sft.kept.synthetic).toBe(2);
    const refused = await app.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: { syntheticCap: 1 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.paths).toEqual(['syntheticCap']);
  });

  it('accumulates over three batches and expires examples tied to a superseded article version', async () => {
    const fw = await Flywheel.create(db);
    const refunds = await fw.article('Refunds', 'Refunds within 14 days.');
    const other = await fw.article('Shipping', 'Ships in 2 days.');
    const round = async (from: number, to: number, article: ArticleRef) => {
      for (let n = from; n < to; n++) {
        const imp = await ticket(fw, n, [article, other]);
        await fw.sync(fw.adoption(imp, 'heavy_edit', `Agent reply ${n}: refunds for order ${n} take 30 days now, sorry.`), fw.relevance(imp, article, 'relevant'), fw.relevance(imp, other, 'irrelevant'));
      }
    };
    await round(0, 5, refunds);
    const own = await ticket(fw, 99, [refunds, other]);
    await fw.sync(fw.adoption(own, 'discarded', 'Agent reply 99: I refunded the order myself and confirmed it by email.'));
    const b1 = await buildBatch(db, fw.tenantId, { evalShare: 0 }, OPTS);
    await round(5, 10, refunds);
    const b2 = await buildBatch(db, fw.tenantId, { evalShare: 0 }, OPTS);
    // The refunds article changes: everything resting on version 1 expires.
    const refunds2 = await fw.supersede(refunds, 'Refunds within 30 days.');
    await round(10, 14, refunds2);
    const b3 = await buildBatch(db, fw.tenantId, { evalShare: 0 }, OPTS);
    const rows = (m: BatchManifest, name: string) => m.files.find((x) => x.name === name)!.rows;

    expect([rows(b1.manifest, 'dpo.jsonl'), rows(b2.manifest, 'dpo.jsonl'), rows(b3.manifest, 'dpo.jsonl')]).toEqual([6, 11, 4]);
    expect([rows(b1.manifest, 'retrieval_triplets.jsonl'), rows(b2.manifest, 'retrieval_triplets.jsonl'), rows(b3.manifest, 'retrieval_triplets.jsonl')]).toEqual([5, 10, 4]);
    expect(b3.manifest.excluded['adoption.superseded_article']).toBe(11);
    expect(b3.manifest.excluded['relevance.superseded_article']).toBe(10);
    // Heavy edits started from the model's reply on the old version and expire with it; a reply
    // the agent wrote from scratch does not rest on the article text and stays.
    expect([rows(b1.manifest, 'sft.jsonl'), rows(b2.manifest, 'sft.jsonl'), rows(b3.manifest, 'sft.jsonl')]).toEqual([6, 11, 5]);
    expect(b3.manifest.excluded['sft.superseded_article']).toBe(10);
    expect(b2.manifest.spec.fromSeq).toBe(b1.manifest.spec.watermark);
    expect(b3.manifest.drift.history.map((h) => h.batch)).toEqual([1, 2]);
  });

  it('latest-only takes only new data, re-samples human anchors from before, and is marked risky', async () => {
    const fw = await Flywheel.create(db);
    const art = await fw.article('Accounts', 'Delete an account from Settings.');
    for (let n = 0; n < 10; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, 'discarded', `Human answer ${n}: I deleted account number ${n * 7} for you and confirmed by phone.`));
    }
    await buildBatch(db, fw.tenantId, { evalShare: 0 }, OPTS);
    for (let n = 10; n < 20; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, 'as_is', `Model answer ${n}: go to Settings and pick delete for account ${n * 11} there.`));
    }
    const { manifest } = await buildBatch(db, fw.tenantId, { policy: 'latest-only', evalShare: 0, anchorShare: 0.3, syntheticCap: 0.9 }, OPTS);
    expect(manifest.sft.candidates).toEqual({ human: 0, synthetic: 10 });
    // 5 anchors are needed so that humans are 30% of 15 rows... and the cap lets 0.7/0.3 x 5 synthetic stay.
    expect(manifest.sft.kept.anchors).toBe(5);
    expect(manifest.sft.kept.synthetic).toBe(10);
    expect(manifest.sft.humanShare).toBeGreaterThanOrEqual(0.3);
    expect(manifest.warnings[0]).toContain('latest-only is risky');
  });

  it('warns when a share keeps growing for three generations', async () => {
    const fw = await Flywheel.create(db);
    const art = await fw.article('Plans', 'Upgrade plans from Billing.');
    let n = 0;
    const add = async (asIs: number, own: number) => {
      for (let i = 0; i < asIs + own; i++, n++) {
        const imp = await ticket(fw, n, [art]);
        await fw.sync(fw.adoption(imp, i < asIs ? 'as_is' : 'discarded', `Reply number ${n} about upgrading plan ${n} from the billing page.`));
      }
    };
    await add(1, 4);
    const g1 = await buildBatch(db, fw.tenantId, { evalShare: 0, syntheticCap: 0.9, anchorShare: 0 }, OPTS);
    expect(g1.manifest.drift.warnings).toEqual([]);
    await add(4, 0);
    await buildBatch(db, fw.tenantId, { evalShare: 0, syntheticCap: 0.9, anchorShare: 0 }, OPTS);
    await add(6, 0);
    const g3 = await buildBatch(db, fw.tenantId, { evalShare: 0, syntheticCap: 0.9, anchorShare: 0 }, OPTS);
    expect(g3.manifest.drift.warnings.some((w) => w.startsWith('share of adoption outcome as_is grew for 3 generations'))).toBe(true);
    expect(g3.manifest.drift.warnings.some((w) => w.startsWith('synthetic share of SFT replies grew'))).toBe(true);
    expect(g3.manifest.warnings).toEqual(expect.arrayContaining(g3.manifest.drift.warnings));
  });

  it('holds eval tickets out of every training file', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const art = await fw.article('Invoices', 'Download invoices from Billing.');
    for (let n = 0; n < 30; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, 'heavy_edit', `Agent wrote ${n}: your invoice ${n} is under Billing, Invoices.`), fw.preference(imp, 'A'), fw.relevance(imp, art, 'relevant'));
    }
    await buildBatch(db, fw.tenantId, { evalShare: 0.3 }, OPTS);
    const { files: f } = await files(op.headers, 1);
    const sources = f['sources.jsonl']!.map((s) => SourceRow.parse(s));
    const evalTickets = new Set(sources.filter((s) => s.file === 'eval.jsonl').map((s) => s.ticket));
    const trainTickets = new Set(sources.filter((s) => s.file !== 'eval.jsonl').map((s) => s.ticket));
    expect(evalTickets.size).toBeGreaterThan(0);
    expect([...evalTickets].filter((t) => trainTickets.has(t))).toEqual([]);
    expect(new Set(f['eval.jsonl']!.map((r) => r.task))).toEqual(new Set(['reply', 'preference', 'relevance']));
  });

  it('refuses a second build of the same tenant while one runs, and takes over a dead build lease', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const art = await fw.article('Refunds', 'Refunds within 14 days.');
    const imp = await ticket(fw, 1, [art]);
    await fw.sync(fw.adoption(imp, 'discarded', 'I refunded it myself, you will see it on Friday.'));

    // A build in progress elsewhere (another replica) holds the lease.
    const elsewhere = await acquireBuildLease(db, fw.tenantId, 'replica-b', 60);
    await expect(startBatchBuild(db, fw.tenantId, {}, OPTS)).rejects.toBeInstanceOf(BatchBuildBusyError);
    const res = await app.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('is being built');
    // Its half-built batch is not listed.
    expect(BatchList.parse((await app.inject({ method: 'GET', url: '/v1/batches', headers: op.headers })).json()).batches).toEqual([]);

    // That replica dies: its lease runs out, the next build takes over and reuses the number.
    await db.query(`UPDATE batch_build_leases SET expires_at = now() - interval '1 second' WHERE tenant_id = $1`, [fw.tenantId]);
    const started = await app.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} });
    expect(started.statusCode).toBe(202);
    expect(started.headers.location).toBe(`/v1/batches/${elsewhere.number}`);
    let detail;
    for (let i = 0; i < 100; i++) {
      detail = BatchDetail.parse((await app.inject({ method: 'GET', url: `/v1/batches/${elsewhere.number}`, headers: op.headers })).json());
      if (detail.batch.status === 'complete') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail!.batch.status).toBe('complete');
    expect(detail!.manifest!.files.find((x) => x.name === 'sft.jsonl')!.rows).toBe(1);
    // The dead replica's lease is gone: it cannot complete its batch any more.
    expect(await elsewhere.renew()).toBe(false);
  });

  it('throws a failed build away and frees the tenant for the next one', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const art = await fw.article('Refunds', 'Refunds within 14 days.');
    await fw.sync(fw.adoption(await ticket(fw, 1, [art]), 'discarded', 'Refunded by hand.'));
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(buildBatch(db, fw.tenantId, {}, { ...OPTS, signal: cancelled.signal })).rejects.toThrow('cancelled');
    const left = await db.query('SELECT 1 FROM batches WHERE tenant_id = $1 UNION ALL SELECT 1 FROM batch_build_leases WHERE tenant_id = $1', [fw.tenantId]);
    expect(left.rows).toEqual([]);
    expect((await buildBatch(db, fw.tenantId, {}, OPTS)).number).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/2', headers: op.headers })).statusCode).toBe(404);
  });

  // The whole path of one piece of data: suggestion -> agent feedback -> sync -> batch.
  it('rebuilds the prompt from the impression the suggestion engine stored, with the article text shown', async () => {
    const agent = await tokenFor(db, 'agent', { name: 'jane@acme' });
    const operator = await tokenFor(db, 'operator', { tenant: agent.tenantId });
    await importKnowledgeBase(db, { tenantId: agent.tenantId, source: 'demo', origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR) });
    const context = {
      platform: 'zendesk' as const,
      ticketId: '48213',
      subject: 'Doorbell keeps restarting',
      messages: [{ role: 'customer' as const, text: 'My new doorbell keeps rebooting at night and the app says low power. Reach me at maria.lopez@gmail.com.' }],
    };
    const suggested = await app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { context, pairwise: true } });
    expect(suggested.statusCode, suggested.body).toBe(200);
    const impression = Impression.parse(suggested.json());

    const clientId = randomUUID();
    const base = { schemaVersion: 1 as const, createdAt: new Date().toISOString(), clientId, ticket: impression.ticket, impressionId: impression.id };
    const annotations: Annotation[] = [
      { ...base, id: uuidv7(), type: 'preference', payload: { verdict: 'B', strength: 'clear', shownOrder: impression.displayOrder as ['A', 'B'] } },
      {
        ...base,
        id: uuidv7(),
        type: 'adoption',
        payload: { outcome: 'heavy_edit', slot: 'A', similarity: 0.5, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'Hi Maria, a low-power doorbell needs a stronger transformer: 16 V and 30 VA. I have sent you the guide.', channel: 'public' },
      },
      { ...base, id: uuidv7(), type: 'relevance', payload: { articleId: impression.articles[0]!.id, articleVersion: impression.articles[0]!.version, rank: 1, label: 'relevant' } },
      { ...base, id: uuidv7(), type: 'relevance', payload: { articleId: impression.articles[7]!.id, articleVersion: impression.articles[7]!.version, rank: 8, label: 'irrelevant' } },
    ];
    const synced = SyncResponse.parse((await app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations } })).json());
    expect(synced.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);

    const started = await app.inject({ method: 'POST', url: '/v1/batches', headers: operator.headers, payload: { evalShare: 0 } });
    expect(started.statusCode, started.body).toBe(202);
    let detail = BatchDetail.parse(started.json());
    for (let i = 0; i < 200 && detail.batch.status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      detail = BatchDetail.parse((await app.inject({ method: 'GET', url: '/v1/batches/1', headers: operator.headers })).json());
    }
    expect(detail.batch.rows).toMatchObject({ 'sft.jsonl': 1, 'dpo.jsonl': 2, 'retrieval_triplets.jsonl': 1, 'rerank_pairs.jsonl': 2 });
    expect(detail.manifest!.versions.kb).toEqual([impression.versions.kb]);

    const sft = (await app.inject({ method: 'GET', url: '/v1/batches/1/files/sft.jsonl', headers: operator.headers })).json() as { messages: { role: string; content: string }[] };
    const [system, user, reply] = sft.messages;
    const { rows } = await db.query<{ body: string }>('SELECT body FROM knowledge_article_versions WHERE tenant_id = $1 AND article_id = $2 AND version = $3', [
      agent.tenantId,
      impression.articles[0]!.id,
      impression.articles[0]!.version,
    ]);
    expect(system!.content).toContain(`[1] ${impression.articles[0]!.title}\n${rows[0]!.body.slice(0, 200)}`);
    expect(user).toEqual({ role: 'user', content: 'My new doorbell keeps rebooting at night and the app says low power. Reach me at [EMAIL_1].' });
    expect(reply!.content).toContain('16 V and 30 VA');

    const triplet = (await app.inject({ method: 'GET', url: '/v1/batches/1/files/retrieval_triplets.jsonl', headers: operator.headers })).json();
    expect(triplet.anchor).toContain('Doorbell keeps restarting');
    expect(triplet.positive.startsWith(impression.articles[0]!.title)).toBe(true);
    expect(triplet.negative.startsWith(impression.articles[7]!.title)).toBe(true);
  });

  it('serves batches only to operators of their own tenant', async () => {
    const fw = await Flywheel.create(db);
    await buildBatch(db, fw.tenantId, {}, OPTS);
    const mine = await operatorOf(fw);
    const stranger = await tokenFor(db, 'operator');
    const agent = await tokenFor(db, 'agent', { tenant: fw.tenantId });
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1', headers: mine.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1', headers: stranger.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1/files/sft.jsonl', headers: stranger.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/batches', headers: agent.headers })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/abc', headers: mine.headers })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1/files/secrets.txt', headers: mine.headers })).statusCode).toBe(404);
  });
});

describe.runIf(POSTGRES_URL)('retraining batches with two replicas on one Postgres', () => {
  let pgdb: { url: string; drop(): Promise<void> };
  let dbs: Database[] = [];
  let apps: FastifyInstance[] = [];

  beforeAll(async () => {
    pgdb = await createPostgresDatabase(POSTGRES_URL!);
    dbs = [await openDatabase({ databaseUrl: pgdb.url, dataDir: IN_MEMORY }), await openDatabase({ databaseUrl: pgdb.url, dataDir: IN_MEMORY })];
    apps = [(await testApp(dbs[0]!)).app, (await testApp(dbs[1]!)).app];
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const db of dbs) await db.close();
    await pgdb?.drop();
  });

  it('refuses a build on one replica while another builds, and serves a file built by the other', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    const fw = await Flywheel.create(dbs[0]!);
    const op = await tokenFor(dbs[0]!, 'operator', { tenant: fw.tenantId });
    const art = await fw.article('Refunds', 'Refunds within 14 days.');
    for (let n = 0; n < 6; n++) {
      const imp = await fw.impression({ ticketId: `R${n}`, customer: `Refund order ${n} please`, arms: { A: `Refunded order ${n}.` }, articles: [art] });
      await fw.sync(fw.adoption(imp, 'discarded', `I refunded order ${n} and emailed the receipt.`));
    }
    const held = await acquireBuildLease(dbs[0]!, fw.tenantId, 'replica-a', 60);
    expect((await b.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} })).statusCode).toBe(409);
    await held.release();

    expect((await a.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} })).statusCode).toBe(202);
    let status = 'building';
    for (let i = 0; i < 100 && status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = BatchDetail.parse((await b.inject({ method: 'GET', url: `/v1/batches/${held.number}`, headers: op.headers })).json()).batch.status;
    }
    expect(status).toBe('complete');
    const fromA = await a.inject({ method: 'GET', url: `/v1/batches/${held.number}/files/sft.jsonl`, headers: op.headers });
    const fromB = await b.inject({ method: 'GET', url: `/v1/batches/${held.number}/files/sft.jsonl`, headers: op.headers });
    expect(fromB.statusCode).toBe(200);
    expect(fromB.body.trimEnd().split('\n')).toHaveLength(6);
    expect(fromB.rawPayload.equals(fromA.rawPayload)).toBe(true);
    expect(fromB.headers['x-aitl-sha256']).toBe(fromA.headers['x-aitl-sha256']);
  });
});
