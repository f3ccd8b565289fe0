// Where a server process stalls, loaded into it with node's --import (the load bench does it with
// STALL_PROBE=1, or SERVER_NODE_ARGS='--import ./bench/stall-probe.mjs'). It watches, for the whole
// life of the process:
//   - the event-loop delay histogram (perf_hooks.monitorEventLoopDelay, 10 ms resolution);
//   - every stall: a 10 ms timer that fires more than 50 ms late, with when and how late;
//   - every garbage collection (PerformanceObserver 'gc'), with kind and pause;
// and at exit prints one JSON line to stderr: the histogram, the stalls by size, and how much of
// the stalled time a GC pause overlapped. What GC does not explain is synchronous work on the main
// thread (PGlite's WASM runs there); --cpu-prof says which.
import { readFileSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver, constants } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';

const TICK_MS = 10;
const STALL_MS = 50;
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();

/**
 * The main thread's time on a CPU and waiting in the run queue for one, in ms (Linux
 * /proc/self/schedstat): on a shared machine a stall can be the kernel not running us at all.
 */
const sched = () => {
  try {
    const [onCpu, waiting] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number);
    return { onCpu: onCpu / 1e6, waiting: waiting / 1e6 };
  } catch {
    return { onCpu: NaN, waiting: NaN };
  }
};
const schedAtStart = sched();
/** [start, end] of each stall, in performance.now() time. */
const stalls = [];
let runQueueInStallsMs = 0;
let last = performance.now();
let lastSched = schedAtStart;
setInterval(() => {
  const now = performance.now();
  const s = sched();
  if (now - last - TICK_MS > STALL_MS) {
    stalls.push([last + TICK_MS, now]);
    runQueueInStallsMs += s.waiting - lastSched.waiting;
  }
  last = now;
  lastSched = s;
}, TICK_MS).unref();

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
/** [start, end, kind] of each GC pause. */
const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration, KINDS[e.detail?.kind] ?? String(e.detail?.kind)]);
}).observe({ entryTypes: ['gc'] });

const ms = (x) => Math.round(x * 10) / 10;

// Every synchronous call into PGlite's Postgres made on this thread: how long it held the loop, and
// the statement text of the longest ones (read from the protocol message). The server runs PGlite
// in a worker thread of its own (server/src/db/pglite-worker.mjs), so there it counts none.
const wasm = { calls: 0, totalMs: 0, over50: 0, over250: 0, worst: [] };
const raw = PGlite.prototype.execProtocolRawSync;
if (raw) {
  PGlite.prototype.execProtocolRawSync = function (message) {
    const t = performance.now();
    try {
      return raw.call(this, message);
    } finally {
      const d = performance.now() - t;
      wasm.calls++;
      wasm.totalMs += d;
      if (d > 50) wasm.over50++;
      if (d > 250) wasm.over250++;
      if (wasm.worst.length < 8 || d > wasm.worst.at(-1).ms) {
        const text = Buffer.from(message.subarray(0, 4000)).toString('latin1').replace(/[^\x20-\x7e]+/g, ' ').replace(/\s+/g, ' ').trim();
        wasm.worst.push({ ms: ms(d), atS: ms(t / 1000), sql: text.slice(0, 160) });
        wasm.worst.sort((a, b) => b.ms - a.ms);
        wasm.worst.length = Math.min(wasm.worst.length, 8);
      }
    }
  };
}

process.once('exit', () => {
  histogram.disable();
  const buckets = { '50-100': 0, '100-250': 0, '250-500': 0, '500-1000': 0, '>1000': 0 };
  let stalledMs = 0;
  let gcInStallsMs = 0;
  for (const [s, e] of stalls) {
    const d = e - s;
    stalledMs += d;
    buckets[d < 100 ? '50-100' : d < 250 ? '100-250' : d < 500 ? '250-500' : d < 1000 ? '500-1000' : '>1000']++;
    for (const [gs, ge] of gcs) gcInStallsMs += Math.max(0, Math.min(e, ge) - Math.max(s, gs));
  }
  const gcByKind = {};
  for (const [s, e, kind] of gcs) {
    const k = (gcByKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count++;
    k.totalMs += e - s;
    k.maxMs = Math.max(k.maxMs, e - s);
  }
  for (const k of Object.values(gcByKind)) (k.totalMs = ms(k.totalMs)), (k.maxMs = ms(k.maxMs));
  const worst = stalls
    .map(([s, e]) => ({ atS: ms(s / 1000), ms: ms(e - s) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  const report = {
    stallProbe: {
      uptimeS: ms(performance.now() / 1000),
      eventLoopDelayMs: { p50: ms(histogram.percentile(50) / 1e6), p99: ms(histogram.percentile(99) / 1e6), max: ms(histogram.max / 1e6) },
      mainThread: { onCpuMs: ms(sched().onCpu - schedAtStart.onCpu), waitingForCpuMs: ms(sched().waiting - schedAtStart.waiting) },
      stalls: { count: stalls.length, stalledMs: ms(stalledMs), gcInStallsMs: ms(gcInStallsMs), runQueueInStallsMs: ms(runQueueInStallsMs), bySizeMs: buckets, worst },
      gc: gcByKind,
      pgliteWasm: { ...wasm, totalMs: ms(wasm.totalMs) },
    },
  };
  writeSync(2, `${JSON.stringify(report)}\n`);
});
