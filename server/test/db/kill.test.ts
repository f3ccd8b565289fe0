import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncResponse, isAcknowledged, type Annotation } from '../../../lib/contract';
import { openPglite } from '../../src/db/pglite';
import { makeAnnotations } from '../helpers/annotations';
import { runCli, startServerProcess, tempDataDir } from '../helpers/process';
import { fetchRetryingShed } from '../helpers/shed-retry';

async function post(url: string, token: string, clientId: string, annotations: Annotation[]) {
  const res = await fetchRetryingShed(`${url}/v1/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, annotations }),
  });
  if (res.status !== 200) throw new Error(`sync answered ${res.status}`);
  return SyncResponse.parse(await res.json()).results;
}

describe('a server killed with SIGKILL (embedded database)', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every annotation it acknowledged', async () => {
    const env = { AITL_DATA_DIR: dataDir };
    const token = (await runCli(['tokens', 'create', '--role', 'agent', '--name', 'kill-test'], env)).stdout.trimEnd().split('\n').at(-1)!;
    let server = await startServerProcess(env);

    // Four clients sync batches back to back; the server is killed while requests are in flight.
    const acknowledged = new Map<string, Annotation>();
    const unanswered: { clientId: string; annotations: Annotation[] }[] = [];
    let stop = false;
    const clients = Array.from({ length: 4 }, async () => {
      const clientId = randomUUID();
      while (!stop) {
        const annotations = makeAnnotations(100, clientId);
        try {
          const results = await post(server.url, token, clientId, annotations);
          results.forEach((r, i) => isAcknowledged(r.status) && acknowledged.set(r.id!.toLowerCase(), annotations[i]!));
        } catch {
          unanswered.push({ clientId, annotations });
          return;
        }
      }
    });
    // At least 1.5 s of traffic and more than 200 acknowledged, so the kill lands on a busy server
    // however loaded the machine is; one that acknowledges too little in a minute fails below.
    const started = Date.now();
    while ((Date.now() - started < 1500 || acknowledged.size <= 200) && Date.now() - started < 60_000 && unanswered.length < clients.length) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.kill();
    stop = true;
    await Promise.all(clients);
    expect(acknowledged.size).toBeGreaterThan(100);

    // Restart on the same folder (the dead process's lock is taken over) and replay everything
    // acknowledged: each must already be there.
    server = await startServerProcess(env);
    try {
      const byClient = new Map<string, Annotation[]>();
      for (const a of acknowledged.values()) byClient.set(a.clientId, [...(byClient.get(a.clientId) ?? []), a]);
      for (const [clientId, list] of byClient) {
        for (let i = 0; i < list.length; i += 500) {
          const results = await post(server.url, token, clientId, list.slice(i, i + 500));
          expect(results.filter((r) => r.status !== 'duplicate')).toEqual([]);
        }
      }
      // What never got an answer is retried, as the extension's outbox would: stored or duplicate.
      for (const { clientId, annotations } of unanswered) {
        const results = await post(server.url, token, clientId, annotations);
        expect(results.every((r) => isAcknowledged(r.status))).toBe(true);
        annotations.forEach((a) => acknowledged.set(a.id.toLowerCase(), a));
      }
    } finally {
      await server.stop();
    }

    const db = await openPglite(dataDir);
    try {
      const { rows } = await db.query<{ n: number; ids: number }>('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM annotations');
      expect(rows[0]).toEqual({ n: acknowledged.size, ids: acknowledged.size });
    } finally {
      await db.close();
    }
  }, 120_000);
});
