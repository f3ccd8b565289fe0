import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process';
import { fetchRetryingShed } from '../helpers/shed-retry';

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;

/** The rollout from the server's shell: keys and agents through the CLI, enrolment over HTTP. */
describe('aitl enrollment and aitl agents, with aitl serve running', () => {
  const dataDir = tempDataDir();
  const env = { AITL_DATA_DIR: dataDir };
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(env);
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const enroll = async (enrollmentKey: string, email: string) =>
    (await fetchRetryingShed(`${server.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enrollmentKey, email, platform: 'zendesk' }) })).status;

  it('creates a key printed as the last line, enrols with it, deactivates the agent and revokes the key', async () => {
    const created = await runCli(['enrollment', 'create', '--tenant', 'acme', '--email-domain', 'example.com', '--email-domain', 'Example.org', '--expires', '30d', '--name', 'Lisbon team'], env);
    expect(created.code, created.stderr).toBe(0);
    const key = lastLine(created.stdout);
    expect(key).toMatch(/^aitl_enroll_[0-9a-f]{64}$/);
    expect(created.stdout).toContain('example.com, example.org');

    const bad = await runCli(['enrollment', 'create', '--tenant', 'acme', '--expires', '30'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expiresIn: must be a duration such as 12h, 30d or 8w');

    const listed = await runCli(['enrollment', 'list', '--tenant', 'acme', '--json'], env);
    const [info] = JSON.parse(listed.stdout);
    expect(info).toMatchObject({ name: 'Lisbon team', emailDomains: ['example.com', 'example.org'], status: 'active', createdBy: 'cli' });
    expect(listed.stdout).not.toContain(key);

    expect(await enroll(key, 'Jane@Example.com')).toBe(200);
    const deactivated = await runCli(['agents', 'deactivate', 'jane@example.com', '--tenant', 'acme'], env);
    expect(deactivated.stdout).toContain('1 token(s) revoked');
    expect(await enroll(key, 'jane@example.com')).toBe(403);

    expect((await runCli(['enrollment', 'revoke', info.id], env)).code).toBe(0);
    expect(await enroll(key, 'someone@example.com')).toBe(401);

    const audit = JSON.parse((await runCli(['audit', '--tenant', 'acme', '--json'], env)).stdout);
    expect(audit.map((e: { action: string; reason: string | null }) => [e.action, e.reason])).toEqual([
      ['enrollment.refused', 'revoked_key'],
      ['enrollment_key.revoked', null],
      ['enrollment.refused', 'agent_deactivated'],
      ['agent.deactivated', null],
      ['enrollment.granted', null],
      ['enrollment_key.created', null],
    ]);
  }, 120_000); // six CLI processes, each starting tsx

});
