import path from 'node:path';
import type { Command } from 'commander';
import type { NumberParser, Run } from './command-types';

/** `aitl models …`: one turn of the flywheel, the versions, and promotion by hand. */
export function registerModelCommands(program: Command, run: Run, number: NumberParser): void {
  const models = program.command('models').description('retrain, list, promote and roll back the retrieval models learned from feedback');
  models
    .command('retrain')
    .description("one turn: train candidates on all feedback so far, compare with what serves on the frozen eval slice, promote through the gate")
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--tickets <file>', 'also judge on these labelled tickets (JSONL, as aitl eval reads)')
    .option('--min-eval <n>', 'fewest eval tickets a decision may rest on (default 15)', number('--min-eval'))
    .option('--min-gain <x>', 'how much better a metric must be to count (default 0)', number('--min-gain'))
    .option('--max-loss <x>', 'how much worse a metric may be and still count as no worse (default 0)', number('--max-loss'))
    .option('--json', 'the last line is the result as JSON: {promoted, reason, current, candidate, ...}')
    .action((opts: { tenant: string; tickets?: string; minEval?: number; minGain?: number; maxLoss?: number; json?: boolean }) =>
      run('models.retrain', { ...opts, ...(opts.tickets && { tickets: path.resolve(opts.tickets) }) }),
    );
  models
    .command('list')
    .description('model versions with their eval results, what serves now, and who promoted what')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--json', 'machine-readable output')
    .action((opts: { tenant: string; json?: boolean }) => run('models.list', opts));
  models
    .command('promote')
    .argument('<version>', 'a version from aitl models list')
    .description('make a stored version serve (every replica within a second)')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--reason <text>', 'why, for the history')
    .action((version: string, opts: { tenant: string; reason?: string }) => run('models.promote', { ...opts, version }));
  models
    .command('rollback')
    .description('return retriever and reranker to what served before the last change')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--reason <text>', 'why, for the history')
    .action((opts: { tenant: string; reason?: string }) => run('models.rollback', opts));
}
