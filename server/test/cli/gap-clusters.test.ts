import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { GapClusterList } from '../../../lib/contract';
import { makeAnnotation } from '../helpers/annotations';
import { POSTGRES_URL, createPostgresDatabase } from '../helpers/databases';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process';
import { fetchRetryingShed } from '../helpers/shed-retry';

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;

/**
 * `aitl gaps clusters` prints what `GET /v1/gaps/clusters` answers, on the embedded database (the
 * CLI goes through `aitl serve`'s admin socket, which holds it) and on Postgres (the CLI opens the
 * database itself while the server runs).
 */
async function clustersMatchTheApi(env: Record<string, string>): Promise<void> {
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(env);
    const token = async (role: string, name: string) => {
      const created = await runCli(['tokens', 'create', '--role', role, '--name', name, '--tenant', 'acme'], env);
      expect(created.code, created.stderr).toBe(0);
      return lastLine(created.stdout);
    };
    const agent = await token('agent', 'ana');
    const operator = await token('operator', 'ops');

    const empty = await runCli(['gaps', 'clusters', '--tenant', 'acme'], env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe('no knowledge gaps in tenant acme\n');

    const clientId = randomUUID();
    const reports = [
      ['How do I ship an order to Norway from the EU warehouse', 'policy'],
      ['No article on paying by invoice', 'how_to'],
      ['How do I ship an order to Norway from the EU warehouse?', 'policy'],
      ['How can I ship an order to Norway from the EU warehouse', 'how_to'],
    ].map(([description, category], i) => {
      const a = makeAnnotation('missing_knowledge', clientId);
      return { ...a, createdAt: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(), payload: { description, category } };
    });
    const synced = await fetchRetryingShed(`${server.url}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, annotations: reports }),
    });
    expect(synced.status).toBe(200);
    const stored = (await synced.json()) as { results: { status: string }[] };
    expect(stored.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);

    const printed: GapClusterList[] = [];
    for (const similarity of [undefined, '0.9']) {
      const query = similarity ? `?similarity=${similarity}` : '';
      const api = await fetchRetryingShed(`${server.url}/v1/gaps/clusters${query}`, { headers: { authorization: `Bearer ${operator}` } });
      expect(api.status).toBe(200);
      const expected = GapClusterList.parse(await api.json());
      const cli = await runCli(['gaps', 'clusters', '--tenant', 'acme', '--json', ...(similarity ? ['--similarity', similarity] : [])], env);
      expect(cli.code, cli.stderr).toBe(0);
      printed.push(GapClusterList.parse(JSON.parse(cli.stdout)));
      expect(printed.at(-1)).toEqual(expected);
    }
    const byDefault = printed[0]!;
    expect(byDefault.similarity).toBe(0.5);
    expect(byDefault.clusters.map((c) => c.gaps)).toEqual([[1, 3, 4], [2]]);

    const text = await runCli(['gaps', 'clusters', '--tenant', 'acme'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('2 cluster(s) of 4 report(s) at similarity 0.5, 2 with open gaps\n');
    expect(text.stdout).toMatch(/\nREPORTS\s+OPEN\s+LAST REPORTED\s+CATEGORIES/);
    expect(text.stdout).toMatch(/\n3\s+3\s+2026-11-04\s+how_to:1,policy:2\s+How can I ship an order to Norway from the EU war…\s+1,3,4\s+-\s+-\n/);
    expect(text.stdout).toMatch(/\n1\s+1\s+2026-11-02\s+how_to:1\s+No article on paying by invoice\s+2\s+-\s+-\n/);

    const refused = await runCli(['gaps', 'clusters', '--tenant', 'acme', '--similarity', '2'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--similarity must be a number from 0.1 to 1 (default 0.5), got "2"');
  } finally {
    await server?.stop();
  }
}

describe('aitl gaps clusters', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('on the embedded database, through aitl serve: the clusters of GET /v1/gaps/clusters', async () => {
    await clustersMatchTheApi({ AITL_DATA_DIR: path.join(dataDir, 'pglite') });
  }, 300_000);

  it.runIf(POSTGRES_URL)('on Postgres: the clusters of GET /v1/gaps/clusters', async () => {
    const pgdb = await createPostgresDatabase(POSTGRES_URL!);
    try {
      await clustersMatchTheApi({ AITL_DATA_DIR: path.join(dataDir, 'postgres'), DATABASE_URL: pgdb.url });
    } finally {
      await pgdb.drop();
    }
  }, 300_000);
});
