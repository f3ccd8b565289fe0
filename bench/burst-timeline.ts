/**
 * Where a load run's requests spent their time, stage by stage, from the two probes' files
 * (`BURST_PROBE=DIR npm run bench:load`):
 *
 *   npx tsx bench/burst-timeline.ts DIR pglite-200
 *
 * Joins the bench's side (bench/burst-client-probe.ts) and the server's (bench/burst-probe.mjs) by
 * request id and, for connections, by the client's port. For the requests the crowd made in each
 * window after its start it prints, p50 / p95 / max in ms:
 *   client   fetch called → request head written to the socket (the bench's own lateness, and connecting)
 *   accept   connection opened at the client → handed to the server's HTTP server
 *   read     head written by the client → parsed by the server
 *   serve    parsed → response written (shed or answered)
 *   back     response written → its head read by the client
 * and each side's event-loop stalls (a timer over 20 ms late) per window, with how much of the
 * server's stalled time its main thread spent waiting for a CPU.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Event = { e: string; t: number; id?: string; port?: number; ms?: number; status?: number; runQueueMs?: number; url?: string };

const [dir, run] = process.argv.slice(2);
if (!dir || !run) {
  console.error('usage: npx tsx bench/burst-timeline.ts DIR RUN   (RUN e.g. pglite-200, as in DIR/server-RUN.jsonl)');
  process.exit(2);
}
const read = (side: string): Event[] =>
  readFileSync(path.join(dir, `${side}-${run}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);
const { started } = JSON.parse(readFileSync(path.join(dir, `run-${run}.jsonl`), 'utf8')) as { started: number };
const client = read('client');
const server = read('server');

const byId = (events: Event[], e: string) => {
  const m = new Map<string, Event>();
  for (const x of events) if (x.e === e && x.id && !m.has(x.id)) m.set(x.id, x);
  return m;
};
const byPort = (events: Event[], e: string) => {
  const m = new Map<number, Event>();
  for (const x of events) if (x.e === e && x.port !== undefined && !m.has(x.port)) m.set(x.port, x);
  return m;
};
const sent = byId(client, 'sent');
const gotHeaders = byId(client, 'headers');
const parsed = byId(server, 'parse');
const finished = byId(server, 'finish');
const connected = byPort(client, 'connected');
const accepted = byPort(server, 'accept');

const WINDOWS: [number, number][] = [
  [0, 0.5],
  [0.5, 1],
  [1, 2],
  [2, 5],
  [5, 1e9],
];
const stat = (xs: number[]) => {
  if (xs.length === 0) return '-';
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `${q(0.5).toFixed(0)} / ${q(0.95).toFixed(0)} / ${s.at(-1)!.toFixed(0)}`;
};
const at = (t: number) => (t - started) / 1000;
const windowLabel = ([a, b]: [number, number]) => (b > 1e8 ? `${a}s-end` : `${a}-${b}s`);

console.log(`run ${run}: stages in ms, p50 / p95 / max, by when the bench called fetch (s after the crowd started)`);
console.log(['window', 'requests', 'new conns', 'client', 'accept', 'read', 'serve', 'back', 'shed'].join('\t'));
for (const w of WINDOWS) {
  const creates = client.filter((x) => x.e === 'create' && x.id && at(x.t) >= w[0] && at(x.t) < w[1]);
  const stages = { client: [] as number[], accept: [] as number[], read: [] as number[], serve: [] as number[], back: [] as number[] };
  let shed = 0;
  let newConnections = 0;
  for (const c of creates) {
    const s = sent.get(c.id!);
    const p = parsed.get(c.id!);
    const f = finished.get(c.id!);
    const h = gotHeaders.get(c.id!);
    if (s) stages.client.push(s.t - c.t);
    if (s?.port !== undefined) {
      const conn = connected.get(s.port);
      const acc = accepted.get(s.port);
      // A request that opened its connection (the connection is younger than the request).
      if (conn && acc && conn.t >= c.t) {
        newConnections++;
        stages.accept.push(acc.t - conn.t);
      }
    }
    if (s && p) stages.read.push(p.t - s.t);
    if (p && f) stages.serve.push(f.t - p.t);
    if (f && h) stages.back.push(h.t - f.t);
    if (f && (f.status === 503 || f.status === 429)) shed++;
  }
  console.log([windowLabel(w), creates.length, newConnections, stat(stages.client), stat(stages.accept), stat(stages.read), stat(stages.serve), stat(stages.back), shed].join('\t'));
}

console.log('\nevent-loop stalls over 20 ms (count, total ms, longest ms; server: of it waiting for a CPU)');
console.log(['window', 'server', 'server run queue', 'bench'].join('\t'));
for (const w of WINDOWS) {
  const inWindow = (x: Event) => x.e === 'stall' && at(x.t) >= w[0] && at(x.t) < w[1];
  const s = server.filter(inWindow);
  const c = client.filter(inWindow);
  const sum = (xs: Event[], k: 'ms' | 'runQueueMs') => xs.reduce((a, x) => a + (x[k] ?? 0), 0);
  const max = (xs: Event[]) => xs.reduce((a, x) => Math.max(a, x.ms ?? 0), 0);
  console.log([windowLabel(w), `${s.length}, ${sum(s, 'ms').toFixed(0)}, ${max(s).toFixed(0)}`, sum(s, 'runQueueMs').toFixed(0), `${c.length}, ${sum(c, 'ms').toFixed(0)}, ${max(c).toFixed(0)}`].join('\t'));
}
const writes = server.filter((x) => x.e === 'write');
if (writes.length) console.log(`\nserver writes to stdout/stderr over 5 ms: ${writes.length}, ${writes.reduce((a, x) => a + x.ms!, 0).toFixed(0)} ms in all`);

console.log('\nfirst 3 s, per 250 ms: bench fetch calls / heads written / connections opened | server accepts / parses / responses');
for (let t = 0; t < 3; t += 0.25) {
  const n = (xs: Event[], e: string) => xs.filter((x) => x.e === e && at(x.t) >= t && at(x.t) < t + 0.25).length;
  console.log(`${t.toFixed(2)}s\t${n(client, 'create')} / ${n(client, 'sent')} / ${n(client, 'connected')}\t| ${n(server, 'accept')} / ${n(server, 'parse')} / ${n(server, 'finish')}`);
}
