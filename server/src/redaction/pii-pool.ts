import os from 'node:os';
import { Piscina } from 'piscina';
import type { PiiSpan } from './pii-span';

/** Texts per message to a worker: enough to pay for the message, few enough to spread across threads. */
const TEXTS_PER_TASK = 64;

/**
 * Worker threads that find PII, so a batch build can scan the next page's texts on another core
 * while this one writes files. Pure: the spans of a text do not depend on the thread that found them.
 */
export class PiiPool {
  private readonly pool: Piscina<string[], PiiSpan[][]>;

  constructor(threads: number) {
    this.pool = new Piscina({ filename: new URL('./pii-worker-entry.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads });
  }

  /** The spans of each text, in the order given. */
  async detect(texts: readonly string[]): Promise<PiiSpan[][]> {
    const tasks: Promise<PiiSpan[][]>[] = [];
    for (let i = 0; i < texts.length; i += TEXTS_PER_TASK) tasks.push(this.pool.run(texts.slice(i, i + TEXTS_PER_TASK)));
    return (await Promise.all(tasks)).flat();
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** One thread fewer than the machine has cores (the build's own thread keeps one), at most 3. */
export const defaultRedactionThreads = () => Math.max(0, Math.min(3, os.availableParallelism() - 1));
