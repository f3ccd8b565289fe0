import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_MANIFEST, BatchManifest } from '../../../lib/contract';
import { makeAnnotation } from '../helpers/annotations';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process';
import { fetchRetryingShed } from '../helpers/shed-retry';

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;

describe('aitl batches build / list / pull against a running server', () => {
  const dataDir = tempDataDir();
  const out = tempDataDir();
  const env = { AITL_DATA_DIR: dataDir };
  let server: ServerProcess;
  let pullEnv: Record<string, string>;

  beforeAll(async () => {
    server = await startServerProcess(env);
    const agent = lastLine((await runCli(['tokens', 'create', '--role', 'agent', '--name', 'jane', '--tenant', 'acme'], env)).stdout);
    const operator = lastLine((await runCli(['tokens', 'create', '--role', 'operator', '--name', 'ml', '--tenant', 'acme'], env)).stdout);
    pullEnv = { AITL_SERVER_URL: server.url, AITL_TOKEN: operator };
    // Missing-knowledge reports need no impression, so they reach the batch through the plain sync API.
    const clientId = randomUUID();
    const annotations = ['How do I move a subscription to another workspace?', 'Moving a subscription between workspaces is not documented', 'What is the refund policy for gift cards?'].map((description) =>
      makeAnnotation('missing_knowledge', clientId, { payload: { description: `${description} Contact jane.doe@corp-mail.com`, category: 'how_to' } } as never),
    );
    const res = await fetchRetryingShed(`${server.url}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, annotations }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('builds through the running server and lists the batch', async () => {
    const built = await runCli(['batches', 'build', '--tenant', 'acme', '--seed', 'cli'], env);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain('built batch 1 of tenant acme');
    expect(built.stdout).toMatch(/knowledge_gaps\.jsonl\s+2 rows/);
    expect(built.stderr).toBe(''); // no progress bar without a terminal

    const listed = await runCli(['batches', 'list', '--tenant', 'acme'], env);
    expect(listed.stdout).toMatch(/^BATCH\s+BUILT\s+POLICY\s+SFT/);
    expect(listed.stdout).toMatch(/\n1\s+\d{4}-\d\d-\d\dT\S+\s+accumulate\s+0\s+0\s+0\s+0\s+0\s+2\s+0\s+0/);

    const bad = await runCli(['batches', 'build', '--tenant', 'acme', '--synthetic-cap', '2'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('syntheticCap');
    const unknown = await runCli(['batches', 'build', '--tenant', 'nobody'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no tenant "nobody"');
  });

  it('pulls every batch once, verified and atomically, and is safe to re-run', async () => {
    // A temporary folder left by a pull that was killed is cleaned up.
    fs.mkdirSync(path.join(out, '.batch-0001.tmp-999999-deadbeef'), { recursive: true });
    const first = await runCli(['batches', 'pull', '--out', out], pullEnv);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`pulled batch 1 into ${path.join(out, 'batch-0001')}`);
    expect(first.stderr).toBe('');
    const dir = path.join(out, 'batch-0001');
    const manifest = BatchManifest.parse(JSON.parse(fs.readFileSync(path.join(dir, BATCH_MANIFEST), 'utf8')));
    for (const f of manifest.files) {
      expect(createHash('sha256').update(fs.readFileSync(path.join(dir, f.name))).digest('hex')).toBe(f.sha256);
    }
    const gaps = fs.readFileSync(path.join(dir, 'knowledge_gaps.jsonl'), 'utf8');
    expect(gaps).not.toContain('jane.doe@corp-mail.com');
    expect(gaps).toContain('[EMAIL_1]');

    const again = await runCli(['batches', 'pull', '--out', out], pullEnv);
    expect(again.stdout).toContain('nothing new: 1 batch(es) already in');

    // Two pulls at once (cron overlapping itself) leave one complete copy of the new batch.
    expect((await runCli(['batches', 'build', '--tenant', 'acme'], env)).code).toBe(0);
    const [a, b] = await Promise.all([runCli(['batches', 'pull', '--out', out], pullEnv), runCli(['batches', 'pull', '--out', out], pullEnv)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(fs.readdirSync(out).sort()).toEqual(['batch-0001', 'batch-0002']);
    expect(fs.readdirSync(path.join(out, 'batch-0002')).sort()).toEqual([...manifest.files.map((f) => f.name), BATCH_MANIFEST].sort());
  });

  it('says what is wrong with the token or the server', async () => {
    const noToken = await runCli(['batches', 'pull', '--out', out], { AITL_SERVER_URL: server.url });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('an operator token is needed');
    const badToken = await runCli(['batches', 'pull', '--out', out, '--token', 'aitl_operator_' + '0'.repeat(64)], { AITL_SERVER_URL: server.url });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('GET /v1/batches answered 401: invalid or revoked token');
    const nowhere = await runCli(['batches', 'pull', '--out', out, '--server', 'http://127.0.0.1:1', '--token', 'x']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('cannot reach http://127.0.0.1:1');
  });
});
