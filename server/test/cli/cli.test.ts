import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncResponse } from '../../../lib/contract';
import { makeAnnotation } from '../helpers/annotations';
import { POSTGRES_URL, createPostgresDatabase } from '../helpers/databases';
import { AITL_BIN, runCli, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process';
import { fetchRetryingShed } from '../helpers/shed-retry';

const TOKEN_LINE = /^aitl_(agent|operator|admin)_[0-9a-f]{64}$/;
const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;

async function syncOne(url: string, token: string) {
  const clientId = randomUUID();
  const res = await fetchRetryingShed(`${url}/v1/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, annotations: [makeAnnotation('relevance', clientId)] }),
  });
  return res.status;
}

describe('aitl CLI on the embedded database', () => {
  const dataDir = tempDataDir();
  const env = { AITL_DATA_DIR: dataDir };
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a token printed as the last line, lists it without the secret', async () => {
    const created = await runCli(['tokens', 'create', '--role', 'operator', '--name', 'ml-team', '--tenant', 'acme'], env);
    expect(created.code, created.stderr).toBe(0);
    const token = lastLine(created.stdout);
    expect(token).toMatch(TOKEN_LINE);
    expect(token.startsWith('aitl_operator_')).toBe(true);

    const listed = await runCli(['tokens', 'list', '--json'], env);
    const rows = JSON.parse(listed.stdout);
    expect(rows).toEqual([expect.objectContaining({ tenantId: 'acme', role: 'operator', name: 'ml-team', hint: token.slice(-4), revokedAt: null })]);
    expect(listed.stdout).not.toContain(token);
  }, 120_000); // each CLI process starts node and opens the database: seconds apiece on a loaded machine

  it('refuses bad input with a message and exit code 1', async () => {
    const badTenant = await runCli(['tokens', 'create', '--role', 'agent', '--name', 'x', '--tenant', 'Not Valid'], env);
    expect(badTenant.code).toBe(1);
    expect(badTenant.stderr).toContain('invalid tenant "Not Valid"');
    const badRole = await runCli(['tokens', 'create', '--role', 'root', '--name', 'x'], env);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('Allowed choices are agent, operator, admin');
    const unknown = await runCli(['tokens', 'revoke', randomUUID()], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no token with id');
  }, 120_000);

  it('while aitl serve holds the folder: goes through the server, and a second serve is refused', async () => {
    server = await startServerProcess(env);
    const created = await runCli(['tokens', 'create', '--role', 'agent', '--name', 'jane', '--tenant', 'acme'], env);
    expect(created.code, created.stderr).toBe(0);
    const token = lastLine(created.stdout);
    expect(await syncOne(server.url, token)).toBe(200);

    const id = JSON.parse((await runCli(['tokens', 'list', '--json', '--tenant', 'acme'], env)).stdout).find((t: { name: string }) => t.name === 'jane').id;
    const revoked = await runCli(['tokens', 'revoke', id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await syncOne(server.url, token)).toBe(401);

    const migrate = await runCli(['migrate'], env);
    expect(migrate.stdout).toContain('schema is up to date');

    const second = await runCli(['serve'], { ...env, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by another aitl process (pid ${server.child.pid})`);
  }, 120_000);

  it('prints the contract as JSON Schema (bin/aitl.mjs itself, through tsx)', async () => {
    const out = await runCli(['schema'], {}, AITL_BIN);
    const schema = JSON.parse(out.stdout);
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['Annotation', 'Impression', 'SyncRequest', 'SyncResponse', 'TicketContext']));
  });
});

describe('aitl CLI on Postgres', () => {
  it('says what to do when DATABASE_URL is unreachable', async () => {
    const out = await runCli(['migrate'], { DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:1/none' });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('DATABASE_URL is unreachable');
    expect(out.stderr).toContain('unset DATABASE_URL to use the embedded database');
    expect(out.stderr).not.toContain('s3cret');
  });

  describe.runIf(POSTGRES_URL)('with a real server', () => {
    let pgdb: { url: string; drop(): Promise<void> };
    beforeAll(async () => {
      pgdb = await createPostgresDatabase(POSTGRES_URL!);
    });
    afterAll(async () => pgdb?.drop());

    it('migrates, creates tokens and serves them', async () => {
      const env = { DATABASE_URL: pgdb.url };
      const migrated = await runCli(['migrate'], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(migrated.stdout).toContain('db postgres');
      const token = lastLine((await runCli(['tokens', 'create', '--role', 'agent', '--name', 'pg-agent'], env)).stdout);
      expect(token).toMatch(TOKEN_LINE);
      const server = await startServerProcess(env);
      try {
        expect(await syncOne(server.url, token)).toBe(200);
        const health = await (await fetchRetryingShed(`${server.url}/healthz`)).json();
        expect(health).toMatchObject({ ok: true, db: 'postgres' });
      } finally {
        await server.stop();
      }
    }, 120_000);
  });
});
