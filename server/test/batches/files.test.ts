import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { BATCH_DATA_FILES, BATCH_ROW_SCHEMAS, BatchDetail, DEFAULT_ADOPTION_THRESHOLDS, Impression, SourceRow, SyncResponse, contractJsonSchema, type Annotation, type BatchBuildRequest } from '../../../lib/contract';
import { buildBatch } from '../../src/batches/build/build-batch';
import { tokenFor } from '../helpers/app';
import { DEMO_KB_DIR } from '../../src/demo';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { readSource } from '../../src/knowledge/sources/read-source';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';
import { OPTS, batchFiles, twoArmTicket as ticket } from '../helpers/batches';

describe.each(testDatabases())('batch files and their formats on $name', (testDb) => {
  const suite = suiteApp(testDb);

  const operatorOf = (fw: Flywheel) => tokenFor(suite.db, 'operator', { tenant: fw.tenantId, name: 'ml-team' });
  const files = (headers: Record<string, string>, number: number) => batchFiles(suite.app, headers, number);

  it('writes every file in its consumer format, each row traceable to its annotation', async () => {
    const fw = await Flywheel.create(suite.db);
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
    const built = await buildBatch(suite.db, fw.tenantId, { evalShare: 0 }, OPTS);
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
    const stored = await suite.db.query<{ id: string; type: string }>('SELECT id::text AS id, type FROM annotations WHERE tenant_id = $1', [fw.tenantId]);
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
    const fw = await Flywheel.create(suite.db);
    const op = await operatorOf(fw);
    const art = await fw.article('Shipping', 'Parcels ship within 2 days.');
    for (let n = 0; n < 12; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, n % 3 === 0 ? 'heavy_edit' : 'as_is', `We shipped order ${n} today, tracking follows by mail to buyer${n}@shop.example.org.`), fw.preference(imp, n % 2 ? 'A' : 'B'));
    }
    const spec: BatchBuildRequest = { syntheticCap: 0.4, seed: 'repeat' };
    await buildBatch(suite.db, fw.tenantId, spec, OPTS);
    await buildBatch(suite.db, fw.tenantId, spec, OPTS);
    const one = await files(op.headers, 1);
    const two = await files(op.headers, 2);
    expect(two.manifest.files).toEqual(one.manifest.files);
    expect(two.raw).toEqual(one.raw);
    expect({ ...two.manifest.spec, fromSeq: 0 }).toEqual({ ...one.manifest.spec, fromSeq: 0 });
  });


  // The whole path of one piece of data: suggestion -> agent feedback -> sync -> batch.
  it('rebuilds the prompt from the impression the suggestion engine stored, with the article text shown', async () => {
    const agent = await tokenFor(suite.db, 'agent', { name: 'jane@acme' });
    const operator = await tokenFor(suite.db, 'operator', { tenant: agent.tenantId });
    await importKnowledgeBase(suite.db, { tenantId: agent.tenantId, source: 'demo', origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR) });
    const context = {
      platform: 'zendesk' as const,
      ticketId: '48213',
      subject: 'Doorbell keeps restarting',
      messages: [{ role: 'customer' as const, text: 'My new doorbell keeps rebooting at night and the app says low power. Reach me at maria.lopez@gmail.com.' }],
    };
    const suggested = await suite.app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { context, pairwise: true } });
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
    const synced = SyncResponse.parse((await suite.app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations } })).json());
    expect(synced.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);

    const started = await suite.app.inject({ method: 'POST', url: '/v1/batches', headers: operator.headers, payload: { evalShare: 0 } });
    expect(started.statusCode, started.body).toBe(202);
    let detail = BatchDetail.parse(started.json());
    for (let i = 0; i < 200 && detail.batch.status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      detail = BatchDetail.parse((await suite.app.inject({ method: 'GET', url: '/v1/batches/1', headers: operator.headers })).json());
    }
    expect(detail.batch.rows).toMatchObject({ 'sft.jsonl': 1, 'dpo.jsonl': 2, 'retrieval_triplets.jsonl': 1, 'rerank_pairs.jsonl': 2 });
    expect(detail.manifest!.versions.kb).toEqual([impression.versions.kb]);

    const sft = (await suite.app.inject({ method: 'GET', url: '/v1/batches/1/files/sft.jsonl', headers: operator.headers })).json() as { messages: { role: string; content: string }[] };
    const [system, user, reply] = sft.messages;
    const { rows } = await suite.db.query<{ body: string }>('SELECT body FROM knowledge_article_versions WHERE tenant_id = $1 AND article_id = $2 AND version = $3', [
      agent.tenantId,
      impression.articles[0]!.id,
      impression.articles[0]!.version,
    ]);
    expect(system!.content).toContain(`[1] ${impression.articles[0]!.title}\n${rows[0]!.body.slice(0, 200)}`);
    expect(user).toEqual({ role: 'user', content: 'My new doorbell keeps rebooting at night and the app says low power. Reach me at [EMAIL_1].' });
    expect(reply!.content).toContain('16 V and 30 VA');

    const triplet = (await suite.app.inject({ method: 'GET', url: '/v1/batches/1/files/retrieval_triplets.jsonl', headers: operator.headers })).json();
    expect(triplet.anchor).toContain('Doorbell keeps restarting');
    expect(triplet.positive.startsWith(impression.articles[0]!.title)).toBe(true);
    expect(triplet.negative.startsWith(impression.articles[7]!.title)).toBe(true);
  });
});
