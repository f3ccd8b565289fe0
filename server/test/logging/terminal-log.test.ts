import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED_LOG_PATHS } from '../../src/app';
import { terminalLogStream, wantsPrettyLogs } from '../../src/logging/terminal-log';

/** A stand-in for process.stdout that records what is written to it. */
function fakeStdout(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, hasColors: () => false });
  return { stream, text: () => chunks.join('') };
}

describe('terminal logs', () => {
  it('are pretty only on a terminal outside CI', () => {
    expect(wantsPrettyLogs({ isTTY: true }, {})).toBe(true);
    expect(wantsPrettyLogs({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(wantsPrettyLogs({ isTTY: false }, {})).toBe(false);
    expect(wantsPrettyLogs({}, {})).toBe(false);
  });

  it('stay JSON when stdout is a pipe', () => {
    expect(terminalLogStream(fakeStdout(false).stream, {})).toBeUndefined();
  });

  it('print a readable line with the level and message, and still redact secrets', () => {
    const out = fakeStdout(true);
    const stream = terminalLogStream(out.stream, {});
    expect(stream).toBeDefined();
    const log = pino({ redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, stream!);
    log.info({ url: 'http://127.0.0.1:8787', req: { headers: { authorization: 'Bearer aitl_agent_secret' } } }, 'aitl is serving');
    const text = out.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: aitl is serving/);
    expect(text).toContain('http://127.0.0.1:8787');
    expect(text).not.toContain('aitl_agent_secret');
    expect(text.trimStart().startsWith('{')).toBe(false);
  });
});
