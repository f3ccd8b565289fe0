/**
 * A crowd of support agents against the real server, over HTTP, from this process while the
 * server runs in its own (`aitl serve`), as deployed.
 *
 *   npm run bench:load                      AGENTS=100,200 SECONDS=60, PGlite
 *   BENCH_DB=postgres npm run bench:load    on Postgres (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   ARTICLES=10000 PAIRWISE=0.5 THINK_MS=500-1500 WARMUP_SECONDS=5
 *   SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'  profiles the server under the load
 *   STALL_PROBE=1                           the server prints its event-loop stalls and GC pauses at exit (bench/stall-probe.mjs)
 *   BURST_PROBE=DIR                         both sides record each request's accept, parse, handler and answer, and their
 *                                           stalls, into DIR (bench/burst-probe.mjs, burst-client-probe.ts; read with bench/burst-timeline.ts)
 *
 * Each agent has its own token (rate limits are per token) and loops: open a ticket
 * (POST /v1/suggestions), leave 3–4 annotations (POST /v1/sync), think 0.5–1.5 s. 429 and 503
 * are honoured (Retry-After), failures retried; annotations are retried until acknowledged. At
 * the end the server is stopped and the annotations table counted: it must hold exactly the
 * annotations sent, each acknowledged, none stored twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { SuggestionRequest } from '../lib/contract';
import { createToken } from '../server/src/auth/tokens';
import { openDatabase } from '../server/src/db/open';
import { DEMO_KB_DIR, DEMO_TICKETS } from '../server/src/demo';
import { readLabelledTickets } from '../server/src/knowledge/evaluation';
import { importKnowledgeBase } from '../server/src/knowledge/import';
import { readSource } from '../server/src/knowledge/sources/read-source';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { LoadTally, runAgent } from './load-agent';
import { benchResult } from './bench-result';
import { startServerProcess } from './serve-process';
import { startClientProbe } from './burst-client-probe';
import { syntheticArticles } from './synthetic-articles';
import { threadCpu, threadCpuDelta } from './thread-cpu';

const AGENTS = (process.env.AGENTS ?? '100,200').split(',').map(Number);
const SECONDS = Number(process.env.SECONDS ?? 60);
/** Seconds a few agents warm the server before the crowd and the clock start (0: none). */
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 5);
const ARTICLES = Number(process.env.ARTICLES ?? 0);
const PAIRWISE = Number(process.env.PAIRWISE ?? 0.5);
const THINK_MS = (process.env.THINK_MS ?? '500-1500').split('-').map(Number) as [number, number];
const ON_POSTGRES = process.env.BENCH_DB === 'postgres';
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'bench';
/** Node flags for the server process, e.g. SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=prof' to profile it under load. */
const SERVER_NODE_ARGS = [
  ...(process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ...(process.env.STALL_PROBE === '1' ? ['--import', fileURLToPath(new URL('./stall-probe.mjs', import.meta.url))] : []),
  ...(process.env.BURST_PROBE ? ['--import', fileURLToPath(new URL('./burst-probe.mjs', import.meta.url))] : []),
];
const BURST_PROBE = process.env.BURST_PROBE;

const percentile = (xs: number[], p: number) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!);
const ms = (x: number) => (Number.isNaN(x) ? '-' : `${x.toFixed(0)} ms`);

export interface LoadRun {
  agents: number;
  db: 'pglite' | 'postgres';
  suggestions: { answered: number; perSecond: number; p50: number; p95: number; p99: number; p99AfterFirstSecond: number; shedShare: number; failed: number; waitP95: number };
  sync: { answered: number; p99: number; shedShare: number };
  annotations: { sent: number; rows: number; storedTwice: number; unacknowledged: number };
  /** The bench process's own event-loop delay during the run, ms. */
  clientLagMs: { p99: number; max: number };
  /** CPU seconds during the run: the server's main thread, its busiest other thread (PGlite's), all its threads, and the bench's own process. */
  cpuSeconds: { serverMain: number; serverOther: number; server: number; bench: number };
}

