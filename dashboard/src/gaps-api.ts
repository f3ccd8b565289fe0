import type { GapClusterList } from '../../lib/contract/knowledge-gap-cluster';
import type { GapResolveResponse } from '../../lib/contract/knowledge-gap';
import { getJson, postJson } from './api';

export const fetchGapClusters = (token: string, signal?: AbortSignal) => getJson<GapClusterList>('/v1/gaps/clusters', token, signal);

/** `aitl gaps resolve GAP ARTICLE`, through the same API. */
export const resolveGap = (token: string, gap: number, externalId: string, source?: string) =>
  postJson<GapResolveResponse>(`/v1/gaps/${gap}/resolve`, token, { externalId, ...(source ? { source } : {}) });
