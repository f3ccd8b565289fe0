import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Impression } from '../../../lib/contract';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process';
import { fetchRetryingShed } from '../helpers/shed-retry';

const FIXTURES = fileURLToPath(new URL('../fixtures/kb/', import.meta.url));

describe('aitl kb and serve --demo', () => {
  const dataDir = tempDataDir();
  const env = { AITL_DATA_DIR: dataDir };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  // Each CLI run starts tsx and opens the embedded database: seconds on a loaded machine.
  it('imports, re-imports without changes, refuses a broken export naming file and line, and reports the state', async () => {
    const first = await runCli(['kb', 'import', `${FIXTURES}zendesk`, '--tenant', 'acme', '--source', 'help-center'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('3 added, 0 updated, 0 unchanged, 0 retired, 0 restored');
    expect(first.stdout).toContain('knowledge base is now kb-1');
    expect(first.stdout).toContain('"Upcoming feature (draft)" is a draft');

    const again = await runCli(['kb', 'import', `${FIXTURES}zendesk`, '--tenant', 'acme', '--source', 'help-center', '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, unchanged: 3, revision: 1, source: 'help-center', format: 'zendesk' });

    const broken = await runCli(['kb', 'import', `${FIXTURES}csv/bad-rows.csv`, '--tenant', 'acme', '--source', 'help-center'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('nothing was imported');
    expect(broken.stderr).toMatch(/bad-rows\.csv:3: the article has no title/);

    const status = await runCli(['kb', 'status', '--tenant', 'acme', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ version: 'kb-1', liveArticles: 3, sources: [{ source: 'help-center', live: 3, retired: 0 }] });
  }, 120_000);

  it('serve --demo loads the demo knowledge base, so the printed agent token gets real suggestions', async () => {
    const demoDir = tempDataDir();
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess({ AITL_DATA_DIR: demoDir }, ['--demo']);
      const output = server.output();
      expect(output).toMatch(/Loaded the demo knowledge base into tenant "demo": \d{3} articles/);
      const token = /agent token[^:]*: (aitl_agent_[0-9a-f]{64})/.exec(output)![1]!;
      // A server just started on a busy machine may shed the first request (503 + Retry-After);
      // the extension comes back after the wait it names, and so does this test, a few times.
      const res = await fetchRetryingShed(`${server.url}/v1/suggestions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          pairwise: true,
          context: { platform: 'zendesk', ticketId: '1', subject: 'refund for yearly protect plan', messages: [{ role: 'customer', text: 'I renewed the yearly Plus plan by accident two days ago. Can I get my money back?' }] },
        }),
      });
      expect(res.status).toBe(200);
      const impression = Impression.parse(await res.json());
      expect(impression.arms).toHaveLength(2);
      expect(impression.articles.map((a) => a.externalId)).toContain('bill-refund-policy-protect');

      // While the server holds the folder, kb commands run through it.
      const status = await runCli(['kb', 'status', '--tenant', 'demo'], { AITL_DATA_DIR: demoDir });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/tenant demo: kb-1, \d{3} live article\(s\)/);
    } finally {
      await server?.stop();
      fs.rmSync(demoDir, { recursive: true, force: true });
    }
  }, 120_000);
});
