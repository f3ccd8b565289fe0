import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';

/**
 * A person at a terminal reads `aitl serve` as lines ("12:03:04 INFO: aitl is serving ..."); a
 * log shipper, a pipe or CI gets pino's JSON, one object a line, untouched.
 */
export function wantsPrettyLogs(stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stdout.isTTY === true && !env.CI;
}

/** The pretty stream on a terminal, else undefined (pino writes JSON to stdout). */
export function terminalLogStream(stdout: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): DestinationStream | undefined {
  if (!wantsPrettyLogs(stdout, env)) return undefined;
  // Synchronous, in this thread: no worker transport to outlive a crash and swallow its last lines.
  return pretty({ destination: stdout, colorize: stdout.hasColors?.() ?? true, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
}
