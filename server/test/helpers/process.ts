import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const AITL_BIN = fileURLToPath(new URL('../../../bin/aitl.mjs', import.meta.url));

/**
 * What a test's `aitl` runs: the CLI the global setup bundled for this run (helpers/cli-bundle.ts,
 * which sets AITL_TEST_CLI for the vitest and Playwright workers), else bin/aitl.mjs.
 */
function cliEntry(): string {
  return process.env.AITL_TEST_CLI || AITL_BIN;
}

/** The environment for a child aitl: the given variables, and no DATABASE_URL unless given. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _omit, ...rest } = process.env;
  // Readiness is read off the 'aitl is serving' log line, so the level stays at info.
  return { ...rest, ...env, AITL_LOG_LEVEL: 'info' };
}

/**
 * Every child still running when the test process ends is killed: a test that timed out while a
 * server it started was still coming up would otherwise leave that server running. Vitest ends a
 * worker with SIGTERM, which skips 'exit' handlers, so that signal is handled too (once per
 * process, however many test files load this module).
 */
const live = new Set<ChildProcess>();
const killLive = () => {
  for (const child of live) child.kill('SIGKILL');
};
const HOOKED = Symbol.for('aitl.test.killChildrenOnExit');
const hooks = globalThis as { [HOOKED]?: Set<() => void> };
if (!hooks[HOOKED]) {
  const all = (hooks[HOOKED] = new Set());
  process.once('exit', () => all.forEach((f) => f()));
  process.once('SIGTERM', () => {
    all.forEach((f) => f());
    process.exit(143);
  });
}
hooks[HOOKED].add(killLive);

function track<C extends ChildProcess>(child: C): C {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-test-'));
}

/** Runs `aitl <args>`; `bin` runs that entry instead (bin/aitl.mjs itself: AITL_BIN). */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, bin = cliEntry()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath, [bin, ...args], { env: childEnv(env) }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
}

/** Starts `aitl serve` on a free port and resolves once it is listening. */
export function startServerProcess(env: Record<string, string | undefined>, args: string[] = []): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [cliEntry(), 'serve', ...args], { env: childEnv({ PORT: '0', ...env }) }));
    let output = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const onData = (d: Buffer) => {
      output += d;
      const line = output.split('\n').find((l) => l.includes('"aitl is serving"'));
      if (line) {
        child.stdout.off('data', onData);
        child.stdout.on('data', (more) => (output += more));
        const url = JSON.parse(line).url as string;
        resolve({
          url,
          child,
          output: () => output,
          async stop() {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
          async kill() {
            if (child.exitCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (code) => reject(new Error(`aitl serve exited with ${code} before listening:\n${output}`)));
  });
}
