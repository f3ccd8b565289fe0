import os from 'node:os';
import { Piscina } from 'piscina';
import { packTexts, unpackSpans, type PackedTexts } from './pii-packing';
import type { PiiSpan } from './pii-span';

/** Fewest texts per message to a worker, so the message costs little beside the scanning. */
const MIN_TEXTS_PER_TASK = 64;

/**
 * Worker threads that find PII, so a batch build can scan the next page's texts on another core
 * while this one writes files. Pure: the spans of a text do not depend on the thread that found them.
 */
export class PiiPool {
  private readonly pool: Piscina<PackedTexts, Int32Array>;

  constructor(private readonly threads: number) {
    this.pool = new Piscina({ filename: new URL('./pii-worker-entry.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads });
  }

  /** The spans of each text, in the order given. */
  async detect(texts: readonly string[]): Promise<PiiSpan[][]> {
    // Two tasks per thread: every thread busy, and few messages.
    const size = Math.max(MIN_TEXTS_PER_TASK, Math.ceil(texts.length / (2 * this.threads)));
    const tasks: Promise<PiiSpan[][]>[] = [];
    for (let i = 0; i < texts.length; i += size) {
      const part = texts.slice(i, i + size);
      tasks.push(this.pool.run(packTexts(part)).then((packed) => unpackSpans(packed, part.length)));
    }
    return (await Promise.all(tasks)).flat();
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** One thread fewer than the machine has cores (the build's own thread keeps one), at most 3. */
export const defaultRedactionThreads = () => Math.max(0, Math.min(3, os.availableParallelism() - 1));
