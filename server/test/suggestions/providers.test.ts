import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalArmRequest, ExternalArmResponse, type GroundingArticle, type TicketContext } from '../../../lib/contract';
import { resolveArms, type Arm } from '../../src/suggestions/arms-config';
import { extractiveReply } from '../../src/suggestions/providers/extractive';
import { openaiReply } from '../../src/suggestions/providers/openai';
import { readExample } from '../helpers/annotations';
import { json, startFakeServer } from '../helpers/fake-http';

const ticket: TicketContext = {
  platform: 'zendesk',
  ticketId: '7001',
  subject: 'Refund for my yearly plan',
  requester: { name: 'Dana Whitfield' },
  messages: [
    { role: 'customer', text: 'I renewed the yearly Plus plan by mistake two days ago. Can I get my money back?' },
    { role: 'internal', text: 'Renewal on the 3rd.' },
  ],
};

const article = (n: number): GroundingArticle => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  externalId: `kb-${n}`,
  version: 1,
  title: `Article ${n}`,
  body: `Body of article ${n}.`,
  url: `https://help.example/${n}`,
  score: 0.9 - n / 10,
  rank: n,
});

const chatAnswer = (content: unknown) => ({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

describe('OpenAI-compatible provider against a local fake server', () => {
  let fake: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    fake = await startFakeServer((_req, res) => json(res, 200, chatAnswer('ok')));
  });
  afterAll(() => fake.close());

  const arm = (over: Record<string, unknown> = {}) =>
    resolveArms({ arms: [{ id: 'gpt', provider: 'openai', baseUrl: `${fake.url}/v1/`, model: 'gpt-test', apiKeyEnv: 'FAKE_KEY', promptVersion: 'support-reply-1', temperature: 0.3, maxTokens: 300, ...over }] }, { FAKE_KEY: 'sk-test-123' }, 'test')[0] as Extract<Arm, { provider: 'openai' }>;

  it('sends a chat completion request with the articles and the ticket, and reads [n] citations', async () => {
    fake.answer((_req, res) => json(res, 200, chatAnswer('Hi Dana, yearly plans are refunded in full within 14 days of a renewal [1]. I have started it [1, 2]. Refunds take 5–10 days [9].')));
    const out = await openaiReply(arm(), { impressionId: uuidv7(), context: ticket, articles: [article(1), article(2)], signal: new AbortController().signal });
    const req = fake.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test-123');
    expect(req.headers['content-type']).toBe('application/json');
    const body = req.body as { model: string; temperature: number; max_tokens: number; stream: boolean; messages: { role: string; content: string }[] };
    expect(body).toMatchObject({ model: 'gpt-test', temperature: 0.3, max_tokens: 300, stream: false });
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[1]!.content).toContain('[1] Article 1\nhttps://help.example/1\nBody of article 1.');
    expect(body.messages[1]!.content).toContain('[2] Article 2');
    expect(body.messages[1]!.content).toContain('Customer: I renewed the yearly Plus plan');
    expect(body.messages[1]!.content).toContain('Internal note (not visible to the customer): Renewal on the 3rd.');
    expect(out.prompt).toEqual(body.messages);
    // Markers leave the text; unknown [9] is dropped.
    expect(out.text).toBe('Hi Dana, yearly plans are refunded in full within 14 days of a renewal. I have started it. Refunds take 5–10 days.');
    expect(out.citedArticleIds).toEqual([article(1).id, article(2).id]);
  });

  it('sends no Authorization header to servers without keys (Ollama, vLLM)', async () => {
    fake.answer((_req, res) => json(res, 200, chatAnswer('Fine.')));
    await openaiReply(arm({ apiKeyEnv: undefined }), { impressionId: uuidv7(), context: ticket, articles: [article(1)], signal: new AbortController().signal });
    expect(fake.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('says what went wrong: HTTP errors, non-JSON, missing content, empty reply', async () => {
    const run = () => openaiReply(arm(), { impressionId: uuidv7(), context: ticket, articles: [article(1)], signal: new AbortController().signal });
    fake.answer((_req, res) => json(res, 401, { error: { message: 'Incorrect API key provided: sk-te****123' } }));
    await expect(run()).rejects.toThrow(/answered HTTP 401: .*Incorrect API key/);
    fake.answer((_req, res) => json(res, 200, '<html>gateway</html>'));
    await expect(run()).rejects.toThrow(/answered with something that is not JSON/);
    fake.answer((_req, res) => json(res, 200, { choices: [] }));
    await expect(run()).rejects.toThrow(/without choices\[0\]\.message\.content/);
    fake.answer((_req, res) => json(res, 200, chatAnswer('  [1] ')));
    await expect(run()).rejects.toThrow(/empty reply/);
  });
});

describe('external arm contract examples', () => {
  it('ship a valid request and response beside the other examples', () => {
    const request = readExample('external-arm-request');
    expect(ExternalArmRequest.parse(request)).toEqual(request);
    expect(ExternalArmResponse.parse(readExample('external-arm-response')).citedArticleIds).toEqual([ExternalArmRequest.parse(request).articles[0]!.id]);
  });
});

describe('extractive arm', () => {
  const reset: GroundingArticle = {
    ...article(1),
    title: 'Factory reset the Hub',
    body: 'A factory reset erases the Hub settings.\n\nHow to reset:\n 1. Remove the Hub in the app.\n 2. Hold the reset button for 15 seconds.\n 3. Wait until the light pulses blue.\n\nSchedules are deleted with it.',
  };
  const refund: GroundingArticle = { ...article(2), title: 'Refunds', body: 'Yearly plans are refunded in full within 14 days of a renewal. Monthly plans are not refunded.\n\nRefunds take 5 to 10 business days.' };

  it('lead: greets by first name, quotes the sentences that match the ticket, cites and links the article', () => {
    const out = extractiveReply('lead', { context: ticket, articles: [refund] });
    expect(out.text).toMatch(/^Hi Dana,\n\n/);
    expect(out.text).toContain('Yearly plans are refunded in full within 14 days of a renewal.');
    expect(out.text).toContain('"Refunds": https://help.example/2');
    expect(out.citedArticleIds).toEqual([refund.id]);
  });

  it("steps: lays out the best article's numbered procedure", () => {
    const out = extractiveReply('steps', { context: { ...ticket, subject: 'reset hub', requester: undefined }, articles: [reset, refund] });
    expect(out.text).toMatch(/^Hello there,/);
    expect(out.text).toContain('1. Remove the Hub in the app.\n2. Hold the reset button for 15 seconds.\n3. Wait until the light pulses blue.');
    expect(out.citedArticleIds).toEqual([reset.id]);
  });

  it('refuses to answer without articles', () => {
    expect(() => extractiveReply('lead', { context: ticket, articles: [] })).toThrow(/nothing to ground a reply on/);
  });
});
