import { describe, expect, it } from 'vitest';
import { BatchManifest, SourceRow } from '../../../lib/contract';
import { buildBatch } from '../../src/batches/build/build-batch';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';
import { Flywheel, type ArticleRef } from '../helpers/flywheel';
import { OPTS, batchFiles, twoArmTicket as ticket } from '../helpers/batches';

describe.each(testDatabases())('what goes into a batch, and how much, on $name', (testDb) => {
  const suite = suiteApp(testDb);

  const operatorOf = (fw: Flywheel) => tokenFor(suite.db, 'operator', { tenant: fw.tenantId, name: 'ml-team' });
  const files = (headers: Record<string, string>, number: number) => batchFiles(suite.app, headers, number);

  it('caps the synthetic share of SFT targets by deterministic downsampling', async () => {
    const fw = await Flywheel.create(suite.db);
    const op = await operatorOf(fw);
    const art = await fw.article('Passwords', 'Reset your password from the sign-in page.');
    for (let n = 0; n < 40; n++) {
      const imp = await ticket(fw, n, [art]);
      // 32 adopted unchanged (synthetic), 8 written by the agent.
      const own = n % 5 === 0;
      await fw.sync(fw.adoption(imp, own ? 'discarded' : 'as_is', own ? `Agent ${n}: I reset the password for account ${n} and sent a link.` : `Model reply ${n}: use the reset link on the sign-in page for account ${n}.`));
    }
    const { manifest } = await buildBatch(suite.db, fw.tenantId, { syntheticCap: 0.5, evalShare: 0 }, OPTS);
    expect(manifest.sft.candidates).toEqual({ human: 8, synthetic: 32 });
    expect(manifest.sft.kept).toEqual({ human: 8, synthetic: 8, anchors: 0 });
    expect(manifest.sft.syntheticShare).toBe(0.5);
    expect(manifest.excluded['sft.synthetic_cap']).toBe(24);
    const { files: f } = await files(op.headers, 1);
    expect(f['sft.jsonl']).toHaveLength(16);
    const prov = f['sources.jsonl']!.filter((s) => s.file === 'sft.jsonl').map((s) => s.provenance);
    expect(prov.filter((p) => p === 'model_unedited')).toHaveLength(8);

    // A cap of 0.2 keeps 2 synthetic targets next to 8 human ones; the API refuses a cap of 1.
    const { manifest: tight } = await buildBatch(suite.db, fw.tenantId, { syntheticCap: 0.2, evalShare: 0 }, OPTS);
    expect(tight.sft.kept.synthetic).toBe(2);
    const refused = await suite.app.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: { syntheticCap: 1 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.paths).toEqual(['syntheticCap']);
  });

  it('accumulates over three batches and expires examples tied to a superseded article version', async () => {
    const fw = await Flywheel.create(suite.db);
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
    const b1 = await buildBatch(suite.db, fw.tenantId, { evalShare: 0 }, OPTS);
    await round(5, 10, refunds);
    const b2 = await buildBatch(suite.db, fw.tenantId, { evalShare: 0 }, OPTS);
    // The refunds article changes: everything resting on version 1 expires.
    const refunds2 = await fw.supersede(refunds, 'Refunds within 30 days.');
    await round(10, 14, refunds2);
    const b3 = await buildBatch(suite.db, fw.tenantId, { evalShare: 0 }, OPTS);
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
    const fw = await Flywheel.create(suite.db);
    const art = await fw.article('Accounts', 'Delete an account from Settings.');
    for (let n = 0; n < 10; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, 'discarded', `Human answer ${n}: I deleted account number ${n * 7} for you and confirmed by phone.`));
    }
    await buildBatch(suite.db, fw.tenantId, { evalShare: 0 }, OPTS);
    for (let n = 10; n < 20; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, 'as_is', `Model answer ${n}: go to Settings and pick delete for account ${n * 11} there.`));
    }
    const { manifest } = await buildBatch(suite.db, fw.tenantId, { policy: 'latest-only', evalShare: 0, anchorShare: 0.3, syntheticCap: 0.9 }, OPTS);
    expect(manifest.sft.candidates).toEqual({ human: 0, synthetic: 10 });
    // 5 anchors are needed so that humans are 30% of 15 rows... and the cap lets 0.7/0.3 x 5 synthetic stay.
    expect(manifest.sft.kept.anchors).toBe(5);
    expect(manifest.sft.kept.synthetic).toBe(10);
    expect(manifest.sft.humanShare).toBeGreaterThanOrEqual(0.3);
    expect(manifest.warnings[0]).toContain('latest-only is risky');
  });

  it('warns when a share keeps growing for three generations', async () => {
    const fw = await Flywheel.create(suite.db);
    const art = await fw.article('Plans', 'Upgrade plans from Billing.');
    let n = 0;
    const add = async (asIs: number, own: number) => {
      for (let i = 0; i < asIs + own; i++, n++) {
        const imp = await ticket(fw, n, [art]);
        await fw.sync(fw.adoption(imp, i < asIs ? 'as_is' : 'discarded', `Reply number ${n} about upgrading plan ${n} from the billing page.`));
      }
    };
    await add(1, 4);
    const g1 = await buildBatch(suite.db, fw.tenantId, { evalShare: 0, syntheticCap: 0.9, anchorShare: 0 }, OPTS);
    expect(g1.manifest.drift.warnings).toEqual([]);
    await add(4, 0);
    await buildBatch(suite.db, fw.tenantId, { evalShare: 0, syntheticCap: 0.9, anchorShare: 0 }, OPTS);
    await add(6, 0);
    const g3 = await buildBatch(suite.db, fw.tenantId, { evalShare: 0, syntheticCap: 0.9, anchorShare: 0 }, OPTS);
    expect(g3.manifest.drift.warnings.some((w) => w.startsWith('share of adoption outcome as_is grew for 3 generations'))).toBe(true);
    expect(g3.manifest.drift.warnings.some((w) => w.startsWith('synthetic share of SFT replies grew'))).toBe(true);
    expect(g3.manifest.warnings).toEqual(expect.arrayContaining(g3.manifest.drift.warnings));
  });

  it('holds eval tickets out of every training file', async () => {
    const fw = await Flywheel.create(suite.db);
    const op = await operatorOf(fw);
    const art = await fw.article('Invoices', 'Download invoices from Billing.');
    for (let n = 0; n < 30; n++) {
      const imp = await ticket(fw, n, [art]);
      await fw.sync(fw.adoption(imp, 'heavy_edit', `Agent wrote ${n}: your invoice ${n} is under Billing, Invoices.`), fw.preference(imp, 'A'), fw.relevance(imp, art, 'relevant'));
    }
    await buildBatch(suite.db, fw.tenantId, { evalShare: 0.3 }, OPTS);
    const { files: f } = await files(op.headers, 1);
    const sources = f['sources.jsonl']!.map((s) => SourceRow.parse(s));
    const evalTickets = new Set(sources.filter((s) => s.file === 'eval.jsonl').map((s) => s.ticket));
    const trainTickets = new Set(sources.filter((s) => s.file !== 'eval.jsonl').map((s) => s.ticket));
    expect(evalTickets.size).toBeGreaterThan(0);
    expect([...evalTickets].filter((t) => trainTickets.has(t))).toEqual([]);
    expect(new Set(f['eval.jsonl']!.map((r) => r.task))).toEqual(new Set(['reply', 'preference', 'relevance']));
  });

});
