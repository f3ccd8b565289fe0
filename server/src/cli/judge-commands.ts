import type { Command } from 'commander';
import type { NumberParser, Run } from './command-types';

/** `aitl judge`: helpfulness scored by a judge model on the frozen eval slice. */
export function registerJudgeCommands(program: Command, run: Run, number: NumberParser): void {
  program
    .command('judge')
    .description('score replies on the frozen eval slice 1–5 by the judge model (AITL_JUDGE_URL, AITL_JUDGE_MODEL) on the published rubric, and compare with the agents\' preferences')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--sample <n>', 'ask about at most this many replies, one judge call each (default AITL_JUDGE_SAMPLE, 200)', number('--sample'))
    .option('--json', 'the run summary as JSON')
    .action((opts: { tenant: string; sample?: number; json?: boolean }) => run('judge.run', opts));
}
