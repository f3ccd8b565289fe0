import { describe, expect, it } from 'vitest';
import type { AdoptionOutcome } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { inEvalSlice } from '../../src/models/eval-slice';
import { buildExampleSet, MIN_EXAMPLES } from '../../src/models/reply-examples';
import { modelVersion } from '../../src/models/store';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel, type ArticleRef } from '../helpers/flywheel';

function tickets(inSlice: boolean, count: number, prefix: string): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count; n++) if (inEvalSlice({ platform: 'zendesk', ticketId: `${prefix}-${n}` }) === inSlice) out.push(`${prefix}-${n}`);
  return out;
}

async function watermark(db: Database, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int AS seq FROM annotations WHERE tenant_id = $1', [tenantId]);
  return rows[0]!.seq;
}

interface Row {
  position: number;
  annotation_id: string;
  ticket_text: string;
  reply_text: string;
}

describe.each(testDatabases())('example sets of approved replies on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  const rows = async (tenantId: string, version: string) =>
    (await suite.db.query<Row>('SELECT position, annotation_id, ticket_text, reply_text FROM reply_examples WHERE tenant_id = $1 AND version = $2 ORDER BY position', [tenantId, version])).rows;

  /** One impression and one send per outcome, on fresh tickets; returns the sent texts by ticket. */
  async function sent(fw: Flywheel, art: ArticleRef, outcomes: AdoptionOutcome[], opts: { inSlice?: boolean; prefix: string }) {
    const ids = tickets(opts.inSlice ?? false, outcomes.length, opts.prefix);
    const texts: string[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const imp = await fw.impression({
        ticketId: ids[i]!,
        customer: `My router ${opts.prefix}-${i} drops the connection every night, reach me at dana.${i}@example.com`,
        requester: { name: 'Dana Whitfield' },
        arms: { A: `Model reply ${i}` },
        articles: [art],
      });
      const text = outcome === 'not_used' ? null : `Hi Dana, ${opts.prefix} reply ${i}: restart the router; I will call you on +44 20 7946 0${String(100 + i).slice(-3)}.`;
      texts.push(text ?? '');
      await fw.sync(fw.adoption(imp, outcome, text));
    }
    return texts;
  }

  const times = <T,>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

  it('keeps agent-approved sends outside the eval slice, redacted, newest first, as an immutable version', async () => {
    const fw = await Flywheel.create(suite.db);
    const art = await fw.article('Router drops', 'Restart the router.');
    await sent(fw, art, [...times(10, 'as_is' as const), ...times(8, 'light_edit' as const), ...times(6, 'heavy_edit' as const)], { prefix: 'ok' });
    await sent(fw, art, [...times(5, 'discarded' as const), ...times(4, 'not_used' as const)], { prefix: 'no' });
    await sent(fw, art, times(7, 'as_is' as const), { prefix: 'eval', inSlice: true });
    const mark = await watermark(suite.db, fw.tenantId);
    await sent(fw, art, times(3, 'as_is' as const), { prefix: 'late' });

    const result = await buildExampleSet(suite.db, fw.tenantId, { watermark: mark, turn: 1 });
    expect(result).toEqual({ version: 'ex1', count: 24, created: true });
    const stored = await rows(fw.tenantId, 'ex1');
    expect(stored).toHaveLength(24);
    expect(stored.map((r) => r.position)).toEqual([...Array(24).keys()]);
    // Only approved outcomes before the watermark, none of the eval slice; the newest first.
    expect(stored.every((r) => /^Hi \[CUSTOMER_NAME\], ok reply \d+:/.test(r.reply_text))).toBe(true);
    expect(stored[0]!.reply_text).toContain('ok reply 23:');
    expect(stored.at(-1)!.reply_text).toContain('ok reply 0:');
    // PII and the customer's name are gone, with placeholders consistent within an example.
    const text = stored.map((r) => `${r.ticket_text}\n${r.reply_text}`).join('\n');
    expect(text).not.toMatch(/Dana|Whitfield|@example\.com|7946/);
    expect(stored[0]!.ticket_text).toMatch(/My router ok-\d+ drops the connection every night, reach me at \[EMAIL_1\]/);
    expect(stored[0]!.reply_text).toMatch(/call you on \[PHONE_1\]\.$/);

    const version = await modelVersion(suite.db, fw.tenantId, 'ex1');
    expect(version).toMatchObject({ kind: 'examples', turn: 1, trainedOn: { watermark: mark, outcomes: { as_is: 10, light_edit: 8, heavy_edit: 6 }, evalSliceHeldOut: 7 } });
    expect((version!.trainedOn.redacted as Record<string, number>).EMAIL).toBe(24);
    await expect(suite.db.query(`UPDATE reply_examples SET reply_text = 'x' WHERE tenant_id = $1`, [fw.tenantId])).rejects.toThrow(/immutable/);

    // Nothing new: no new version. New sends: the next one, holding them.
    expect(await buildExampleSet(suite.db, fw.tenantId, { watermark: mark, turn: 2 })).toEqual({ version: 'ex1', count: 24, created: false });
    expect(await buildExampleSet(suite.db, fw.tenantId, { watermark: await watermark(suite.db, fw.tenantId), turn: 2 })).toEqual({ version: 'ex2', count: 27, created: true });
    expect((await rows(fw.tenantId, 'ex2'))[0]!.reply_text).toContain('late reply 2:');
  });

  it(`builds nothing from fewer than ${MIN_EXAMPLES} approved replies`, async () => {
    const fw = await Flywheel.create(suite.db);
    const art = await fw.article('Router drops', 'Restart the router.');
    await sent(fw, art, times(MIN_EXAMPLES - 1, 'as_is' as const), { prefix: 'few' });
    await sent(fw, art, times(30, 'as_is' as const), { prefix: 'eval', inSlice: true });
    expect(await buildExampleSet(suite.db, fw.tenantId, { watermark: await watermark(suite.db, fw.tenantId), turn: 1 })).toBeNull();
    const { rows: versions } = await suite.db.query('SELECT version FROM model_versions WHERE tenant_id = $1', [fw.tenantId]);
    expect(versions).toEqual([]);
  });
});
