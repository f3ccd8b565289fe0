import type { RowRedactor } from '../../redaction/pii';
import type { PromptParts } from './prompt';
import type { Scanned } from './row-redaction';

/**
 * A JSONL row as pieces: JSON text, or the UTF-8 bytes of JSON text, written one after another
 * (BatchFileWriter.writePieces). Rows of one impression share its prompt, and articles recur
 * across impressions, so the JSON of a text that needs no redaction is made once and copied.
 */
export type JsonPieces = (string | Buffer)[];

/** JSON-escaped UTF-8 of a text without PII, without quotes, kept on the scanned object (shared by every row of a prompt, and an article section's by every impression). */
type Encoded = Scanned & { json?: Buffer };

const inner = (text: string) => JSON.stringify(text).slice(1, -1);
/** A lone low surrogate would pair with a high one ending the text before it in the joined string, and JSON.stringify would then keep both as they are instead of escaping each. */
const startsLowSurrogate = (text: string) => {
  const c = text.charCodeAt(0);
  return c >= 0xdc00 && c <= 0xdfff;
};

/**
 * Pushes the prompt's messages as JSON objects separated by commas (no brackets): the same text as
 * `JSON.stringify(promptMessages(parts, row))` without its `[` and `]`, with the row's placeholders
 * given in the same order.
 */
export function pushPromptJson(out: JsonPieces, parts: PromptParts, row: RowRedactor): void {
  pushMessage(out, 'system', parts.system, row);
  for (const t of parts.turns) {
    out.push(',');
    pushMessage(out, t.role, t.texts, row);
  }
}

function pushMessage(out: JsonPieces, role: 'system' | 'user' | 'assistant', texts: readonly Scanned[], row: RowRedactor): void {
  // Redacted in order, as promptMessages does, so placeholders are numbered the same.
  const applied = texts.map((s) => (s.spans.length === 0 ? null : row.apply(s.text, s.spans)));
  const joinsPair = texts.some((s, i) => i > 0 && startsLowSurrogate(applied[i] ?? s.text));
  if (joinsPair) {
    out.push(`{"role":"${role}","content":${JSON.stringify(texts.map((s, i) => applied[i] ?? s.text).join(''))}}`);
    return;
  }
  out.push(`{"role":"${role}","content":"`);
  for (const [i, s] of texts.entries()) {
    const redacted = applied[i];
    if (redacted !== null && redacted !== undefined) {
      out.push(inner(redacted));
      continue;
    }
    const e = s as Encoded;
    out.push((e.json ??= Buffer.from(inner(s.text), 'utf8')));
  }
  out.push('"}');
}

/** `{ role: 'assistant', content }` as JSON. */
export const assistantJson = (content: string) => `{"role":"assistant","content":${JSON.stringify(content)}}`;
