import { detectPii, RowRedactor, type PiiSpan } from '../../redaction/pii';
import type { PiiPool } from '../../redaction/pii-pool';
import { textCache } from './text-cache';

/** A text of a row with its PII spans (found once per distinct text, see Redaction). */
export interface Scanned {
  text: string;
  spans: PiiSpan[];
}

/** Texts longer than this are cached by content (passages and arm replies repeat); shorter ones are cheap to scan again. */
const CACHED_CHARS = 200;

/** Spans being found on a worker thread: the `index`th result of `found`. */
interface Ahead {
  found: Promise<PiiSpan[][]>;
  index: number;
}

/**
 * Scans texts for PII, caching the ones that repeat across rows (ticket threads, articles, arm
 * replies). With a pool, `prescan` has the texts of the next page scanned on other threads while
 * this one works through the current page; `scan` then takes those spans, which are the same as
 * its own would be, so the output does not depend on threads.
 */
export class Redaction {
  /** The current page's and the next page's texts sent to the pool (older pages are dropped). */
  private readonly ahead: Map<string, Ahead>[] = [];

  constructor(
    private readonly pool: PiiPool | null = null,
    readonly counts: Record<string, number> = {},
    // Keyed by the text itself; at most ~16M characters of keys (~32 MB) are kept.
    private readonly cache = textCache<PiiSpan[]>(8000, 16_000_000, (text) => text.length),
  ) {}

  /**
   * One for a phase that runs beside this one's: the same threads, cache and counts, but its own
   * pages ahead (each phase keeps only its last two, and would drop the other's).
   */
  sibling(): Redaction {
    return new Redaction(this.pool, this.counts, this.cache);
  }

  /** Starts scanning the texts a coming page will need on the pool's threads (without a pool, nothing). */
  prescan(texts: Iterable<string>): void {
    if (!this.pool) return;
    const page = new Map<string, Ahead>();
    const todo: string[] = [];
    for (const text of texts) {
      if (text.length === 0 || page.has(text) || this.cache.has(text)) continue;
      const earlier = this.aheadOf(text);
      if (earlier) page.set(text, earlier);
      else todo.push(text);
    }
    if (todo.length > 0) {
      const found = this.pool.detect(todo);
      found.catch(() => {}); // awaited by `scan`; a page never reached must not be an unhandled rejection
      todo.forEach((text, index) => page.set(text, { found, index }));
    }
    this.ahead.push(page);
    if (this.ahead.length > 2) this.ahead.shift();
  }

  /** `cache: false` for texts not worth keeping (short or one-off); one already kept is still used. */
  async scan(text: string, cache = true): Promise<Scanned> {
    // Looked up whatever `cache` says: `prescan` skips texts the cache holds, so a short text kept
    // earlier (a ticket line that is also a reply) would otherwise be scanned again on this thread.
    let spans = this.cache.get(text);
    if (!spans) {
      const ahead = this.aheadOf(text);
      spans = ahead ? (await ahead.found)[ahead.index]! : await detectPii(text);
      if (cache) this.cache.set(text, spans);
    }
    return { text, spans };
  }

  /** A redactor for one row: placeholders are consistent within it and restart for the next. */
  row(): RowRedactor {
    return new RowRedactor(this.counts);
  }

  /** `text` redacted with the row's placeholders. */
  async redact(row: RowRedactor, text: string): Promise<string> {
    return row.apply(text, (await this.scan(text, text.length > CACHED_CHARS)).spans);
  }

  private aheadOf(text: string): Ahead | undefined {
    for (let i = this.ahead.length - 1; i >= 0; i--) {
      const a = this.ahead[i]!.get(text);
      if (a) return a;
    }
    return undefined;
  }
}

/**
 * Pages passed on one behind the source: each page's texts go to `redaction.prescan` as soon as it
 * arrives, while the page before it is being worked on.
 */
export async function* scannedAhead<T>(pages: AsyncIterable<T[]>, redaction: Redaction, texts: (item: T) => Iterable<string>): AsyncGenerator<T[]> {
  let current: T[] | null = null;
  for await (const page of pages) {
    redaction.prescan(page.flatMap((item) => [...texts(item)]));
    if (current) yield current;
    current = page;
  }
  if (current) yield current;
}
