import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { contractJsonSchema } from '../../../lib/contract';
import { AccessError } from '../auth/errors';
import { ROLES } from '../auth/tokens';
import { FILE_FORMATS, SOURCE_FORMATS } from '../knowledge/sources/read-source';
import type { SourceFormat } from '../knowledge/sources/source-article';
import { ConfigError, loadConfig } from '../config';
import { DEMO_KB_DIR, DEMO_TICKETS } from '../demo';
import { KbImportError } from '../knowledge/sources/source-article';
import { GapResolveError } from '../gaps/resolve';
import { withScratchKnowledgeBase } from '../knowledge/scratch-kb';
import type { TicketSplit } from '../knowledge/evaluation';
import { DataDirBusyError, DatabaseUnavailableError } from '../db/database';
import { serve } from '../serve';
import { VERSION } from '../version';
import { PullError, pullBatches } from '../batches/pull';
import type { BuildProgress } from '../batches/build/build-batch';
import { registerGapCommands } from './gap-commands';
import { registerJudgeCommands } from './judge-commands';
import { registerModelCommands } from './model-commands';
import { OperationError } from './operation-error';
import { operations, type BatchBuildArgs, type OperationArgs, type OperationName } from './operations';
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
  AITL_REDACTION_THREADS  worker threads a batch build finds PII on (default: cores - 1, at most 3; 0 = none)
  AITL_SERVER_URL, AITL_TOKEN  server and operator token for aitl batches pull
  AITL_ARMS_FILE   reply arms configuration (JSON); AITL_ARMS for inline JSON; default: two extractive arms
  AITL_ARM_TIMEOUT_MS  time an arm gets before the suggestion goes on without it (default 10000)
  AITL_RERANKER_WEIGHTS  reranker weights file from aitl rerank train (default: the shipped weights)
  AITL_EMBEDDINGS_URL, AITL_EMBEDDINGS_MODEL  optional vector search via an OpenAI-compatible /embeddings endpoint
  AITL_ENROLL_RATE_LIMIT, AITL_ENROLL_ADDRESS_LIMIT, AITL_ENROLL_FAILURE_LIMIT  enrolment budgets (default 60/min, 10/h, 20/15 min)
  AITL_OIDC_ISSUER, AITL_OIDC_CLIENT_ID, AITL_OIDC_TENANT, AITL_OIDC_EMAIL_DOMAINS  company sign-in (OpenID Connect); off by default
  AITL_JUDGE_URL, AITL_JUDGE_MODEL, AITL_JUDGE_API_KEY_ENV  judge model for helpfulness (aitl judge); AITL_JUDGE_EVERY=1d schedules it in aitl serve`,
  );

program
  .command('serve')
  .description('serve the HTTP API (migrates the database first)')
  .option('--demo', 'on an empty database, create the demo tenant and print its tokens; serve the demo helpdesk at /demo/')
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

const collect = (value: string, previous: string[] = []) => [...previous, value];

const enrollment = program.command('enrollment').description('enrollment keys: agents enrol themselves with one (POST /v1/enroll)');
enrollment
  .command('create')
  .description('create an enrollment key for the Chrome policy; it is printed once, as the last line of output')
  .requiredOption('--tenant <tenant>', 'tenant its agents join (created if new)')
  .option('--email-domain <domain>', 'admit emails at this domain (repeat, or separate with commas); none: any address', collect)
  .option('--expires <duration>', 'stop enrolling after this long: 12h, 30d, 8w (default: never)')
  .option('--name <label>', 'what the key is for, e.g. "support team, Lisbon"')
  .action((opts: { tenant: string; emailDomain?: string[]; expires?: string; name?: string }) => runAndPrint('enrollment.create', opts));
enrollment
  .command('list')
  .description('list enrollment keys (never the keys themselves)')
  .option('--tenant <tenant>', 'only this tenant')
  .option('--json', 'machine-readable output')
  .action((opts: { tenant?: string; json?: boolean }) => runAndPrint('enrollment.list', opts));
enrollment
  .command('revoke')
  .description('revoke an enrollment key by id; it enrols nobody from now on')
  .argument('<id>', 'key id (see aitl enrollment list)')
  .action((id: string) => runAndPrint('enrollment.revoke', { id }));

const agents = program.command('agents').description('list, deactivate and re-activate agents');
agents
  .command('list')
  .description('list agents with their tokens, devices and last sync')
  .option('--tenant <tenant>', 'only this tenant')
  .option('--json', 'machine-readable output')
  .action((opts: { tenant?: string; json?: boolean }) => runAndPrint('agents.list', opts));
agents
  .command('deactivate')
  .description("revoke all of an agent's tokens at once and refuse their enrolment until re-activated")
  .argument('<agent>', 'the agent (their email, for enrolled agents)')
  .option('--tenant <tenant>', 'tenant', 'default')
  .action((agent: string, opts: { tenant: string }) => runAndPrint('agents.deactivate', { agent, tenant: opts.tenant }));
agents
  .command('reactivate')
  .description('let a deactivated agent enrol again (their old tokens stay revoked)')
  .argument('<agent>', 'the agent (their email, for enrolled agents)')
  .option('--tenant <tenant>', 'tenant', 'default')
  .action((agent: string, opts: { tenant: string }) => runAndPrint('agents.reactivate', { agent, tenant: opts.tenant }));

program
  .command('audit')
  .description('access events, newest first: enrolments (granted, refused, throttled), sign-ins, tokens, keys, agents')
  .option('--tenant <tenant>', 'only this tenant (default: all, and attempts with unknown keys)')
  .option('--limit <n>', 'how many (default 50, at most 500)', number('--limit'))
  .option('--json', 'machine-readable output')
  .action((opts: { tenant?: string; limit?: number; json?: boolean }) => runAndPrint('audit.list', opts));

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
const kb = program.command('kb').description('import and inspect knowledge bases');
kb.command('import')
  .description('import a Zendesk Help Center export (JSON), a folder of Markdown files, a CSV, or the articles of a Request Tracker (--format rt); re-imports update and retire')
  .argument('[path]', 'file or folder to import (not with --format rt)')
  .option('--tenant <tenant>', 'tenant (created if new)', 'default')
  .option('--source <name>', 'name of this knowledge base within the tenant (default: the format); a re-import of a source replaces it')
  .addOption(new Option('--format <format>', 'format, when it cannot be told from the file names').choices(SOURCE_FORMATS))
  .option('--url <url>', "with --format rt: RT's web address, e.g. https://rt.example.com")
  .option('--token-env <variable>', 'with --format rt: the environment variable holding an RT REST 2 auth token (kept out of the shell history)')
  .option('--json', 'machine-readable output')
  .action((target: string | undefined, opts: { tenant: string; source?: string; format?: SourceFormat; url?: string; tokenEnv?: string; json?: boolean }) => {
    const { url, tokenEnv, ...rest } = opts;
    if (opts.format !== 'rt') {
      if (!target) throw new OperationError('name the file or folder to import (or use --format rt --url URL --token-env VARIABLE)');
      return runAndPrint('kb.import', { path: path.resolve(target), ...rest });
    }
    if (target) throw new OperationError('--format rt reads the articles from RT itself: drop the path, pass --url and --token-env');
    if (!url || !tokenEnv) throw new OperationError('--format rt needs --url (RT\'s web address) and --token-env (the variable holding a REST 2 auth token)');
    const token = process.env[tokenEnv]?.trim();
    if (!token) throw new OperationError(`${tokenEnv} is not set: create an auth token in RT (Logged in as → Settings → Auth Tokens) and export ${tokenEnv}=<token>`);
    return runAndPrint('kb.import', { rt: { url, token }, ...rest });
  });
kb.command('status')
  .description("show a tenant's knowledge base: version, sources, live and retired articles")
  .option('--tenant <tenant>', 'tenant', 'default')
  .option('--json', 'machine-readable output')
  .action((opts: { tenant: string; json?: boolean }) => runAndPrint('kb.status', opts));
kb.command('embed')
  .description('compute missing article vectors for vector search (AITL_EMBEDDINGS_URL, AITL_EMBEDDINGS_MODEL); imports do this too')
  .option('--tenant <tenant>', 'tenant', 'default')
  .action((opts: { tenant: string }) => runAndPrint('kb.embed', opts));

const SPLITS = ['all', 'training', 'held-out'] as const satisfies readonly TicketSplit[];
interface KbChoice {
  tickets?: string;
  tenant?: string;
  kb?: string;
  format?: SourceFormat;
  split: TicketSplit;
}

/**
 * Runs an evaluation-like operation against a tenant's knowledge base in the configured database
 * (--tenant), or against a knowledge base read from files into a throwaway database (--kb, by
 * default the demo help centre), so `aitl eval` works out of the box.
 */
async function onKnowledgeBase<N extends 'eval' | 'rerank.train'>(name: N, opts: KbChoice, extra: Omit<OperationArgs<N>, 'tickets' | 'tenant' | 'split' | 'label'>) {
  const tickets = path.resolve(opts.tickets ?? DEMO_TICKETS);
  if (opts.tenant && opts.kb) throw new OperationError('use --tenant (a knowledge base in the database) or --kb (files), not both');
  if (opts.tenant) return runAndPrint(name, { ...extra, tickets, tenant: opts.tenant, split: opts.split } as OperationArgs<N>);
  const kbPath = path.resolve(opts.kb ?? DEMO_KB_DIR);
  const config = loadConfig();
  const output = await withScratchKnowledgeBase(kbPath, opts.format, (db, tenant) => {
    const run = operations[name] as (ctx: { db: typeof db; config: typeof config }, args: OperationArgs<N>) => Promise<string>;
    return run({ db, config }, { ...extra, tickets, tenant, split: opts.split, label: `knowledge base ${kbPath}`, embed: true } as OperationArgs<N>);
  });
  process.stdout.write(output);
}

const kbOptions = (command: Command) =>
  command
    .option('--tickets <file>', 'labelled tickets, JSONL: {"ticketId","subject","messages":[{"role","text"}],"relevant":[external ids]} (default: the demo tickets)')
    .option('--tenant <tenant>', "use this tenant's knowledge base in the database")
    .option('--kb <path>', 'use a knowledge base read from these files instead (default: the demo help centre)')
    .addOption(new Option('--format <format>', 'format of --kb, when it cannot be told from the file names').choices(FILE_FORMATS))
    .addOption(new Option('--split <split>', 'which tickets: all, or the training / held-out split by hashed ticket id').choices(SPLITS).default('all'));

kbOptions(
  program
    .command('eval')
    .description('recall@75 and precision@8 of retrieval and reranking on labelled tickets, with the component versions'),
)
  .option('--json', 'one JSON object: {"recall@75", "precision@8", "tickets", "versions"} (+ "baseline" with --baseline bm25)')
  .addOption(new Option('--baseline <name>', 'compare with plain BM25 on the same tickets (default: bm25 in the readable output, none with --json)').choices(['bm25', 'none']))
  .action((opts: KbChoice & { json?: boolean; baseline?: 'bm25' | 'none' }) => onKnowledgeBase('eval', opts, { json: opts.json, baseline: opts.baseline }));

const rerank = program.command('rerank').description('the second-stage reranker');
kbOptions(
  rerank
    .command('train')
    .description('fit reranker weights on labelled tickets and write them to a file (use with AITL_RERANKER_WEIGHTS)'),
)
  .requiredOption('--out <file>', 'where to write the weights (JSON)')
  .requiredOption('--name <version>', 'the reranker version impressions will record, e.g. rerank-lr-2')
  .action((opts: KbChoice & { out: string; name: string }) => onKnowledgeBase('rerank.train', opts, { out: path.resolve(opts.out), version: opts.name }));

program
  .command('schema')
  .description('print the contract (annotations, suggestions, sync, batches) as JSON Schema')
  .action(() => {
    process.stdout.write(JSON.stringify(contractJsonSchema(), null, 2) + '\n');
  });

registerModelCommands(program, runAndPrint, number);
registerGapCommands(program, runAndPrint, number);
registerJudgeCommands(program, runAndPrint, number);

const EXPECTED = [ConfigError, DatabaseUnavailableError, DataDirBusyError, AccessError, OperationError, KbImportError, PullError, GapResolveError];

program.parseAsync(process.argv).catch((error: unknown) => {
  if (EXPECTED.some((E) => error instanceof E)) {
    process.stderr.write(`aitl: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`aitl: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
