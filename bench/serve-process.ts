import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  pid: number;
  /** SIGTERM, then resolves when the process has exited (in-flight requests committed). */
  stop(): Promise<void>;
}

/**
 * `aitl serve` in its own process, as deployed, so the bench's clients never share its event loop.
 * Resolves once the server logs that it is serving. `nodeArgs` go to node (e.g. `--cpu-prof`).
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ServerProcess> {
  // BENCH_SERVER_DIR: serve another checkout (e.g. `git archive main | tar -x -C DIR`) to compare two commits in one sitting.
  const root = process.env.BENCH_SERVER_DIR ?? fileURLToPath(new URL('..', import.meta.url));
  const bin = path.join(root, 'bin/aitl.mjs');
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve'], {
    env: { ...process.env, PORT: '0', AITL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"aitl is serving"'));
      if (line) {
        out = '';
        // Keep reading (and dropping, or with BENCH_SERVER_LOG=FILE keeping) the log, or a full pipe would stall the server.
        child.stdout.removeAllListeners('data');
        if (process.env.BENCH_SERVER_LOG) child.stdout.pipe(fs.createWriteStream(process.env.BENCH_SERVER_LOG, { flags: 'a' }));
        else child.stdout.resume();
        resolve({
          url: JSON.parse(line).url,
          pid: child.pid!,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      } else if (out.length > 1e6) out = '';
    });
    exited.then((code) => reject(new Error(`aitl serve exited with ${code}`)));
  });
}
