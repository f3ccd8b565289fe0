import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rtMissing, startRt, type RtInstance } from '../../../../tests/rt/rt-instance';
import { runCli, tempDataDir } from '../../helpers/process';

/**
 * `aitl kb import --format rt` against a real Request Tracker 5 (Debian's request-tracker5, on a
 * fresh SQLite database in a temp folder): RT's own articles, read through its REST 2 API with an
 * auth token, under the same versioning and retirement rules as the other formats.
 */
const missing = rtMissing();
if (missing) console.warn(`skipped: ${missing}`);

describe.skipIf(missing !== null)('aitl kb import --format rt, against a real RT', () => {
  let rt: RtInstance;
  let token: string;
  const dataDir = tempDataDir();
  const env = () => ({ AITL_DATA_DIR: dataDir, RT_TOKEN: token });
  const importRt = (...extra: string[]) => runCli(['kb', 'import', '--format', 'rt', '--url', rt.origin, '--token-env', 'RT_TOKEN', '--tenant', 'acme', '--json', ...extra], env());
  const article = (name: string, summary: string, html: string) => rt.rest<{ id: string }>('POST', '/article', { Name: name, Class: 'General', Summary: summary, CustomFields: { Content: html } });

  beforeAll(async () => {
    rt = await startRt();
    token = rt.authToken();
  }, 120_000);
  afterAll(async () => {
    await rt?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds, versions and retires RT articles, and says plainly what is wrong with a bad token', async () => {
    const chime = await article('Chime stays silent', 'Pairing the chime', '<p>Open the app, choose <b>Chime</b> and pair it again.</p><p>Then press the doorbell.</p>');
    const refund = await article('Refund timing', 'When refunds arrive', '<p>Refunds reach your card within 5 to 10 business days.</p>');

    const first = await importRt();
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ format: 'rt', source: 'rt', added: 2, updated: 0, retired: 0 });

    await rt.rest('PUT', `/article/${chime.id}`, { CustomFields: { Content: '<p>Open the app, choose Chime, remove it and pair it again.</p>' } });
    await rt.rest('DELETE', `/article/${refund.id}`);
    const second = await importRt();
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ added: 0, updated: 1, unchanged: 0, retired: 1 });

    const status = await runCli(['kb', 'status', '--tenant', 'acme', '--json'], env());
    expect(JSON.parse(status.stdout)).toMatchObject({ liveArticles: 1, sources: [{ source: 'rt', live: 1, retired: 1 }] });

    const refused = await runCli(['kb', 'import', '--format', 'rt', '--url', rt.origin, '--token-env', 'RT_TOKEN', '--tenant', 'acme'], { ...env(), RT_TOKEN: '1-14-0123456789abcdef0123456789abcdef' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/RT refused the token \(401\)/);
    const unset = await runCli(['kb', 'import', '--format', 'rt', '--url', rt.origin, '--token-env', 'NO_SUCH_TOKEN_VAR', '--tenant', 'acme'], env());
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/NO_SUCH_TOKEN_VAR is not set/);
  }, 240_000);
});
