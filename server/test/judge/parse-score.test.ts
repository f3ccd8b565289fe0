import { describe, expect, it } from 'vitest';
import { parseJudgeAnswer } from '../../src/judge/parse-score';

const answer = (content: unknown) => ({ choices: [{ message: { role: 'assistant', content } }] });

describe('parseJudgeAnswer', () => {
  it('reads a whole-number score of 1 to 5 with its reason', () => {
    expect(parseJudgeAnswer(answer('{"score": 4, "reason": "Correct, a little long."}'))).toEqual({ ok: true, score: 4, reason: 'Correct, a little long.' });
    expect(parseJudgeAnswer(answer(' {"score":1,"reason":"invents a refund","extra":true} '))).toEqual({ ok: true, score: 1, reason: 'invents a refund' });
    expect(parseJudgeAnswer(answer('```json\n{"score": 5, "reason": "ready"}\n```'))).toEqual({ ok: true, score: 5, reason: 'ready' });
    expect(parseJudgeAnswer(answer('```\n{"score": 2, "reason": "generic"}```'))).toEqual({ ok: true, score: 2, reason: 'generic' });
  });

  it.each([
    ['prose', answer('Score: 4. The reply is good.'), /did not answer JSON: "Score: 4/],
    ['JSON after prose', answer('Here you go: {"score": 4, "reason": "ok"}'), /did not answer JSON/],
    ['an array', answer('[4, "ok"]'), /JSON that is not an object/],
    ['a bare number', answer('4'), /JSON that is not an object/],
    ['score 0', answer('{"score": 0, "reason": "bad"}'), /score: must be 1 to 5/],
    ['score 6', answer('{"score": 6, "reason": "great"}'), /score: must be 1 to 5/],
    ['score 3.5', answer('{"score": 3.5, "reason": "between"}'), /score: must be there, as a whole number/],
    ['score as text', answer('{"score": "4", "reason": "ok"}'), /score: must be there, as a whole number/],
    ['no score', answer('{"reason": "ok"}'), /score: must be there/],
    ['no reason', answer('{"score": 4}'), /reason: must be there, as text/],
    ['a blank reason', answer('{"score": 4, "reason": "  "}'), /reason: must say why/],
    ['no content', { choices: [{ message: { role: 'assistant', content: null } }] }, /no choices\[0\]\.message\.content/],
    ['no choices', { error: 'x' }, /no choices/],
    ['null', null, /no choices/],
  ])('records %s as a failure with its reason, never a score', (_name, body, reason) => {
    const verdict = parseJudgeAnswer(body);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.failure).toMatch(reason);
    expect(verdict).not.toHaveProperty('score');
  });

  it('keeps a failure reason short, whatever the judge wrote', () => {
    const verdict = parseJudgeAnswer(answer('x'.repeat(50_000)));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.failure.length).toBeLessThanOrEqual(300);
  });
});
