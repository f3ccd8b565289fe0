import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open';
import { tokenFor } from '../helpers/app';
import { createPostgresDatabase, POSTGRES_URL } from '../helpers/databases';
import { runCli, startServerProcess, tempDataDir } from '../helpers/process';
import { prefer, seedImpression, startFakeJudge, ticketIds } from './judge-fixtures';

interface Target {
  name: string;
  setup(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'pglite',
    async setup() {
      const dataDir = tempDataDir();
      return { env: { AITL_DATA_DIR: dataDir }, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
  ...(POSTGRES_URL
    ? [
        {
          name: 'postgres',
          async setup() {
            const created = await createPostgresDatabase(POSTGRES_URL!);
            return { env: { DATABASE_URL: created.url, AITL_DATA_DIR: 'memory://' }, cleanup: () => created.drop() };
          },
        },
      ]
    : []),
];

describe.each(targets)('aitl judge on $name', (target) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let judge: Awaited<ReturnType<typeof startFakeJudge>>;

  beforeAll(async () => {
    ({ env, cleanup } = await target.setup());
    judge = await startFakeJudge();
    const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.AITL_DATA_DIR! });
    try {
      await tokenFor(db, 'operator', { tenant: 'acme' });
      const [t1, t2, t3] = ticketIds(3, true);
      const i1 = await seedImpression(db, 'acme', t1!, 'first [score 5]', 'first [score 2]');
      await prefer(db, 'acme', i1, 'A');
      // Impressions with an agent's verdict are asked about first, so --sample 5 leaves out the third's B.
      const i2 = await seedImpression(db, 'acme', t2!, 'second [score 4]', 'second [prose]');
      await prefer(db, 'acme', i2, 'B');
      await seedImpression(db, 'acme', t3!, 'third [score 3]', 'third [score 3]');
    } finally {
      await db.close();
    }
  }, 60_000);

  afterAll(async () => {
    await judge?.close();
    await cleanup?.();
  });

  const judgeEnv = () => ({ ...env, AITL_JUDGE_URL: `${judge.url}/v1`, AITL_JUDGE_MODEL: 'judge-model-1', AITL_JUDGE_API_KEY_ENV: 'ACME_JUDGE_KEY', ACME_JUDGE_KEY: 'sk-acme' });

  it('scores a sample, records the malformed answer as a failure, and prints the run summary', async () => {
    const run = await runCli(['judge', '--tenant', 'acme', '--sample', '5'], judgeEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(judge.requests).toHaveLength(5);
    expect(judge.requests.every((r) => r.headers.authorization === 'Bearer sk-acme')).toBe(true);
    const out = run.stdout;
    expect(out).toContain(`judge pass 1 of tenant acme: judge-model-1 on rubric v1 (${judge.url}/v1)`);
    expect(out).toContain('asked about 5 replies on the frozen eval slice: scored 4, failed 1; 0 scored by earlier passes, 1 left for a later pass');
    expect(out).toMatch(/failures \(recorded, no score\):\n {4}1× the judge did not answer JSON/);
    expect(out).toMatch(/ARM\s+MODEL\s+PROMPT\s+N\s+MEAN\s+95% INTERVAL/);
    expect(out).toMatch(/agreement with agents: the judge ordered 1 of 1 preferred pairs as the agent did \(100%\), 0 judge ties; Cohen's kappa -: too few pairs/);

    const again = await runCli(['judge', '--tenant', 'acme', '--json'], judgeEnv());
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ run: 2, asked: 2, alreadyScored: 4, left: 0 });
    expect(summary.helpfulness.status).toBe('scored');
  }, 60_000);

  it('refuses without a judge configured, and names the variables to set', async () => {
    const run = await runCli(['judge', '--tenant', 'acme'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('aitl: no judge configured: set AITL_JUDGE_URL');
    const missingKey = await runCli(['judge', '--tenant', 'acme'], { ...judgeEnv(), ACME_JUDGE_KEY: '' });
    expect(missingKey.code).toBe(1);
    expect(missingKey.stderr).toContain('ACME_JUDGE_KEY (AITL_JUDGE_API_KEY_ENV), which is not set');
  }, 60_000);

  it.runIf(target.name === 'pglite')('runs inside aitl serve when it holds the embedded database, with the server\'s judge', async () => {
    const server = await startServerProcess(judgeEnv());
    try {
      const run = await runCli(['judge', '--tenant', 'acme'], env); // no judge in the CLI's own environment
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('judge pass 3 of tenant acme: judge-model-1 on rubric v1');
      // The reply the judge answered in prose is asked about again; the scored ones are not.
      expect(run.stdout).toContain('asked about 1 reply on the frozen eval slice: scored 0, failed 1; 5 scored by earlier passes, 0 left for a later pass');
      expect(judge.calls('[prose]')).toBe(3);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
