import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExternalArmRequest, Impression, ImpressionRecord, type TicketContext } from '../../../lib/contract';
import { buildApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { DEMO_KB_DIR } from '../../src/demo';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { readRerankerWeights } from '../../src/knowledge/reranker';
import { readSource } from '../../src/knowledge/sources/read-source';
import { resolveArms } from '../../src/suggestions/arms-config';
import { TEST_CONFIG, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
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


const chatAnswer = (content: unknown) => ({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


describe('arms configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-arms-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to two extractive arms and reads a file or inline JSON', () => {
    expect(loadConfig({}).suggestions.arms.map((a) => [a.id, a.provider, a.promptVersion])).toEqual([
      ['extractive-lead', 'extractive', 'extractive-lead-1'],
      ['extractive-steps', 'extractive', 'extractive-steps-1'],
    ]);
    const file = path.join(dir, 'arms.json');
    fs.writeFileSync(file, JSON.stringify({ timeoutMs: 5000, arms: [{ id: 'ollama', provider: 'openai', baseUrl: 'http://localhost:11434/v1', model: 'llama3.1', promptVersion: 'support-reply-1' }] }));
    expect(loadConfig({ AITL_ARMS_FILE: file }).suggestions.arms).toEqual([
      expect.objectContaining({ id: 'ollama', timeoutMs: 5000, temperature: 0.2, maxTokens: 700, weight: 1 }),
    ]);
    const inline = loadConfig({ AITL_ARMS: JSON.stringify({ arms: [{ id: 'rag', provider: 'external', url: 'https://rag.internal/suggest', model: 'rag-3', promptVersion: 'rag-3', tokenEnv: 'RAG_TOKEN' }] }), RAG_TOKEN: 't0k', AITL_ARM_TIMEOUT_MS: '2500' });
    expect(inline.suggestions.arms).toEqual([expect.objectContaining({ id: 'rag', token: 't0k', timeoutMs: 2500 })]);
  });

  it('refuses bad configurations with a message that says what to fix', () => {
    const error = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const arms = (list: unknown[]) => ({ AITL_ARMS: JSON.stringify({ arms: list }) });
    expect(error({ AITL_ARMS: '{nope' })).toMatch(/AITL_ARMS is not valid JSON/);
    expect(error({ AITL_ARMS_FILE: path.join(dir, 'missing.json') })).toMatch(/cannot read AITL_ARMS_FILE .*missing\.json/);
    expect(error({ ...arms([]), AITL_ARMS_FILE: 'x' })).toMatch(/not both/);
    expect(error(arms([{ id: 'x', provider: 'llama' }]))).toMatch(/arms\.0\.provider/);
    expect(error(arms([{ id: 'a', provider: 'extractive', strategy: 'lead' }, { id: 'a', provider: 'extractive', strategy: 'steps' }]))).toMatch(/arm ids must be unique/);
    expect(error(arms([{ id: 'g', provider: 'openai', baseUrl: 'http://x.example/v1', model: 'm', promptVersion: 'my-own-prompt' }]))).toMatch(/arms\.0\.promptVersion/);
    expect(error(arms([{ id: 'g', provider: 'openai', baseUrl: 'ftp://x.example', model: 'm', promptVersion: 'support-reply-1' }]))).toMatch(/arms\.0\.baseUrl/);
    expect(error(arms([{ id: 'g', provider: 'openai', baseUrl: 'http://x.example/v1', model: 'm', promptVersion: 'support-reply-1', examples: 6 }]))).toMatch(/arms\.0\.examples/);
    expect(error(arms([{ id: 'e', provider: 'extractive', strategy: 'lead', examples: 2 }]))).toMatch(/examples/);
    expect(error(arms([{ id: 'g', provider: 'openai', baseUrl: 'http://x.example/v1', model: 'm', promptVersion: 'support-reply-1', apiKeyEnv: 'NOT_SET_ANYWHERE' }]))).toMatch(
      /arm "g" reads its API key from NOT_SET_ANYWHERE, which is not set/,
    );
  });
});

describe.each(testDatabases())('suggestions with chat and external arms on $name', (testDb) => {
  let db: Database;
  let agent: Awaited<ReturnType<typeof tokenFor>>;
  let operator: Awaited<ReturnType<typeof tokenFor>>;
  let chat: Awaited<ReturnType<typeof startFakeServer>>;
  let rag: Awaited<ReturnType<typeof startFakeServer>>;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    db = await testDb.open();
    agent = await tokenFor(db, 'agent');
    operator = await tokenFor(db, 'operator', { tenant: agent.tenantId });
    await importKnowledgeBase(db, { tenantId: agent.tenantId, source: 'demo', origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR) });
    chat = await startFakeServer((_req, res) => json(res, 200, chatAnswer('ok')));
    rag = await startFakeServer((_req, res) => json(res, 200, { text: 'ok' }));
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await chat?.close();
    await rag?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const gpt = (over: Record<string, unknown> = {}) => ({ id: 'gpt', provider: 'openai', baseUrl: `${chat.url}/v1`, model: 'gpt-test', promptVersion: 'support-reply-1', ...over });
  const extractive = (over: Record<string, unknown> = {}) => ({ id: 'extractive-lead', provider: 'extractive', strategy: 'lead', ...over });
  const external = (over: Record<string, unknown> = {}) => ({ id: 'team-rag', provider: 'external', url: `${rag.url}/suggest`, model: 'rag-3', promptVersion: 'rag-prompt-7', tokenEnv: 'RAG_TOKEN', ...over });

  async function suggestWith(arms: unknown[], pairwise: boolean, timeoutMs = 400) {
    const config = { ...TEST_CONFIG, logLevel: 'silent' as const, suggestions: { arms: resolveArms({ arms, timeoutMs }, { RAG_TOKEN: 'rag-secret' }, 'test'), reranker: readRerankerWeights() } };
    const app = await buildApp({ config, db });
    apps.push(app);
    const res = await app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { context: ticket, pairwise } });
    expect(res.statusCode, res.body).toBe(200);
    const impression = Impression.parse(res.json());
    const recordRes = await app.inject({ method: 'GET', url: `/v1/suggestions/${impression.id}/record`, headers: operator.headers });
    return { impression, record: ImpressionRecord.parse(recordRes.json()) };
  }

  it('pairs a chat arm with the extractive arm and stores the exact prompt it sent', async () => {
    chat.answer((_req, res) => json(res, 200, chatAnswer('Hi Dana, you can get a full refund within 14 days of a yearly renewal [1].')));
    const { impression, record } = await suggestWith([gpt(), extractive()], true);
    const reply = impression.arms.find((a) => a.armId === 'gpt')!;
    expect(reply).toMatchObject({ provider: 'openai', model: 'gpt-test', promptVersion: 'support-reply-1', citedArticleIds: [impression.articles[0]!.id] });
    expect(reply.text).toBe('Hi Dana, you can get a full refund within 14 days of a yearly renewal.');
    expect(impression.arms).toHaveLength(2);
    expect(impression.degraded).toEqual([]);
    const run = record.generation.find((g) => g.armId === 'gpt')!;
    expect(run.status).toBe('ok');
    expect(run.prompt).toEqual((chat.requests.at(-1)!.body as { messages: unknown }).messages);
    expect(run.prompt![1]!.content).toContain(`[1] ${impression.articles[0]!.title}`);
  });

  it('cuts a slow chat arm at its timeout and shows the other arm, saying why', async () => {
    chat.answer(async (_req, res) => {
      await sleep(20_000);
      json(res, 200, chatAnswer('too late'));
    });
    const { impression, record } = await suggestWith([gpt(), extractive()], true, 400);
    expect(impression.arms.map((a) => a.armId)).toEqual(['extractive-lead']);
    expect(impression.displayOrder).toEqual([impression.arms[0]!.slot]);
    expect(impression.degraded).toEqual([{ armId: 'gpt', reason: 'arm gpt timed out after 400 ms' }]);
    const run = record.generation.find((g) => g.armId === 'gpt')!;
    expect(run).toMatchObject({ status: 'timeout', slot: null });
    expect(run.latencyMs).toBeGreaterThanOrEqual(390);
    expect(run.latencyMs).toBeLessThan(15_000); // cut off, not waited for
  });

  it('falls back to the next arm when the only arm asked fails', async () => {
    chat.answer((_req, res) => json(res, 503, { error: 'overloaded' }));
    // The chat arm is configured first, so it is the champion a single-arm suggestion asks.
    const { impression, record } = await suggestWith([gpt(), extractive()], false);
    expect(impression.arms.map((a) => [a.slot, a.armId])).toEqual([['A', 'extractive-lead']]);
    expect(impression.degraded).toEqual([{ armId: 'gpt', reason: expect.stringMatching(/^arm gpt failed: .*answered HTTP 503/) }]);
    expect(record.generation.map((g) => [g.armId, g.status, g.slot])).toEqual([
      ['gpt', 'failed', null],
      ['extractive-lead', 'ok', 'A'],
    ]);
  });

  it('sends the external arm the ticket and the shown articles, and maps its citations', async () => {
    rag.answer((req, res) => {
      const request = ExternalArmRequest.parse(req.body);
      json(res, 200, { text: 'From our RAG: yearly renewals are refundable for 14 days.', citedExternalIds: [request.articles[1]!.externalId, 'not-shown'], extra: 'ignored' });
    });
    const { impression } = await suggestWith([external(), extractive()], true);
    const sent = ExternalArmRequest.parse(rag.requests.at(-1)!.body);
    expect(rag.requests.at(-1)!.headers.authorization).toBe('Bearer rag-secret');
    expect(sent).toMatchObject({ impressionId: impression.id, arm: { id: 'team-rag', model: 'rag-3', promptVersion: 'rag-prompt-7' }, context: ticket });
    expect(sent.articles.map((a) => a.id)).toEqual(impression.articles.map((a) => a.id));
    expect(sent.articles[0]!.body.length).toBeGreaterThan(impression.articles[0]!.snippet.length);
    const reply = impression.arms.find((a) => a.armId === 'team-rag')!;
    expect(reply).toMatchObject({ provider: 'external', text: 'From our RAG: yearly renewals are refundable for 14 days.', citedArticleIds: [impression.articles[1]!.id] });
  });

  it('shows the articles only, with every reason, when all arms fail', async () => {
    rag.answer((_req, res) => json(res, 200, { reply: 'wrong shape' }));
    const { impression } = await suggestWith([external(), gpt({ baseUrl: 'http://127.0.0.1:9/v1' })], true);
    expect(impression.arms).toEqual([]);
    expect(impression.displayOrder).toEqual([]);
    expect(impression.articles.length).toBe(8);
    const reasons = impression.degraded.map((d) => d.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^arm team-rag failed: .*answered an invalid reply: text:/),
        expect.stringMatching(/^arm gpt failed: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions/),
        'no reply could be generated; showing the articles only',
      ]),
    );
  });
});
