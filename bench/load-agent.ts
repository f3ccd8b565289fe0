import { v7 as uuidv7 } from 'uuid';
import {
  DEFAULT_ADOPTION_THRESHOLDS,
  Impression,
  SyncResponse,
  classifyAdoption,
  type Annotation,
  type SuggestionRequest,
} from '../lib/contract';
import { rng } from './realistic-annotations';
import { spreadRetryAfter } from '../lib/retry-after';

/** What every simulated agent adds to, read once at the end. */
export class LoadTally {
  /** Latency of each answered (2xx) request, by route. */
  readonly answered = new Map<string, number[]>();
  /** Latency of each 429/503 (shed) answer, by route. */
  readonly shed = new Map<string, number[]>();
  /** Other failures (5xx, connection errors, timeouts), retried. */
  readonly failed = new Map<string, number>();
  /** From the first attempt to the answer, retries and Retry-After waits included. */
  readonly ticketWaitMs: number[] = [];
  readonly sent = new Set<string>();
  /** Annotation id → how many times the server said `stored` (exactly once is right). */
  readonly stored = new Map<string, number>();
  /** Annotation ids the server called `duplicate` (a retry of one it had already stored). */
  readonly duplicates = new Set<string>();
  notAcknowledged = 0;
  /** Each answered suggestion's request id, start and end (epoch ms): joined with the server's log to split client, wire and server time. */
  readonly timeline: { id: string; start: number; end: number }[] = [];

  add(map: Map<string, number[]>, route: string, ms: number) {
    const list = map.get(route) ?? [];
    list.push(ms);
    map.set(route, list);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CallOptions {
  url: string;
  token: string;
  tally: LoadTally;
  /** Give up (return null) once this time has passed, unless `untilAnswered`. */
  deadline: number;
  untilAnswered?: boolean;
}

/**
 * One request as the extension's background makes it: 429 and 503 wait for Retry-After, other
 * failures back off and retry; a 4xx other than 429 is a bug in the bench and stops it.
 */
async function call(route: string, body: unknown, o: CallOptions): Promise<unknown | null> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    if (!o.untilAnswered && Date.now() > o.deadline) return null;
    const t = performance.now();
    const requestId = uuidv7();
    const startedAt = Date.now();
    let wait: number;
    try {
      const res = await fetch(`${o.url}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      const ms = performance.now() - t;
      if (res.ok) {
        o.tally.add(o.tally.answered, route, ms);
        if (route === '/v1/suggestions') {
          o.tally.ticketWaitMs.push(performance.now() - started);
          o.tally.timeline.push({ id: requestId, start: startedAt, end: Date.now() });
        }
        return JSON.parse(text);
      }
      if (res.status === 429 || res.status === 503) {
        o.tally.add(o.tally.shed, route, ms);
        const retryAfter = Number(res.headers.get('retry-after'));
        wait = spreadRetryAfter(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000); // as the extension waits
      } else if (res.status >= 500) {
        o.tally.failed.set(route, (o.tally.failed.get(route) ?? 0) + 1);
        wait = Math.min(10_000, 500 * 2 ** attempt) * (0.5 + Math.random());
      } else {
        throw new Error(`${route} answered ${res.status}: ${text.slice(0, 300)}`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(route)) throw error;
      o.tally.failed.set(route, (o.tally.failed.get(route) ?? 0) + 1);
      wait = Math.min(10_000, 500 * 2 ** attempt) * (0.5 + Math.random());
    }
    await sleep(wait);
  }
}

/** The 3–4 annotations an agent leaves on one suggestion: two relevance labels, a preference, an adoption. */
function annotationsFor(impression: Impression, clientId: string, random: () => number): Annotation[] {
  const base = () => ({
    id: uuidv7(),
    schemaVersion: 1 as const,
    createdAt: new Date().toISOString(),
    clientId,
    ticket: impression.ticket,
    impressionId: impression.id,
    elapsedMs: Math.floor(random() * 60_000),
    clientVersion: 'load-bench',
  });
  const out: Annotation[] = impression.articles.slice(0, 2).map((a) => ({
    ...base(),
    type: 'relevance',
    payload: { articleId: a.id, articleVersion: a.version, rank: a.rank, label: (['relevant', 'partial', 'irrelevant', 'outdated'] as const)[Math.floor(random() * 4)]! },
  }));
  const [left, right] = impression.displayOrder;
  if (left && right) {
    const verdict = random() < 0.5 ? left : right;
    out.push({ ...base(), type: 'preference', payload: { verdict, strength: 'clear', shownOrder: left === 'A' ? ['A', 'B'] : ['B', 'A'] } });
  }
  const arm = impression.arms[0];
  if (arm) {
    const similarity = Math.round(random() * 1000) / 1000;
    const outcome = classifyAdoption(similarity, DEFAULT_ADOPTION_THRESHOLDS);
    out.push({
      ...base(),
      type: 'adoption',
      payload: {
        outcome,
        slot: arm.slot,
        similarity,
        thresholds: DEFAULT_ADOPTION_THRESHOLDS,
        sentText: arm.text.slice(0, 2000),
        channel: 'public',
        ...(outcome === 'heavy_edit' || outcome === 'discarded' ? { rationaleTags: ['incomplete' as const] } : {}),
      },
    });
  }
  return out;
}

export interface AgentOptions {
  url: string;
  token: string;
  clientId: string;
  tickets: SuggestionRequest[];
  seed: number;
  /** Epoch ms after which the agent opens no new ticket (its outbox still drains). */
  deadline: number;
  thinkMs: [number, number];
  tally: LoadTally;
}

/**
 * One support agent for the length of the run: opens a ticket (POST /v1/suggestions), leaves 3–4
 * annotations through POST /v1/sync, thinks 0.5–1.5 s, opens the next. Annotations are sent until
 * the server acknowledges them, as the outbox does, even after the deadline.
 */
export async function runAgent(a: AgentOptions): Promise<void> {
  const random = rng(a.seed);
  const o: CallOptions = { url: a.url, token: a.token, tally: a.tally, deadline: a.deadline };
  // Agents do not all start in the same millisecond.
  await sleep(random() * (a.thinkMs[1] - a.thinkMs[0]));
  for (let n = 0; Date.now() < a.deadline; n++) {
    const request = a.tickets[(a.seed * 7 + n) % a.tickets.length]!;
    const body = await call('/v1/suggestions', request, o);
    if (body === null) break;
    const impression = Impression.parse(body);
    const annotations = annotationsFor(impression, a.clientId, random);
    for (const x of annotations) a.tally.sent.add(x.id);
    const sync = SyncResponse.parse(await call('/v1/sync', { clientId: a.clientId, annotations }, { ...o, untilAnswered: true }));
    for (const r of sync.results) {
      if (r.status === 'stored') a.tally.stored.set(r.id!, (a.tally.stored.get(r.id!) ?? 0) + 1);
      else if (r.status === 'duplicate') a.tally.duplicates.add(r.id!);
      else {
        a.tally.notAcknowledged++;
        console.error(`annotation ${r.id} was ${r.status}: ${r.error?.message}`);
      }
    }
    await sleep(a.thinkMs[0] + random() * (a.thinkMs[1] - a.thinkMs[0]));
  }
}
