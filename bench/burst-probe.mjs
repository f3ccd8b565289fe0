// When a server process accepts, reads and serves each request, loaded into it with node's --import
// (the load bench does it with BURST_PROBE=FILE). For the first PROBE_SECONDS of the process it
// records, in epoch ms (performance.timeOrigin + now, sub-ms):
//   - accept: each TCP connection handed to the HTTP server (diagnostics channel net.server.socket);
//   - parse: each request's headers parsed (http.server.request.start), with its x-request-id;
//   - handler: each Fastify route handler started (tracing:fastify.request.handler:start);
//   - finish: each response written (http.server.response.finish), with its status;
//   - stall: a 5 ms timer that fired more than 20 ms late, with the time the main thread spent
//     waiting for a CPU meanwhile (/proc/self/schedstat);
//   - write: a synchronous write to stdout/stderr (fs.writeSync on fd 1 or 2) that took over 5 ms.
// At exit it writes them to FILE, one JSON object a line; bench/burst-timeline.ts joins them with
// the bench's own timeline by request id and client port.
import { readFileSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

const FILE = process.env.BURST_PROBE_FILE;
const PROBE_SECONDS = Number(process.env.BURST_PROBE_SECONDS ?? 90);
const events = [];
const now = () => performance.timeOrigin + performance.now();
const recording = () => performance.now() < PROBE_SECONDS * 1000;
const record = (e) => {
  if (recording()) events.push(e);
};
// The monotonic clock (µs) that a --cpu-prof profile's timestamps use, against epoch ms: to find a window of the run in the profile.
record({ e: 'clock', t: now(), monotonicUs: Number(process.hrtime.bigint() / 1000n) });

diagnostics.subscribe('net.server.socket', ({ socket }) => record({ e: 'accept', t: now(), port: socket.remotePort }));
diagnostics.subscribe('http.server.request.start', ({ request, socket }) => {
  const id = request.headers['x-request-id'];
  record({ e: 'parse', t: now(), port: socket.remotePort, id: typeof id === 'string' ? id : undefined, url: request.url });
});
diagnostics.subscribe('http.server.response.finish', ({ request, response }) => {
  const id = request.headers['x-request-id'];
  record({ e: 'finish', t: now(), id: typeof id === 'string' ? id : undefined, status: response.statusCode });
});
diagnostics.subscribe('tracing:fastify.request.handler:start', ({ request }) => record({ e: 'handler', t: now(), id: request.id }));

const schedWaitingMs = () => {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return NaN;
  }
};
const TICK_MS = 5;
let last = now();
let lastWaiting = schedWaitingMs();
const ticker = setInterval(() => {
  const t = now();
  const waiting = schedWaitingMs();
  if (t - last - TICK_MS > 20) record({ e: 'stall', t: last + TICK_MS, ms: t - last - TICK_MS, runQueueMs: waiting - lastWaiting });
  last = t;
  lastWaiting = waiting;
  if (!recording()) clearInterval(ticker);
}, TICK_MS);
ticker.unref();

const writeSync = fs.writeSync;
fs.writeSync = function (fd, ...rest) {
  if (fd !== 1 && fd !== 2) return writeSync.call(this, fd, ...rest);
  const t = now();
  try {
    return writeSync.call(this, fd, ...rest);
  } finally {
    const d = now() - t;
    if (d > 5) record({ e: 'write', t, ms: d, fd });
  }
};

process.once('exit', () => {
  if (FILE) writeFileSync(FILE, events.map((x) => JSON.stringify(x)).join('\n') + '\n');
});
