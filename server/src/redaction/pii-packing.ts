import { PII_TYPES, type PiiSpan } from './pii-span';

/**
 * The messages between the build and its PII threads, packed so that a page of texts costs two
 * copies instead of a structured clone of thousands of strings and span objects: the texts go as
 * one string with their lengths, the spans come back as one Int32Array (transferred, not copied)
 * of `count, (start, end, type)*` per text.
 */
export interface PackedTexts {
  joined: string;
  lengths: Uint32Array;
}

export function packTexts(texts: readonly string[]): PackedTexts {
  const lengths = new Uint32Array(texts.length);
  texts.forEach((t, i) => (lengths[i] = t.length));
  return { joined: texts.join(''), lengths };
}

export function unpackTexts({ joined, lengths }: PackedTexts): string[] {
  const texts: string[] = [];
  let at = 0;
  for (const n of lengths) {
    texts.push(joined.slice(at, at + n));
    at += n;
  }
  return texts;
}

const TYPE_INDEX = new Map(PII_TYPES.map((t, i) => [t, i]));

export function packSpans(found: readonly (readonly PiiSpan[])[]): Int32Array {
  let size = found.length;
  for (const spans of found) size += spans.length * 3;
  const out = new Int32Array(size);
  let k = 0;
  for (const spans of found) {
    out[k++] = spans.length;
    for (const s of spans) {
      out[k++] = s.start;
      out[k++] = s.end;
      out[k++] = TYPE_INDEX.get(s.type)!;
    }
  }
  return out;
}

/** No spans, shared: most texts have none, and spans are only ever read. */
const NONE: PiiSpan[] = [];

export function unpackSpans(packed: Int32Array, texts: number): PiiSpan[][] {
  const out: PiiSpan[][] = [];
  let k = 0;
  for (let i = 0; i < texts; i++) {
    const n = packed[k++]!;
    if (n === 0) {
      out.push(NONE);
      continue;
    }
    const spans: PiiSpan[] = [];
    for (let j = 0; j < n; j++, k += 3) spans.push({ start: packed[k]!, end: packed[k + 1]!, type: PII_TYPES[packed[k + 2]!]! });
    out.push(spans);
  }
  if (k !== packed.length) throw new Error(`PII thread answered ${packed.length} numbers for ${texts} texts; expected ${k}`);
  return out;
}
