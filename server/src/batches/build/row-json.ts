import type { RowRedactor } from '../../redaction/pii';
import type { PromptParts } from '../examples/prompt';
import { assistantJson, pushPromptJson, type JsonPieces } from '../examples/prompt-json';

/**
 * The rows with a prompt, as the JSON text `JSON.stringify` makes of `{ prompt, chosen, rejected }`,
 * `{ prompt, completion, label }` and `{ messages }`, the prompt's redacted first (its placeholders
 * come first): the prompt is copied in as the bytes it was encoded to for the row before.
 */
export function promptRow(parts: PromptParts, r: RowRedactor, head: string): JsonPieces {
  const out: JsonPieces = [head];
  pushPromptJson(out, parts, r);
  return out;
}
export const dpoJson = (row: JsonPieces, chosen: string, rejected: string) => (row.push(`],"chosen":[${assistantJson(chosen)}],"rejected":[${assistantJson(rejected)}]}`), row);
export const ktoJson = (row: JsonPieces, completion: string, label: boolean) => (row.push(`],"completion":[${assistantJson(completion)}],"label":${label}}`), row);
export const sftJson = (row: JsonPieces, reply: string) => (row.push(`,${assistantJson(reply)}]}`), row);
