import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage } from '../../../lib/contract';
import type { JudgeConfig } from './judge-config';
import { parseJudgeAnswer, type JudgeVerdict } from './parse-score';

export interface RetryPolicy {
  /** Further attempts after a 429, a 5xx or a refused connection. */
  retries: number;
  /** First wait; doubled each retry, with jitter. A Retry-After header wins when it says longer. */
  baseDelayMs: number;
  /** No wait is longer than this, whatever Retry-After says. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 };

type Attempt = { verdict: JudgeVerdict; retryAfterMs?: number; retry: boolean };

const detail = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim().slice(0, 160);
  return t ? `: ${t}` : '';
};

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function attempt(judge: Pick<JudgeConfig, 'baseUrl' | 'model' | 'apiKey' | 'timeoutMs'>, messages: ChatMessage[]): Promise<Attempt> {
  const url = `${judge.baseUrl}/chat/completions`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(judge.apiKey && { authorization: `Bearer ${judge.apiKey}` }) },
      // temperature 0: the same reply should get the same score on a re-run.
      body: JSON.stringify({ model: judge.model, messages, temperature: 0, max_tokens: 300, stream: false }),
      signal: AbortSignal.timeout(judge.timeoutMs),
    });
    text = await res.text();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { verdict: { ok: false, failure: `the judge did not answer within ${judge.timeoutMs} ms` }, retry: false };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return { verdict: { ok: false, failure: `cannot reach ${url}: ${why}` }, retry: cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET' };
  }
  if (!res.ok) {
    const retry = res.status === 429 || res.status >= 500;
    return { verdict: { ok: false, failure: `${url} answered HTTP ${res.status}${detail(text)}` }, retry, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { verdict: { ok: false, failure: `${url} answered with something that is not JSON${detail(text)}` }, retry: false };
  }
  return { verdict: parseJudgeAnswer(body), retry: false };
}

/**
 * Asks the judge about one reply. Rate limits and server errors are retried with exponential
 * backoff (honouring Retry-After); a malformed answer or a timeout is not, since asking again
 * costs another call and rarely changes a model's format. The last failure is the verdict.
 */
export async function askJudge(
  judge: Pick<JudgeConfig, 'baseUrl' | 'model' | 'apiKey' | 'timeoutMs'>,
  messages: ChatMessage[],
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<{ verdict: JudgeVerdict; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    const result = await attempt(judge, messages);
    if (!result.retry || attempts > policy.retries) return { verdict: result.verdict, attempts };
    const backoff = policy.baseDelayMs * 2 ** (attempts - 1) * (0.5 + Math.random() / 2);
    await sleep(Math.min(policy.maxDelayMs, Math.max(backoff, result.retryAfterMs ?? 0)));
  }
}
