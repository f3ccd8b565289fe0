import { describe, expect, it } from 'vitest';
import { promptMessages, type PromptParts } from '../../src/batches/examples/prompt';
import { pushPromptJson, type JsonPieces } from '../../src/batches/examples/prompt-json';
import { detectPii, RowRedactor } from '../../src/redaction/pii';

const text = (pieces: JsonPieces) => pieces.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');

async function scanned(t: string) {
  return { text: t, spans: await detectPii(t) };
}

describe('prompt JSON in pieces', () => {
  it('is the text JSON.stringify makes of the redacted messages, placeholders and counts included, whatever repeats', async () => {
    const shared = await scanned('\n\n[1] Refunds\nWrite to billing@example.com or call 415-555-0134 "quoted" \\ tab\t done');
    const parts: PromptParts = {
      system: [await scanned('You are a support agent.'), shared, await scanned('\n\nTicket subject: héllo 😀 \u2028')],
      turns: [
        { role: 'user', texts: [await scanned('My card is 4111 1111 1111 1111, mail me at a@b.co'), await scanned('\n\nanother line')] },
        { role: 'assistant', texts: [await scanned('Sure, billing@example.com it is.')] },
        // A lone high surrogate ending one text and a lone low one starting the next pair up when joined.
        { role: 'user', texts: [await scanned('ends high \ud83d'), await scanned('\ude00 starts low'), await scanned('\ud800 lone high alone')] },
      ],
    };
    expect(parts.turns[0]!.texts[0]!.spans.length).toBeGreaterThan(0);
    for (let round = 0; round < 3; round++) {
      const countsA: Record<string, number> = {};
      const countsB: Record<string, number> = {};
      const a = new RowRedactor(countsA);
      const b = new RowRedactor(countsB);
      const expected = JSON.stringify(promptMessages(parts, a));
      const out: JsonPieces = ['['];
      pushPromptJson(out, parts, b);
      out.push(']');
      expect(text(out)).toBe(expected);
      expect(countsB).toEqual(countsA);
      // The row's redactor goes on numbering where the prompt left off.
      expect(b.apply('x@y.org', [{ start: 0, end: 7, type: 'EMAIL' }])).toBe(a.apply('x@y.org', [{ start: 0, end: 7, type: 'EMAIL' }]));
    }
  });
});
