import os from 'node:os';
import { Piscina } from 'piscina';
import { packTexts, unpackSpans, type PackedTexts } from './pii-packing';
import type { PiiSpan } from './pii-span';

/** Fewest texts per message to a worker, so the message costs little beside the scanning. */
const MIN_TEXTS_PER_TASK = 64;

/**
 * How many of the texts sent last are remembered with their answer. A build asks again for a text
 * it asked for a few texts before (the phases running side by side scan the same arm replies, and
 * the build's own cache keeps only long texts): in the 100k bench build 46% of the texts asked for
 * were among the 256 before them.
 */
const RECENT_TEXTS = 4096;

/** A text sent to a thread: its task's answer, and its spans once that is in. */
interface Sent {
  answer?: Promise<void>;
  spans?: PiiSpan[];
}

/**
 * Worker threads that find PII, so a batch build can scan the next page's texts on another core
 * while this one writes files. Pure: the spans of a text do not depend on the thread that found them,
 * nor on whether they were found for an earlier call.
 */
export class PiiPool {
  private readonly pool: Piscina<PackedTexts, Int32Array>;
  // Remembered here rather than on the threads: the build has already looked these strings up in
  // its own maps, so their hashes are cached on this thread, and a repeat is neither copied nor scanned.
  private readonly recent = new Map<string, Sent>();
  /** The remembered texts in the order they came, so the oldest is dropped without iterating the Map. */
  private readonly order: string[] = new Array(RECENT_TEXTS);
  private oldest = 0;

  constructor(private readonly threads: number) {
    this.pool = new Piscina({ filename: new URL('./pii-worker-entry.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads });
  }

  /** The spans of each text, in the order given. */
  async detect(texts: readonly string[]): Promise<PiiSpan[][]> {
    const todo: string[] = [];
    const fresh: Sent[] = [];
    const sent = texts.map((text) => {
      let s = this.recent.get(text);
      if (!s) {
        s = {};
        todo.push(text);
        fresh.push(s);
        this.remember(text, s);
      }
      return s;
    });
    // Two tasks per thread: every thread busy, and few messages.
    const size = Math.max(MIN_TEXTS_PER_TASK, Math.ceil(todo.length / (2 * this.threads)));
    for (let i = 0; i < todo.length; i += size) {
      const part = fresh.slice(i, i + size);
      const partTexts = todo.slice(i, i + size);
      const answer = this.pool.run(packTexts(partTexts)).then(
        (packed) => {
          const spans = unpackSpans(packed, part.length);
          part.forEach((s, k) => (s.spans = spans[k]));
        },
        (error: unknown) => {
          // Not remembered as failed: a later call sends these texts again.
          partTexts.forEach((text, k) => this.recent.get(text) === part[k] && this.recent.delete(text));
          throw error;
        },
      );
      for (const s of part) s.answer = answer;
    }
    // Each task once; a text's spans are set when its task's answer is in.
    await Promise.all(new Set(sent.map((s) => s.answer)));
    return sent.map((s) => s.spans!);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private remember(text: string, s: Sent): void {
    if (this.recent.size >= RECENT_TEXTS) this.recent.delete(this.order[this.oldest]!);
    this.recent.set(text, s);
    this.order[this.oldest] = text;
    this.oldest = (this.oldest + 1) % RECENT_TEXTS;
  }
}

/** One thread fewer than the machine has cores (the build's own thread keeps one), at most 3. */
export const defaultRedactionThreads = () => Math.max(0, Math.min(3, os.availableParallelism() - 1));
