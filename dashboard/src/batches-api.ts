import type { z } from 'zod';
import type { BatchDetail, BatchList } from '../../lib/contract/batch';
import { apiFetch, getJson } from './api';

export type BatchListResponse = z.infer<typeof BatchList>;
export type BatchDetailResponse = z.infer<typeof BatchDetail>;

export const fetchBatches = (token: string, signal?: AbortSignal) => getJson<BatchListResponse>('/v1/batches', token, signal);
export const fetchBatch = (token: string, number: number, signal?: AbortSignal) => getJson<BatchDetailResponse>(`/v1/batches/${number}`, token, signal);

/**
 * Saves a batch file. The token goes only in the bearer header, so a plain link cannot carry it:
 * the file is fetched, held as a Blob and handed to the browser through a blob: URL that lives
 * only until the download has started.
 */
export async function downloadBatchFile(token: string, number: number, name: string): Promise<void> {
  const response = await apiFetch(`/v1/batches/${number}/files/${encodeURIComponent(name)}`, token, { accept: '*/*' });
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = `batch-${number}-${name}`;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has handed the Blob to the download; revoking at once can cancel it in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
