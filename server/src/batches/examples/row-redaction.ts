import { detectPii, RowRedactor, type PiiSpan } from '../../redaction/pii';
import { textCache } from './text-cache';

/** A text of a row with its PII spans (found once per distinct text, see Redaction). */
export interface Scanned {
  text: string;
  spans: PiiSpan[];
}

/** Texts longer than this are cached by content (passages and arm replies repeat); shorter ones are cheap to scan again. */
const CACHED_CHARS = 200;

/** Scans texts for PII, caching the ones that repeat across rows (ticket threads, articles, arm replies). */
export class Redaction {
  readonly counts: Record<string, number> = {};
  // Keyed by the text itself; at most ~16M characters of keys (~32 MB) are kept.
  private readonly cache = textCache<PiiSpan[]>(8000, 16_000_000, (text) => text.length);

  async scan(text: string, cache = true): Promise<Scanned> {
    if (!cache) return { text, spans: await detectPii(text) };
    let spans = this.cache.get(text);
    if (!spans) {
      spans = await detectPii(text);
      this.cache.set(text, spans);
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
}
