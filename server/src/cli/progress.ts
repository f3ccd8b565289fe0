import cliProgress from 'cli-progress';
import type { BuildProgress } from '../batches/build/build-batch';

/**
 * A progress bar on stderr, only when stderr is a terminal: cron jobs and pipes get clean output.
 * Returns undefined otherwise, and callers report nothing.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): BuildProgress | undefined {
  if (!stream.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream, format: '{phase} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const finish = () => {
    // A phase is over when the next begins: show it complete (counts may be estimates).
    bar.update(bar.getTotal());
    bar.stop();
  };
  return {
    phase(name, total) {
      if (started) finish();
      bar.start(Math.max(total, 1), 0, { phase: name.padEnd(24) });
      started = true;
    },
    advance(n) {
      bar.increment(n);
    },
    done() {
      if (started) finish();
      started = false;
    },
  };
}
