/**
 * A request to an `aitl serve` child process, asked again after a load-shedding 503 as the
 * extension does: a server just started on a busy machine (CI, two cores, other suites running)
 * can answer its first requests with 503 and Retry-After while its event loop still lags. The
 * test still sees whatever the server answers once it is not shedding, and a server that keeps
 * shedding still fails the test (the last 503 is returned).
 */
export async function fetchRetryingShed(url: string, init?: RequestInit, attempts = 5): Promise<Response> {
  let res = await fetch(url, init);
  for (let attempt = 0; res.status === 503 && attempt < attempts; attempt++) {
    await res.body?.cancel();
    // The wait the server names, at most 5 s (1 s when it names none).
    await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get('retry-after') ?? 1), 5) * 1000));
    res = await fetch(url, init);
  }
  return res;
}