/** Opens a database for one run with the knowledge base and one token per agent. */
async function prepare(agents: number) {
  let dataDir: string | undefined;
  let postgres: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  if (ON_POSTGRES) postgres = await createPostgresDatabase(POSTGRES_URL);
  else dataDir = mkdtempSync(path.join(os.tmpdir(), 'aitl-load-'));
  const dbConfig = { databaseUrl: postgres?.url, dataDir: dataDir ?? 'memory://' };
  const db = await openDatabase(dbConfig);
  const demo = readSource(DEMO_KB_DIR).articles;
  const articles = [...demo, ...syntheticArticles(demo, Math.max(0, ARTICLES - demo.length))];
  await importKnowledgeBase(db, { tenantId: TENANT, source: 'bench', origin: 'bench', parsed: { format: 'markdown', articles, skipped: [] } });
  const tokens: string[] = [];
  for (let i = 0; i < agents; i++) tokens.push((await createToken(db, { tenantId: TENANT, role: 'agent', name: `agent-${i}@bench.example` })).token);
  await db.close();
  return {
    articles: articles.length,
    tokens,
    env: postgres ? { DATABASE_URL: postgres.url } : { AITL_DATA_DIR: dataDir! },
    async countRows() {
      const again = await openDatabase(dbConfig);
      try {
        const { rows } = await again.query<{ n: string }>('SELECT count(*)::text AS n FROM annotations WHERE tenant_id = $1', [TENANT]);
        return Number(rows[0]!.n);
      } finally {
        await again.close();
      }
    },
    async drop() {
      if (postgres) await postgres.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function runLoad(agents: number, tickets: SuggestionRequest[]): Promise<LoadRun> {
  const setup = await prepare(agents);
  const probeFile = (side: string) => path.join(BURST_PROBE!, `${side}-${ON_POSTGRES ? 'postgres' : 'pglite'}-${agents}.jsonl`);
  const server = await startServerProcess({ ...setup.env, ...(BURST_PROBE && { BURST_PROBE_FILE: probeFile('server') }) }, SERVER_NODE_ARGS);
  const tally = new LoadTally();
  if (WARMUP_SECONDS > 0) {
    // A few agents for a few seconds before the clock starts: the crowd meets a server that has
    // compiled its code and planned its statements, as after its first minutes of a shift. Their
    // annotations count in the exactly-once check, their latencies nowhere.
    const warm = new LoadTally();
    const until = Date.now() + WARMUP_SECONDS * 1000;
    await Promise.all(setup.tokens.slice(0, 4).map((token, i) => runAgent({ url: server.url, token, clientId: randomUUID(), tickets, seed: 10_000 + i, deadline: until, thinkMs: [0, 50], tally: warm })));
    for (const id of warm.sent) tally.sent.add(id);
    for (const [id, n] of warm.stored) tally.stored.set(id, n);
    for (const id of warm.duplicates) tally.duplicates.add(id);
    tally.notAcknowledged += warm.notAcknowledged;
  }
  // The bench's own event loop shares the machine with the server: a late client inflates what it
  // measures (a request it was slow to send, or whose answer it was slow to read), so it says how late it ran.
  const clientLag = monitorEventLoopDelay({ resolution: 10 });
  clientLag.enable();
  const clientProbe = BURST_PROBE ? startClientProbe() : null;
  const serverCpuBefore = threadCpu(server.pid);
  const benchCpuBefore = process.cpuUsage();
  let serverCpuAfter = serverCpuBefore;
  const started = Date.now();
  if (BURST_PROBE) writeFileSync(probeFile('run'), JSON.stringify({ started, agents, seconds: SECONDS }) + '\n');
  const deadline = started + SECONDS * 1000;
  let rows: number;
  try {
    await Promise.all(
      setup.tokens.map((token, i) => runAgent({ url: server.url, token, clientId: randomUUID(), tickets, seed: i + 1, deadline, thinkMs: THINK_MS, tally })),
    );
  } finally {
    serverCpuAfter = threadCpu(server.pid);
    await server.stop();
    clientLag.disable();
    clientProbe?.stop(probeFile('client'));
  }
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const serverCpu = threadCpuDelta(serverCpuBefore, serverCpuAfter, server.pid);
  const elapsed = (Math.max(Date.now(), deadline) - started) / 1000;
  if (process.env.BENCH_CLIENT_LOG) writeFileSync(process.env.BENCH_CLIENT_LOG, tally.timeline.map((t) => JSON.stringify(t)).join('\n'));
  rows = await setup.countRows();
  await setup.drop();

  const answered = tally.answered.get('/v1/suggestions') ?? [];
  const shed = tally.shed.get('/v1/suggestions') ?? [];
  const syncAnswered = tally.answered.get('/v1/sync') ?? [];
  const syncShed = tally.shed.get('/v1/sync') ?? [];
  const storedTwice = [...tally.stored.values()].filter((n) => n > 1).length;
  const unacknowledged = [...tally.sent].filter((id) => !tally.stored.has(id) && !tally.duplicates.has(id)).length + tally.notAcknowledged;
  const run: LoadRun = {
    agents,
    db: ON_POSTGRES ? 'postgres' : 'pglite',
    suggestions: {
      answered: answered.length,
      perSecond: answered.length / elapsed,
      p50: percentile(answered, 50),
      p95: percentile(answered, 95),
      p99: percentile(answered, 99),
      // Without the crowd's opening burst: those sent once the run was a second old.
      p99AfterFirstSecond: percentile(tally.timeline.filter((t) => t.start >= started + 1000).map((t) => t.end - t.start), 99),
      shedShare: shed.length / Math.max(1, shed.length + answered.length),
      failed: tally.failed.get('/v1/suggestions') ?? 0,
      waitP95: percentile(tally.ticketWaitMs, 95),
    },
    sync: { answered: syncAnswered.length, p99: percentile(syncAnswered, 99), shedShare: syncShed.length / Math.max(1, syncShed.length + syncAnswered.length) },
    annotations: { sent: tally.sent.size, rows, storedTwice, unacknowledged },
    clientLagMs: { p99: clientLag.percentile(99) / 1e6, max: clientLag.max / 1e6 },
    cpuSeconds: { serverMain: serverCpu.main, serverOther: serverCpu.busiestOther, server: serverCpu.total, bench: (benchCpu.user + benchCpu.system) / 1e6 },
  };
  const s = run.suggestions;
  console.log(`\n${agents} agents, ${SECONDS} s, ${run.db}, ${setup.articles} articles, think ${THINK_MS.join('-')} ms, ${Math.round(PAIRWISE * 100)}% pairwise`);
  console.log(`  POST /v1/suggestions  answered ${s.answered} (${s.perSecond.toFixed(1)}/s)  p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)} (sent after the first second ${ms(s.p99AfterFirstSecond)})  shed ${(s.shedShare * 100).toFixed(1)}%  failed ${s.failed}  ticket wait incl. retries p95 ${ms(s.waitP95)}`);
  console.log(`  POST /v1/sync         answered ${run.sync.answered}  p99 ${ms(run.sync.p99)}  shed ${(run.sync.shedShare * 100).toFixed(1)}%  failed ${tally.failed.get('/v1/sync') ?? 0}`);
  console.log(`  the bench's own event loop: delay p99 ${ms(run.clientLagMs.p99)}, max ${ms(run.clientLagMs.max)} (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  const c = run.cpuSeconds;
  console.log(`  CPU during the run: server ${c.server.toFixed(1)} s (main thread ${c.serverMain.toFixed(1)} s, busiest other thread ${c.serverOther.toFixed(1)} s), the bench ${c.bench.toFixed(1)} s; shed suggestions ${shed.length} (${(shed.length / elapsed).toFixed(1)}/s), shed syncs ${syncShed.length}`);
  const exact = rows === tally.sent.size && storedTwice === 0 && unacknowledged === 0;
  console.log(`  annotations sent ${tally.sent.size}, rows in the database ${rows}, stored twice ${storedTwice}, unacknowledged ${unacknowledged}: ${exact ? 'each acknowledged exactly once' : 'MISMATCH'}`);
  if (!exact) process.exitCode = 1;
  return run;
}

async function main() {
  const tickets: SuggestionRequest[] = readLabelledTickets(DEMO_TICKETS).map((t, i) => ({
    pairwise: (i * 0.618) % 1 < PAIRWISE,
    context: { platform: 'zendesk', ticketId: t.ticketId, ...(t.subject && { subject: t.subject }), messages: t.messages },
  }));
  console.log(`Load: agents ${AGENTS.join(', ')} for ${SECONDS} s each, ${tickets.length} demo tickets`);
  const runs: LoadRun[] = [];
  for (const agents of AGENTS) runs.push(await runLoad(agents, tickets));
  const [first, last] = [runs[0]!, runs.at(-1)!];
  if (runs.length > 1) {
    console.log(`\nthroughput ${last.agents} vs ${first.agents} agents: ${(last.suggestions.perSecond / first.suggestions.perSecond).toFixed(2)}x (target >= 1.00 past capacity, i.e. not falling)`);
  }
  console.log(`answered p99 at ${last.agents} agents: ${ms(last.suggestions.p99)} (target <= 1000 ms)`);
  benchResult('load', runs);
}

await main();
