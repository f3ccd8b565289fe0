import type { BatchOutput } from './batch-output';
import type { BuildContext } from './build-context';
import { Checkpoint, HeldProgress, type BuildProgress } from './checkpoint';
import { DeferredRows } from './deferred-rows';
import { retrievalFiles } from './retrieval-files';

/** The relevance phase started now, finished (its held-back rows written) by `finish`. */
export interface RelevanceBeside {
  /** Call once the phases before it are done: reports its progress, waits for it and writes its eval and sources rows. */
  finish(): Promise<void>;
  /** Stops it (a phase beside it failed) and waits until it has. */
  abandon(): Promise<void>;
}

/**
 * The relevance phase (retrieval_triplets, rerank_pairs, relevance eval) run beside the replies
 * pass and the SFT rows instead of after them. They read different annotations and keep their own
 * gates, and while one waits on Postgres or the PII thread the other works. What the two share is
 * made safe: rows of the shared files are held back (DeferredRows), the relevance phase has its
 * own pages ahead and loaded articles (siblings sharing the caches), and its progress is reported
 * when the phases before it are done. Every other note it takes is a count or a set.
 */
export function relevanceBeside(
  ctx: BuildContext,
  output: BatchOutput,
  /** Where the build reports progress, and its own checkpoint for this phase (with `stop` beside the build's signal). */
  progressTarget: BuildProgress | undefined,
  checkpoint: (progress: BuildProgress, stop: AbortSignal) => Checkpoint,
): RelevanceBeside {
  const progress = new HeldProgress();
  const stop = new AbortController();
  const rows = new DeferredRows(output, ctx.notes, ['rerank_pairs.jsonl', 'retrieval_triplets.jsonl']);
  const done = retrievalFiles({
    ...ctx,
    knowledge: ctx.knowledge.sibling(),
    redaction: ctx.redaction.sibling(),
    output: rows,
    checkpoint: checkpoint(progress, stop.signal),
  });
  done.catch(() => {}); // awaited by finish or abandon
  return {
    async finish() {
      try {
        progress.release(progressTarget);
        await done;
        await rows.flush();
      } finally {
        await rows.close();
      }
    },
    async abandon() {
      stop.abort();
      await done.catch(() => {});
      await rows.close();
    },
  };
}
