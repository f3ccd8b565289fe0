/** The line `npm run bench` reads from each bench's output: one JSON object after a fixed prefix. */
export const BENCH_RESULT_PREFIX = 'bench-result ';

export function benchResult(name: string, value: unknown) {
  console.log(`${BENCH_RESULT_PREFIX}${JSON.stringify({ name, value })}`);
}
