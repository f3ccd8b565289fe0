import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_GAP_SIMILARITY, parseGapSimilarity } from '../gaps/clusters';
import type { NumberParser, Run } from './command-types';

/** `aitl gaps …`: the knowledge-gap queue. */
export function registerGapCommands(program: Command, run: Run, number: NumberParser): void {
  const gaps = program.command('gaps').description("the knowledge-gap queue: agents' missing-knowledge reports, numbered, and the articles that close them");
  gaps
    .command('list')
    .description('list knowledge gaps, oldest first: what is missing, the ticket, who reported it, what was shown, what closed it')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--open', 'only gaps no article closes yet')
    .option('--json', 'machine-readable output')
    .action((opts: { tenant: string; open?: boolean; json?: boolean }) => run('gaps.list', opts));
  gaps
    .command('clusters')
    .description('the queue grouped by what is missing (as GET /v1/gaps/clusters and the dashboard): open clusters first, then the most reported')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--similarity <s>', `how alike two reports must be to share a cluster, 0.1 to 1 (default ${DEFAULT_GAP_SIMILARITY}, as a batch build)`, similarityFlag)
    .option('--json', 'machine-readable output: the GapClusterList of the API')
    .action((opts: { tenant: string; similarity?: number; json?: boolean }) => run('gaps.clusters', opts));
  gaps
    .command('resolve')
    .description('close a gap with the live article that answers it (or write closes_gaps: [GAP] in its front matter and import)')
    .argument('<gap>', 'gap number (see aitl gaps list)', number('GAP'))
    .requiredOption('--article <external-id>', "the article's id in its source (front-matter id, CSV id, Zendesk article id)")
    .option('--source <name>', 'the source of the article, when several sources use that id')
    .option('--tenant <tenant>', 'tenant', 'default')
    .action((gap: number, opts: { article: string; source?: string; tenant: string }) => run('gaps.resolve', { gap, ...opts }));
}

function similarityFlag(value: string): number {
  try {
    return parseGapSimilarity(value, '--similarity');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
