/**
 * One measured job of bench/batches-build.ts, in a process of its own so that its peak RSS is its
 * own: `build` builds a batch; `copy` streams the same rows out with a plain COPY ... TO STDOUT.
 * Prints one JSON line: wall time, CPU time of this process and of its Postgres backends, peak RSS,
 * and what it produced.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { buildBatch } from '../server/src/batches/build/build-batch';
import { openPostgres } from '../server/src/db/postgres';
import { backendCpuSeconds } from './backend-cpu';

const [mode, url, tenant] = process.argv.slice(2) as ['build' | 'copy', string, string];
let started = performance.now();
let produced: Record<string, number> = {};
let serverCpuS: number | null = null;

if (mode === 'copy') {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let bytes = 0;
  await pipeline(
    client.query(
      copyTo(`COPY (SELECT a.seq, a.body, i.body, i.context FROM annotations a LEFT JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
                    WHERE a.tenant_id = '${tenant}' ORDER BY a.seq) TO STDOUT`),
    ),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  serverCpuS = await backendCpuSeconds(url);
  await client.end();
  produced = { bytes };
} else {
  // The pool the server and the CLI open (openDatabase), so the build runs as users run it.
  const db = await openPostgres(url);
  // Every round builds the same batch 1 from the same state.
  await db.query('DELETE FROM batches WHERE tenant_id = $1', [tenant]);
  const before = await backendCpuSeconds(url);
  started = performance.now();
  const { manifest } = await buildBatch(db, tenant, { seed: 'bench' }, { holder: 'bench', leaseSeconds: 600 });
  const after = await backendCpuSeconds(url);
  serverCpuS = before === null || after === null ? null : after - before;
  await db.close();
  produced = Object.fromEntries(manifest.files.map((f) => [f.name, f.rows]));
  produced.bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
}
const ms = performance.now() - started;
const usage = process.resourceUsage();
// CPU seconds next to wall time: the machine may be shared, and CPU time is what load does not inflate.
console.log(JSON.stringify({ mode, ms, cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6, serverCpuS, maxRssMb: usage.maxRSS / 1024, produced }));
