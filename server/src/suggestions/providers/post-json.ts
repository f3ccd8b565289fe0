import { ProviderError } from './provider';

/** POSTs JSON and returns the parsed answer, turning every failure into a ProviderError that says what happened. */
export async function postJson(url: string, payload: unknown, bearer: string | undefined, signal: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify(payload),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new ProviderError('cancelled');
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ProviderError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    const detail = text.replace(/\s+/g, ' ').slice(0, 200);
    throw new ProviderError(`${url} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError(`${url} answered with something that is not JSON`);
  }
}
