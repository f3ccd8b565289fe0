import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeGap } from '../../../lib/contract';
import { makeAnnotation } from '../helpers/annotations';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process';
import { fetchRetryingShed } from '../helpers/shed-retry';

describe('aitl gaps', () => {
  const dataDir = tempDataDir();
  const env = { AITL_DATA_DIR: dataDir };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  // While serve holds the embedded database, every command below runs through its admin socket.
  it('lists reports synced by an agent, closes them from an import and by hand, and says why it refuses', async () => {
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess(env);
      const created = await runCli(['tokens', 'create', '--role', 'agent', '--name', 'ana', '--tenant', 'acme'], env);
      expect(created.code, created.stderr).toBe(0);
      const token = created.stdout.trim().split('\n').at(-1)!;
      const clientId = randomUUID();
      const reports = ['No article on paying by invoice', 'Nothing about VAT'].map((description) => {
        const a = makeAnnotation('missing_knowledge', clientId);
        return { ...a, payload: { description, category: 'how_to' } };
      });
      const synced = await fetchRetryingShed(`${server.url}/v1/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, annotations: reports }),
      });
      expect(synced.status).toBe(200);

      const list = await runCli(['gaps', 'list', '--tenant', 'acme'], env);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^GAP\s+REPORTED\s+BY/);
      expect(list.stdout).toMatch(/\n1\s+\S+\s+ana\s+salesforce:\S+\s+how_to\s+No article on paying by invoice\s+0\s+open/);

      const kb = path.join(dataDir, 'kb');
      fs.mkdirSync(kb);
      fs.writeFileSync(path.join(kb, 'invoice.md'), '---\nid: pay-invoice\ntitle: Pay by invoice\ncloses_gaps: 1\n---\nChoose invoice at checkout.\n');
      fs.writeFileSync(path.join(kb, 'vat.md'), '---\nid: vat\ntitle: VAT on invoices\n---\nVAT is on every invoice.\n');
      const imported = await runCli(['kb', 'import', kb, '--tenant', 'acme'], env);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('closed knowledge gap(s) 1');

      const refused = await runCli(['gaps', 'resolve', '1', '--article', 'vat', '--tenant', 'acme'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('aitl: gap 1 is already closed by article "pay-invoice"');

      const resolved = await runCli(['gaps', 'resolve', '2', '--article', 'vat', '--tenant', 'acme'], env);
      expect(resolved.code, resolved.stderr).toBe(0);
      expect(resolved.stdout).toContain('closed gap 2 with article vat (VAT on invoices)');

      const json = await runCli(['gaps', 'list', '--tenant', 'acme', '--json'], env);
      const gaps = KnowledgeGap.array().parse(JSON.parse(json.stdout));
      expect(gaps.map((g) => [g.number, g.resolved?.externalId, g.resolved?.by])).toEqual([
        [1, 'pay-invoice', 'import:markdown'],
        [2, 'vat', 'cli'],
      ]);
      const open = await runCli(['gaps', 'list', '--tenant', 'acme', '--open'], env);
      expect(open.stdout).toBe('no open knowledge gaps in tenant acme\n');
    } finally {
      await server?.stop();
    }
  }, 180_000);
});
