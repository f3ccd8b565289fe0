import path from 'node:path';
import { Command, Option } from 'commander';
import { contractJsonSchema } from '../../../lib/contract';
import { ROLES, TokenError } from '../auth/tokens';
import { SOURCE_FORMATS } from '../knowledge/sources/read-source';
import type { SourceFormat } from '../knowledge/sources/source-article';
import { ConfigError, loadConfig } from '../config';
import { DataDirBusyError, DatabaseUnavailableError } from '../db/database';
import { serve } from '../serve';
import { VERSION } from '../version';
import { OperationError, type OperationArgs, type OperationName } from './operations';
import { runOperation } from './run-operation';

async function runAndPrint<N extends OperationName>(name: N, args: OperationArgs<N>) {
  process.stdout.write(await runOperation(loadConfig(), name, args));
}

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
  AITL_ARMS_FILE   reply arms configuration (JSON); AITL_ARMS for inline JSON; default: two extractive arms
  AITL_ARM_TIMEOUT_MS  time an arm gets before the suggestion goes on without it (default 10000)
  AITL_RERANKER_WEIGHTS  reranker weights file from aitl rerank train (default: the shipped weights)`,
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

const kb = program.command('kb').description('import and inspect knowledge bases');
kb.command('import')
  .description('import a Zendesk Help Center export (JSON), a folder of Markdown files or a CSV; re-imports update and retire')
  .argument('<path>', 'file or folder to import')
  .option('--tenant <tenant>', 'tenant (created if new)', 'default')
  .option('--source <name>', 'name of this knowledge base within the tenant (default: the format); a re-import of a source replaces it')
  .addOption(new Option('--format <format>', 'format, when it cannot be told from the file names').choices(SOURCE_FORMATS))
  .option('--json', 'machine-readable output')
  .action((target: string, opts: { tenant: string; source?: string; format?: SourceFormat; json?: boolean }) =>
    runAndPrint('kb.import', { path: path.resolve(target), ...opts }),
  );
kb.command('status')
  .description("show a tenant's knowledge base: version, sources, live and retired articles")
  .option('--tenant <tenant>', 'tenant', 'default')
  .option('--json', 'machine-readable output')
  .action((opts: { tenant: string; json?: boolean }) => runAndPrint('kb.status', opts));

program
  .command('schema')
  .description('print the contract (annotations, suggestions, sync) as JSON Schema')
  .action(() => {
    process.stdout.write(JSON.stringify(contractJsonSchema(), null, 2) + '\n');
  });

const EXPECTED = [ConfigError, DatabaseUnavailableError, DataDirBusyError, TokenError, OperationError];

program.parseAsync(process.argv).catch((error: unknown) => {
  if (EXPECTED.some((E) => error instanceof E)) {
    process.stderr.write(`aitl: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`aitl: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
