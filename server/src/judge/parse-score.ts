import { z } from 'zod';
import { describeIssues } from '../../../lib/contract';

/** A judge's verdict on one reply: a score on the rubric, or why there is none. Never both. */
export type JudgeVerdict = { ok: true; score: number; reason: string } | { ok: false; failure: string };

const Verdict = z.object({
  score: z.int('must be there, as a whole number').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
  reason: z.string('must be there, as text').trim().min(1, 'must say why').max(2_000),
});

const FAILURE_CHARS = 300;
const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
const failure = (text: string): JudgeVerdict => ({ ok: false, failure: text.slice(0, FAILURE_CHARS) });

/**
 * Reads a chat completion's answer as a verdict. Anything else (no message, prose, a score of 0
 * or 3.5 or "4", no reason) is a failure with its reason, never a guessed score: a made-up
 * number would be worse than none. A JSON object inside one ```json fence is accepted, since
 * many models add one even when told not to.
 */
export function parseJudgeAnswer(body: unknown): JudgeVerdict {
  const content = (body as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') return failure('the answer has no choices[0].message.content');
  const trimmed = content.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  const jsonText = fenced ? fenced[1]!.trim() : trimmed;
  let value: unknown;
  try {
    value = JSON.parse(jsonText);
  } catch {
    return failure(`the judge did not answer JSON: ${quote(trimmed)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return failure(`the judge answered JSON that is not an object: ${quote(trimmed)}`);
  const parsed = Verdict.safeParse(value);
  if (!parsed.success) return failure(`the judge's answer does not fit the rubric's format: ${describeIssues(parsed.error)}`);
  return { ok: true, score: parsed.data.score, reason: parsed.data.reason };
}
