import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listGaps } from '../../src/gaps/list';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { readSource } from '../../src/knowledge/sources/read-source';
import { KbImportError } from '../../src/knowledge/sources/source-article';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';

/** A folder holding the given files, removed after the run. */
const folders: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-gaps-'));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const markdown = (id: string, title: string, closes?: string) =>
  `---\nid: ${id}\ntitle: ${title}\n${closes !== undefined ? `closes_gaps: ${closes}\n` : ''}---\n${title}: what to do, step by step.\n`;

describe.each(testDatabases())('closing gaps from an import on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  /** A tenant with `count` open gaps (numbers 1..count). */
  async function tenantWithGaps(count: number): Promise<string> {
    const fw = await Flywheel.create(suite.db);
    const impression = await fw.impression({ ticketId: 'T-1', customer: 'Can I pay by invoice?', arms: { A: 'Maybe.' }, articles: [] });
    await fw.sync(...Array.from({ length: count }, (_, i) => fw.missing(impression, `missing ${i + 1}`)));
    return fw.tenantId;
  }
  const closedBy = async (tenantId: string) =>
    Object.fromEntries((await listGaps(suite.db, tenantId)).map((g) => [g.number, g.resolved ? `${g.resolved.externalId} by ${g.resolved.by}` : 'open']));
  const run = (tenantId: string, dir: string, source: string) => importKnowledgeBase(suite.db, { tenantId, source, origin: dir, parsed: readSource(dir) });

  it('closes gaps named in Markdown front matter (a list or one number) and warns about unknown numbers', async () => {
    const tenantId = await tenantWithGaps(3);
    const dir = folder({
      'invoice.md': markdown('pay-invoice', 'Pay by invoice', '[1, 2, 9]'),
      'vat.md': markdown('vat', 'VAT on invoices', '3'),
      'other.md': markdown('other', 'Unrelated'),
    });
    const summary = await run(tenantId, dir, 'markdown');
    expect(summary).toMatchObject({ added: 3, gapsClosed: [1, 2, 3], unknownGaps: [9] });
    expect(summary.gapWarnings).toEqual([`no gap 9 in tenant ${tenantId}: those references were ignored (see aitl gaps list)`]);
    expect(await closedBy(tenantId)).toEqual({ 1: 'pay-invoice by import:markdown', 2: 'pay-invoice by import:markdown', 3: 'vat by import:markdown' });

    // Re-importing the same export closes nothing again; a second article naming a closed gap is a warning.
    fs.writeFileSync(path.join(dir, 'other.md'), markdown('other', 'Unrelated', '[1]'));
    const again = await run(tenantId, dir, 'markdown');
    expect(again).toMatchObject({ gapsClosed: [], unknownGaps: [9] });
    expect(again.gapWarnings[1]).toMatch(/other\.md:1: gap 1 is already closed by article "pay-invoice"/);
    expect(await closedBy(tenantId)).toMatchObject({ 1: 'pay-invoice by import:markdown' });
  });

  it('closes gaps named in a CSV column "12;15" and in Zendesk labels aitl-gap-N', async () => {
    const tenantId = await tenantWithGaps(4);
    const csv = folder({ 'kb.csv': 'id,title,body,closes_gaps\nc-1,Pay by invoice,Choose invoice at checkout.,1;2\nc-2,Refunds,Refunds take five days.,\n' });
    expect(await run(tenantId, path.join(csv, 'kb.csv'), 'csv')).toMatchObject({ added: 2, gapsClosed: [1, 2], unknownGaps: [], gapWarnings: [] });
    const zendesk = folder({
      'articles.json': JSON.stringify({
        articles: [
          { id: 501, title: 'VAT on invoices', body: '<p>VAT is shown on every invoice.</p>', label_names: ['billing', 'aitl-gap-3'] },
          { id: 502, title: 'Invoice address', body: '<p>Change it in settings.</p>', label_names: ['AITL-GAP-4', 'aitl-gap-40'] },
        ],
      }),
    });
    expect(await run(tenantId, zendesk, 'zendesk')).toMatchObject({ added: 2, gapsClosed: [3, 4], unknownGaps: [40] });
    expect(await closedBy(tenantId)).toEqual({ 1: 'c-1 by import:csv', 2: 'c-1 by import:csv', 3: '501 by import:zendesk', 4: '502 by import:zendesk' });
  });

  it('refuses a malformed reference with file and line, and writes nothing', async () => {
    const tenantId = await tenantWithGaps(1);
    const md = folder({ 'bad.md': markdown('bad', 'Bad reference', 'soon'), 'good.md': markdown('good', 'Good', '1') });
    expect(() => readSource(md)).toThrow(KbImportError);
    expect(() => readSource(md)).toThrow(/bad\.md:1: closes_gaps "soon" must be a gap number or a list of them/);
    const csv = folder({ 'kb.csv': 'id,title,body,closes_gaps\nc-1,Pay,Choose invoice.,"1,2"\n' });
    expect(() => readSource(path.join(csv, 'kb.csv'))).toThrow(/kb\.csv:2: closes_gaps "1,2" must be gap numbers separated by ";"/);
    expect(await closedBy(tenantId)).toEqual({ 1: 'open' });
  });
});
