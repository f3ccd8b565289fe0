/**
 * The bench's side of a request's first seconds, from the diagnostics channels of node's fetch
 * (undici), in epoch ms: when fetch made the request (`create`), when a new connection was asked
 * for (`connecting`) and opened (`connected`, with its local port: the server's remote port),
 * when the request's head was written to the socket (`sent`) and its response head arrived
 * (`headers`); and the bench's own event-loop stalls (a 5 ms timer more than 20 ms late).
 * bench/burst-timeline.ts joins this with the server's side (bench/burst-probe.mjs).
 */
import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

type Event = { e: string; t: number; id?: string; port?: number; ms?: number };

const now = () => performance.timeOrigin + performance.now();

const idFromArray = (headers: unknown): string | undefined => {
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === 'x-request-id') return String(headers[i + 1]);
  return undefined;
};
const idFromHead = (head: unknown): string | undefined => (typeof head === 'string' ? /\r\nx-request-id: ([^\r]+)\r\n/i.exec(head)?.[1] : undefined);

/** Starts recording; `stop(file)` stops and writes the events, one JSON object a line. */
export function startClientProbe(): { stop(file: string): void } {
  const events: Event[] = [];
  const handlers: [string, (message: unknown) => void][] = [
    ['undici:request:create', (m) => events.push({ e: 'create', t: now(), id: idFromArray((m as { request: { headers: unknown } }).request.headers) })],
    ['undici:client:beforeConnect', () => events.push({ e: 'connecting', t: now() })],
    ['undici:client:connected', (m) => events.push({ e: 'connected', t: now(), port: (m as { socket: { localPort: number } }).socket.localPort })],
    [
      'undici:client:sendHeaders',
      (m) => {
        const { headers, socket } = m as { headers: unknown; socket: { localPort: number } };
        events.push({ e: 'sent', t: now(), id: idFromHead(headers), port: socket.localPort });
      },
    ],
    ['undici:request:headers', (m) => events.push({ e: 'headers', t: now(), id: idFromArray((m as { request: { headers: unknown } }).request.headers) })],
  ];
  for (const [name, handler] of handlers) diagnostics.subscribe(name, handler);
  let last = now();
  const ticker = setInterval(() => {
    const t = now();
    if (t - last - 5 > 20) events.push({ e: 'stall', t: last + 5, ms: t - last - 5 });
    last = t;
  }, 5);
  return {
    stop(file) {
      clearInterval(ticker);
      for (const [name, handler] of handlers) diagnostics.unsubscribe(name, handler);
      writeFileSync(file, events.map((x) => JSON.stringify(x)).join('\n') + '\n');
    },
  };
}
