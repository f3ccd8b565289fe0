import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/contract';
import { concurrencyCap } from '../../src/plugins/concurrency-cap';
import { registerErrorHandling } from '../../src/plugins/errors';

/** A real server (the cap listens for the socket closing) with one route that waits until released. */
async function cappedServer(concurrency: number, maxWaitMs: number) {
  const cap = concurrencyCap({ concurrency, maxWaitMs, retryAfterSeconds: 3, route: 'test' });
  const gates: (() => void)[] = [];
  let started = 0;
  const app: FastifyInstance = Fastify();
  registerErrorHandling(app);
  app.post('/work', { onRequest: cap.early, preValidation: cap }, async () => {
    started++;
    await new Promise<void>((resolve) => gates.push(resolve));
    return { ok: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/work`;
  const post = (signal?: AbortSignal) => fetch(url, { method: 'POST', signal });
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).toBe(true);
  };
  return { app, cap, post, until, gates, started: () => started };
}

describe('concurrency cap per route', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('serves `concurrency` at once, sheds the rest with 503 + Retry-After after the wait, and frees the slot when done', async () => {
    const s = await cappedServer(2, 150);
    app = s.app;
    const first = s.post();
    const second = s.post();
    await s.until(() => s.started() === 2);
    const t = performance.now();
    const shed = await s.post();
    const waited = performance.now() - t;
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('3');
    expect(ApiError.parse(await shed.json()).error.code).toBe('unavailable');
    expect(waited).toBeGreaterThanOrEqual(140); // it waited its turn first, then gave up
    expect(s.started()).toBe(2); // the shed request did no work

    s.gates.shift()!();
    expect((await first).status).toBe(200);
    const third = s.post();
    await s.until(() => s.started() === 3);
    s.gates.splice(0).forEach((open) => open());
    expect((await second).status).toBe(200);
    expect((await third).status).toBe(200);
    await s.until(() => s.cap.inFlight === 0);
  });

  it('admits a queued request as soon as a slot frees within the wait', async () => {
    const s = await cappedServer(1, 5_000);
    app = s.app;
    const first = s.post();
    await s.until(() => s.started() === 1);
    const queued = s.post();
    await s.until(() => s.cap.waiting === 1);
    s.gates.shift()!();
    await s.until(() => s.started() === 2);
    s.gates.shift()!();
    expect((await first).status).toBe(200);
    expect((await queued).status).toBe(200);
    expect(s.cap.waiting).toBe(0);
  });

  it('forgets a caller who gives up while queued, so the next one is not stuck behind it', async () => {
    const s = await cappedServer(1, 5_000);
    app = s.app;
    const first = s.post();
    await s.until(() => s.started() === 1);
    const gaveUp = new AbortController();
    const abandoned = s.post(gaveUp.signal).catch(() => 'aborted');
    await s.until(() => s.cap.waiting === 1);
    gaveUp.abort();
    expect(await abandoned).toBe('aborted');
    await s.until(() => s.cap.waiting === 0);
    s.gates.shift()!();
    expect((await first).status).toBe(200);
    const next = s.post();
    await s.until(() => s.started() === 2);
    s.gates.shift()!();
    expect((await next).status).toBe(200);
    expect(s.started()).toBe(2); // the abandoned request never ran
  });
});

describe('concurrency cap, at the queue pace', () => {
  it('sheds a newcomer at once, before its token or body, when the queue moves too slowly for it', async () => {
    const s = await cappedServer(1, 100);
    try {
      // One slow request teaches the cap that a slot is held ~300 ms.
      const slow = s.post();
      await s.until(() => s.started() === 1);
      await new Promise((r) => setTimeout(r, 300));
      s.gates.shift()!();
      expect((await slow).status).toBe(200);
      const busy = s.post();
      await s.until(() => s.started() === 2);
      const t = performance.now();
      const shed = await s.post();
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('3');
      expect(performance.now() - t).toBeLessThan(90); // not after waiting out the 100 ms
      s.gates.shift()!();
      expect((await busy).status).toBe(200);
    } finally {
      await s.app.close();
    }
  });
});

describe('concurrency cap, counting those still on their way', () => {
  /** A route whose onRequest, after the cap's early check, waits on a gate, as a token lookup would. */
  async function gatedServer() {
    const cap = concurrencyCap({ concurrency: 1, maxWaitMs: 100, retryAfterSeconds: 3, route: 'test' });
    let gate: Promise<void> = Promise.resolve();
    let openGate = () => {};
    let checked = 0;
    let refuse = false;
    const app: FastifyInstance = Fastify();
    registerErrorHandling(app);
    const lookup = async (_request: FastifyRequest, reply: FastifyReply) => {
      checked++;
      await gate;
      if (refuse) return reply.code(401).send({ error: { code: 'unauthorized', message: 'no', requestId: 'x' } });
    };
    let release = () => {};
    app.post('/work', { onRequest: [cap.early, lookup], preValidation: cap }, async (request) => {
      if ((request.query as { slow?: string }).slow) await new Promise((r) => setTimeout(r, 300));
      else await new Promise<void>((resolve) => (release = resolve));
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/work`;
    return {
      app,
      cap,
      post: (query = '') => fetch(`${url}${query}`, { method: 'POST' }),
      closeGate: () => (gate = new Promise<void>((resolve) => (openGate = resolve))),
      openGate: () => openGate(),
      refuse: () => (refuse = true),
      release: () => release(),
      checked: () => checked,
    };
  }

  it('sheds a burst beyond what the queue serves within the wait before any of it is looked up, and forgets a refused one', async () => {
    const s = await gatedServer();
    try {
      // One request teaches the cap that a slot is held ~300 ms.
      expect((await s.post('?slow=1')).status).toBe(200);
      expect(s.checked()).toBe(1);
      s.closeGate();
      // Three arrive together while the slot is free: the first is on its way to it, and the
      // others, one service time or more behind it, could not be served within 100 ms.
      const first = s.post();
      const until = async (check: () => boolean) => {
        for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
        expect(check()).toBe(true);
      };
      await until(() => s.cap.arriving === 1);
      const [second, third] = await Promise.all([s.post(), s.post()]);
      expect([second.status, third.status]).toEqual([503, 503]);
      expect(second.headers.get('retry-after')).toBe('3');
      expect(s.checked()).toBe(2); // neither shed request was looked up
      expect(s.cap.inFlight).toBe(0);

      // Refused on its way (a bad token): it no longer counts as arriving, so the next one is let in.
      s.refuse();
      s.openGate();
      expect((await first).status).toBe(401);
      await until(() => s.cap.arriving === 0);
      expect(s.cap.inFlight).toBe(0);
    } finally {
      await s.app.close();
    }
  });
});

describe('concurrency cap, the wait counted from arrival', () => {
  /** Busy-waits: the event loop gets no turn, as while PGlite runs a statement. */
  const blockLoop = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };

  it('sheds a request whose token lookup took its whole wait, rather than queue it for another wait', async () => {
    const cap = concurrencyCap({ concurrency: 1, maxWaitMs: 100, retryAfterSeconds: 3, route: 'test' });
    let openGate = () => {};
    let gate: Promise<void> = Promise.resolve();
    const app: FastifyInstance = Fastify();
    registerErrorHandling(app);
    let started = 0;
    let release = () => {};
    app.post('/work', { onRequest: [cap.early, async () => gate], preValidation: cap }, async () => {
      started++;
      await new Promise<void>((resolve) => (release = resolve));
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/work`;
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(check()).toBe(true);
    };
    try {
      const busy = fetch(url, { method: 'POST' });
      await until(() => started === 1);
      gate = new Promise<void>((resolve) => (openGate = resolve));
      let answered = false;
      const late = fetch(url, { method: 'POST' }).finally(() => (answered = true));
      await until(() => cap.arriving === 1);
      await new Promise((r) => setTimeout(r, 150)); // its "token lookup" outlasts the 100 ms wait
      openGate();
      // Counted from the queue, it would wait up to 100 ms more, and the slot freed now would be its.
      await until(() => answered || cap.waiting === 1);
      release();
      expect((await late).status).toBe(503);
      expect(started).toBe(1); // it did no work
      expect((await busy).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('passes a freed slot over a queued request already past its wait, even before its timer has run', async () => {
    const s = await cappedServer(1, 100);
    app2 = s.app;
    const busy = s.post();
    await s.until(() => s.started() === 1);
    const queued = s.post();
    await s.until(() => s.cap.waiting === 1);
    // The slot's holder keeps the event loop 150 ms (a long statement) and then frees the slot:
    // the queued request's timer has not had a turn to run, but its wait is over.
    s.gates.shift()!();
    blockLoop(150);
    expect((await busy).status).toBe(200);
    expect((await queued).status).toBe(503);
    expect(s.started()).toBe(1);
    await s.until(() => s.cap.inFlight === 0 && s.cap.waiting === 0);
  });
  let app2: FastifyInstance | undefined;
  afterEach(async () => {
    await app2?.close();
    app2 = undefined;
  });
});
