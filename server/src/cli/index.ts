import { Command, InvalidArgumentError, Option } from 'commander';
import { contractJsonSchema } from '../../../lib/contract';
import { ROLES, TokenError } from '../auth/tokens';
import { ConfigError, loadConfig } from '../config';
import { DataDirBusyError, DatabaseUnavailableError } from '../db/database';
import { serve } from '../serve';
import { VERSION } from '../version';
import { PullError, pullBatches } from '../batches/pull';
import type { BuildProgress } from '../batches/builder';
import { OperationError, type BatchBuildArgs, type OperationArgs, type OperationName } from './operations';
import { terminalProgress } from './progress';
import { runOperation } from './run-operation';

async function runAndPrint<N extends OperationName>(name: N, args: OperationArgs<N>, extras: { progress?: BuildProgress } = {}) {
  process.stdout.write(await runOperation(loadConfig(), name, args, extras));
}

const number = (flag: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number`);
  return n;
};

const program = new Command('aitl')
  .description('AITL backend: annotation sync, suggestions, metrics and retraining batches')
  .version(VERSION)
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Environment:
  DATABASE_URL     Postgres connection string; unset = embedded PGlite in AITL_DATA_DIR
  AITL_DATA_DIR    embedded database folder (default ./.aitl/data)
  PORT, HOST       where aitl serve listens (default 8787 on 127.0.0.1)
  AITL_RATE_LIMIT  requests per minute per token (default 600)
  AITL_BODY_LIMIT  largest request body in bytes (default 4 MiB)
  AITL_BATCH_LEASE_SECONDS  how long a dead batch build blocks the next one (default 120)
  AITL_SERVER_URL, AITL_TOKEN  server and operator token for aitl batches pull`,
  );

program
  .command('serve')
  .description('serve the HTTP API (migrates the database first)')
  .option('--demo', 'on an empty database, create the demo tenant and print its tokens')
  .action(async (opts: { demo?: boolean }) => {
    await serve(loadConfig(), { demo: opts.demo, handleSignals: true });
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() => runAndPrint('migrate', {}));

const tokens = program.command('tokens').description('create, list and revoke API tokens');
tokens
  .command('create')
  .description('create a token; it is printed once, as the last line of output')
  .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
  .requiredOption('--name <label>', 'who or what it is for (for agents: the agent identity on their annotations)')
  .option('--tenant <tenant>', 'tenant (created if new)', 'default')
  .action((opts: { role: string; name: string; tenant: string }) => runAndPrint('tokens.create', opts));
tokens
  .command('list')
  .description('list tokens (never the tokens themselves)')
  .option('--tenant <tenant>', 'only this tenant')
  .option('--json', 'machine-readable output')
  .action((opts: { tenant?: string; json?: boolean }) => runAndPrint('tokens.list', opts));
tokens
  .command('revoke')
  .description('revoke a token by id; it stops working at once')
  .argument('<id>', 'token id (see aitl tokens list)')
  .action((id: string) => runAndPrint('tokens.revoke', { id }));

const batches = program.command('batches').description('build, list and pull retraining batches');
batches
  .command('build')
  .description("build the tenant's next retraining batch (waits for it; a progress bar shows on a terminal)")
  .option('--tenant <tenant>', 'tenant', 'default')
  .addOption(new Option('--policy <policy>', 'accumulate: all earlier data; latest-only: only data since the last batch (risky)').choices(['accumulate', 'latest-only']))
  .option('--watermark <seq>', 'include annotations up to this arrival number (default: all)', number('--watermark'))
  .option('--synthetic-cap <share>', 'largest share of synthetic SFT targets (default 0.5)', number('--synthetic-cap'))
  .option('--anchor-share <share>', 'smallest share of human-written SFT targets (default 0.3)', number('--anchor-share'))
  .option('--eval-share <share>', 'share of tickets held out for eval.jsonl (default 0.1)', number('--eval-share'))
  .option('--max-per-ticket <n>', 'most examples per ticket and file (default 20)', number('--max-per-ticket'))
  .option('--seed <seed>', 'seed of the hash-based sampling (default aitl)')
  .option('--json', 'print the manifest')
  .action((opts: BatchBuildArgs) => runAndPrint('batches.build', opts, { progress: terminalProgress() }));
batches
  .command('list')
  .description('list complete batches: number, date, rows per file, warnings')
  .option('--tenant <tenant>', 'tenant', 'default')
  .option('--json', 'machine-readable output')
  .action((opts: { tenant: string; json?: boolean }) => runAndPrint('batches.list', opts));
batches
  .command('pull')
  .description('download every batch not yet in --out over the HTTP API, verified by sha256 (safe from cron)')
  .requiredOption('--out <dir>', 'folder to keep batches in (one batch-NNNN folder each)')
  .option('--server <url>', 'API base URL (default AITL_SERVER_URL, else http://HOST:PORT)')
  .option('--token <token>', 'operator token (default AITL_TOKEN; prefer the variable: arguments show in ps)')
  .action(async (opts: { out: string; server?: string; token?: string }) => {
    const config = loadConfig();
    const server = opts.server ?? config.serverUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    const token = opts.token ?? config.token;
    if (!token) throw new OperationError('an operator token is needed: set AITL_TOKEN or pass --token (create one with: aitl tokens create --role operator --name NAME)');
    const result = await pullBatches({ server, token, out: opts.out, progress: terminalProgress() });
    for (const p of result.pulled) {
      const rows = Object.entries(p.summary.rows).map(([f, n]) => `${f.replace('.jsonl', '')} ${n}`).join(', ');
      process.stdout.write(`pulled batch ${p.summary.number} into ${p.dir} (${rows})\n`);
      for (const w of p.summary.warnings) process.stdout.write(`batch ${p.summary.number}: warning: ${w}\n`);
    }
    if (result.pulled.length === 0) process.stdout.write(`nothing new: ${result.alreadyThere.length} batch(es) already in ${opts.out}\n`);
  });

program
  .command('schema')
  .description('print the contract (annotations, suggestions, sync, batches) as JSON Schema')
  .action(() => {
    process.stdout.write(JSON.stringify(contractJsonSchema(), null, 2) + '\n');
  });

const EXPECTED = [ConfigError, DatabaseUnavailableError, DataDirBusyError, TokenError, OperationError, PullError];

program.parseAsync(process.argv).catch((error: unknown) => {
  if (EXPECTED.some((E) => error instanceof E)) {
    process.stderr.write(`aitl: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`aitl: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
