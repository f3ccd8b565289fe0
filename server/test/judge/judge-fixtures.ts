import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Annotation, Impression } from '../../../lib/contract';
import { storeAnnotations } from '../../src/annotations/store';
import type { Database } from '../../src/db/database';
import type { JudgeConfig } from '../../src/judge/judge-config';
import { inEvalSlice } from '../../src/models/eval-slice';
import { makeAnnotation } from '../helpers/annotations';
import { json, startFakeServer, type RecordedRequest } from '../helpers/fake-http';
import { insertImpression } from '../helpers/impressions';

export const ARM_A = { armId: 'lead', model: 'extractive-1', promptVersion: 'extractive-lead-1' };
export const ARM_B = { armId: 'gpt', model: 'gpt-4o-mini', promptVersion: 'support-reply-1' };

/** Ticket ids in (or out of) the frozen eval slice, found by trying numbers: the slice is a hash. */
export function ticketIds(count: number, inSlice: boolean, from = 0): string[] {
  const ids: string[] = [];
  for (let i = from; ids.length < count; i++) {
    const id = `judge-${i}`;
    if (inEvalSlice({ platform: 'zendesk', ticketId: id }) === inSlice) ids.push(id);
  }
  return ids;
}

/**
 * Replies carry what the fake judge should answer about them, as a marker the judge reads in the
 * prompt: `[score N]` a proper verdict, or one of the misbehaviours below.
 */
export async function seedImpression(db: Database, tenantId: string, ticketId: string, replyA: string, replyB: string, createdAt?: string): Promise<Impression> {
  return insertImpression(db, tenantId, {
    ticketId,
    createdAt,
    arms: [
      { slot: 'A', ...ARM_A, text: `Hi Dana, ${replyA}` },
      { slot: 'B', ...ARM_B, text: `Hello, ${replyB}` },
    ],
  });
}

export async function prefer(db: Database, tenantId: string, imp: Impression, verdict: 'A' | 'B' | 'tie'): Promise<void> {
  const clientId = randomUUID();
  const a = makeAnnotation('preference', clientId);
  const annotation = {
    ...a,
    impressionId: imp.id,
    ticket: imp.ticket,
    createdAt: new Date(Date.parse(imp.createdAt) + 60_000).toISOString(),
    payload: { verdict, ...(verdict !== 'tie' && { strength: 'clear' }), shownOrder: ['A', 'B'] },
  } as Annotation;
  const [result] = await storeAnnotations(db, { tokenId: randomUUID(), tenantId, role: 'agent', name: 'jane' }, clientId, [annotation]);
  if (result?.status !== 'stored') throw new Error(`preference not stored: ${JSON.stringify(result)}`);
}

const verdict = (content: string) => ({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

/** The reply a judge request is about: between <<< and >>> in the user message. */
export function judgedReply(request: RecordedRequest): string {
  const messages = (request.body as { messages?: { role: string; content: string }[] }).messages ?? [];
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  return /<<<\n([\s\S]*)\n>>>/.exec(user)?.[1] ?? '';
}

/**
 * A fake OpenAI-compatible judge at /v1/chat/completions. It answers by the marker in the reply:
 * `[score N]` proper JSON; `[prose]` not JSON; `[range]` a score of 7; `[half]` 3.5; `[no reason]`;
 * `[fenced]` JSON in a code fence; `[http 400]`; `[flaky 500]` a 500 the first time, then a score
 * of 5; `[rate limited]` a 429 with Retry-After the first time, then 3; `[down]` 503 always;
 * `[slow]` answers after 2 s; `[garbage]` a 200 whose body is not JSON.
 */
export async function startFakeJudge() {
  const seen = new Map<string, number>();
  const server = await startFakeServer(async (req, res: http.ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, 404, { error: { message: 'not found' } });
    const reply = judgedReply(req);
    const times = (seen.get(reply) ?? 0) + 1;
    seen.set(reply, times);
    const score = /\[score (\d)\]/.exec(reply);
    if (score) return json(res, 200, verdict(JSON.stringify({ score: Number(score[1]), reason: `marked ${score[1]}` })));
    if (reply.includes('[prose]')) return json(res, 200, verdict('I would rate this reply a 4 out of 5, it is quite good.'));
    if (reply.includes('[range]')) return json(res, 200, verdict('{"score": 7, "reason": "excellent"}'));
    if (reply.includes('[half]')) return json(res, 200, verdict('{"score": 3.5, "reason": "between"}'));
    if (reply.includes('[no reason]')) return json(res, 200, verdict('{"score": 3}'));
    if (reply.includes('[fenced]')) return json(res, 200, verdict('```json\n{"score": 4, "reason": "fenced but fine"}\n```'));
    if (reply.includes('[http 400]')) return json(res, 400, { error: { message: 'model not found' } });
    if (reply.includes('[flaky 500]')) return times === 1 ? json(res, 500, { error: { message: 'overloaded' } }) : json(res, 200, verdict('{"score": 5, "reason": "after a retry"}'));
    if (reply.includes('[rate limited]')) {
      if (times > 1) return json(res, 200, verdict('{"score": 3, "reason": "after the rate limit"}'));
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end('{"error":{"message":"rate limited"}}');
      return;
    }
    if (reply.includes('[down]')) return json(res, 503, { error: { message: 'down for maintenance' } });
    if (reply.includes('[slow]')) {
      await new Promise((r) => setTimeout(r, 6_000));
      return json(res, 200, verdict('{"score": 5, "reason": "too late"}'));
    }
    if (reply.includes('[garbage]')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy error</html>');
      return;
    }
    return json(res, 200, verdict('{"score": 1, "reason": "no marker"}'));
  });
  return { ...server, calls: (marker: string) => server.requests.filter((r) => judgedReply(r).includes(marker)).length };
}

export const judgeConfig = (url: string, overrides: Partial<JudgeConfig> = {}): JudgeConfig => ({
  baseUrl: `${url}/v1`,
  model: 'judge-model-1',
  apiKeyEnv: 'JUDGE_KEY',
  apiKey: 'sk-test-judge',
  rubricVersion: 'v1',
  // Well above a fast answer on a loaded machine (the fake judge shares the test's event loop,
  // busy with the database), well below the [slow] answer's 6 s.
  timeoutMs: 2_000,
  concurrency: 3,
  sample: 200,
  everyMs: null,
  ...overrides,
});

export const FAST_RETRY = { retries: 3, baseDelayMs: 5, maxDelayMs: 20 };
