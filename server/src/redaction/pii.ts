import { OpenRedaction } from '@openredaction/core';
import { detectOwn, namesAVersion } from './detectors';
import { libraryDetector } from './library-detections';
import { libraryPatternsFor } from './library-prefilter';
import { countDigits, type PiiSpan, type PiiType } from './pii-span';

export { PII_TYPES, type PiiSpan, type PiiType } from './pii-span';
export { libraryMightMatch } from './library-prefilter';

/** Recorded in every batch spec: a change here changes what a batch contains. */
export const REDACTION_VERSION = 'openredaction-1.1.5+aitl-2';

/**
 * Library choice, measured on the corpus (244 cases, Nov 2026): @openredaction/core 1.1.5 with all
 * patterns found 64% with 109 false positives (its order/ticket/date patterns); @redactpii/node
 * 54% (US-only phones, no IBAN/IP/secrets); redact-pii 90% but 146 false positives, unmaintained
 * since 2022 and pulls in Google Cloud DLP; @arcjet/redact needs Node >= 22.21. openredaction is
 * MIT, maintained, dependency-free and reports typed spans, which consistent placeholders need.
 *
 * The library's patterns we use, and what each becomes. Chosen on the PII corpus
 * (server/test/fixtures/pii-corpus.jsonl): its national ids and vendor key formats add coverage
 * our detectors lack; its UK/US phone, zip, order, ticket and date patterns are left out because
 * they take order numbers, tracking numbers and dates for PII.
 */
export const LIBRARY_PATTERNS: Record<string, PiiType> = {
  CREDIT_CARD: 'CARD',
  IBAN: 'IBAN',
  SSN: 'NATIONAL_ID',
  NATIONAL_INSURANCE_UK: 'NATIONAL_ID',
  NHS_NUMBER: 'NATIONAL_ID',
  ITIN: 'NATIONAL_ID',
  SIN_CA: 'NATIONAL_ID',
  CANADIAN_SIN: 'NATIONAL_ID',
  SPANISH_DNI: 'NATIONAL_ID',
  GERMAN_TAX_ID: 'NATIONAL_ID',
  SINGAPORE_NRIC: 'NATIONAL_ID',
  PASSPORT_UK: 'NATIONAL_ID',
  PASSPORT_US: 'NATIONAL_ID',
  IPV4: 'IP',
  IPV6: 'IP',
  AWS_ACCESS_KEY: 'SECRET',
  AWS_SECRET_KEY: 'SECRET',
  OPENAI_API_KEY: 'SECRET',
  GOOGLE_API_KEY: 'SECRET',
  STRIPE_API_KEY: 'SECRET',
  GITHUB_TOKEN: 'SECRET',
  SLACK_TOKEN: 'SECRET',
  NPM_TOKEN: 'SECRET',
  JWT_TOKEN: 'SECRET',
  BEARER_TOKEN: 'SECRET',
  PRIVATE_KEY: 'SECRET',
};

const library = new OpenRedaction({ patterns: Object.keys(LIBRARY_PATTERNS), enableCache: false });
const libraryDetections = libraryDetector(library);

/**
 * Where PII is in `text`: the library's findings and ours, overlaps resolved (earliest first, then
 * the longest), in text order.
 */
export async function detectPii(text: string): Promise<PiiSpan[]> {
  if (text.length === 0) return [];
  const digits = countDigits(text);
  const spans = detectOwn(text, true, digits);
  const wanted = libraryPatternsFor(text, digits > 0);
  const found = wanted.length > 0 ? await libraryDetections(text, wanted) : [];
  for (const d of found) {
    const type = LIBRARY_PATTERNS[d.type];
    if (!type || (type === 'IP' && namesAVersion(text, d.position[0]))) continue;
    spans.push({ start: d.position[0], end: d.position[1], type });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PiiSpan[] = [];
  let reach = -1;
  for (const s of spans) {
    if (s.start >= reach && s.end > s.start) {
      kept.push(s);
      reach = s.end;
    }
  }
  return kept;
}

/** The same value always gets the same placeholder within one row, however it is written. */
function normalise(type: PiiType, value: string): string {
  switch (type) {
    case 'EMAIL':
      return value.toLowerCase();
    case 'PHONE':
    case 'CARD':
      return value.replace(/\D/g, '');
    case 'IBAN':
    case 'NATIONAL_ID':
      return value.replace(/[\s-]/g, '').toUpperCase();
    case 'IP':
      return value.toLowerCase();
    default:
      return value;
  }
}

/**
 * Redacts the texts of one batch row: `[EMAIL_1]` stands for the same address everywhere in the
 * row, and numbering restarts with the next row. Counts every placeholder it writes into `counts`.
 */
export class RowRedactor {
  private readonly placeholders = new Map<string, string>();
  private readonly next = new Map<PiiType, number>();

  constructor(private readonly counts: Record<string, number>) {}

  /** `spans` from `detectPii(text)` (callers cache them for texts that repeat, such as articles). */
  apply(text: string, spans: readonly PiiSpan[]): string {
    if (spans.length === 0) return text;
    let out = '';
    let at = 0;
    for (const s of spans) {
      out += text.slice(at, s.start) + this.placeholder(s.type, text.slice(s.start, s.end));
      at = s.end;
    }
    return out + text.slice(at);
  }

  async redact(text: string): Promise<string> {
    return this.apply(text, await detectPii(text));
  }

  private placeholder(type: PiiType, value: string): string {
    const key = `${type}\u0000${normalise(type, value)}`;
    let p = this.placeholders.get(key);
    if (!p) {
      const n = (this.next.get(type) ?? 0) + 1;
      this.next.set(type, n);
      p = `[${type}_${n}]`;
      this.placeholders.set(key, p);
    }
    this.counts[type] = (this.counts[type] ?? 0) + 1;
    return p;
  }
}
