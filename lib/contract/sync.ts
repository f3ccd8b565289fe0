import { z } from 'zod';
import { Uuid } from './common';
import { LIMITS } from './values';
import { AdapterHealthReport, AdapterHealthResult } from './adapter-health';
import { Annotation } from './annotation';

/**
 * `POST /v1/sync` body as a client sends it: annotations, and optionally the adapter health
 * counts gathered since the last acknowledged report (clients from before it send none). A sync
 * carries at least one annotation, or only a health report (a broken selector may mean the panel
 * never showed, so nothing was annotated: that is when the report matters most).
 */
export const SyncRequest = z.union([
  z.strictObject({
    clientId: Uuid,
    annotations: z.array(Annotation).min(1).max(LIMITS.annotationsPerSync),
    adapterHealth: AdapterHealthReport.optional(),
  }),
  z.strictObject({ clientId: Uuid, annotations: z.array(Annotation).max(0), adapterHealth: AdapterHealthReport }),
]);
export type SyncRequest = z.infer<typeof SyncRequest>;

/**
 * The request as the server checks it whole: each annotation is validated on its own afterwards,
 * so one bad annotation is `rejected` without blocking the others, and the health report on its
 * own too, so a malformed one is `rejected` without losing the annotations beside it.
 */
export const SyncRequestEnvelope = z
  .strictObject({
    clientId: Uuid,
    annotations: z.array(z.unknown()).max(LIMITS.annotationsPerSync),
    adapterHealth: z.unknown().optional(),
  })
  .refine((body) => body.annotations.length > 0 || body.adapterHealth !== undefined, {
    path: ['annotations'],
    message: 'must hold at least one annotation (or the sync must carry an adapterHealth report)',
    // Checked even when another field failed, so the error names every failing path at once.
    when: (payload) => Array.isArray((payload.value as { annotations?: unknown } | null)?.annotations),
  });

export const SyncStatus = z.enum(['stored', 'duplicate', 'rejected', 'conflict']);
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SyncResult = z.strictObject({
  /** Position of the annotation in the request. */
  index: z.int().min(0),
  /** The annotation id, or null when the annotation had no readable id. */
  id: z.string().nullable(),
  status: SyncStatus,
  error: z
    .strictObject({
      message: z.string(),
      /** Failing field paths, e.g. `payload.strength`. */
      paths: z.array(z.string()),
    })
    .optional(),
});
export type SyncResult = z.infer<typeof SyncResult>;

/** Sent only after every `stored` row is committed. */
export const SyncResponse = z.strictObject({
  results: z.array(SyncResult),
  /** Present when the request carried an adapter health report. */
  adapterHealth: AdapterHealthResult.optional(),
});
export type SyncResponse = z.infer<typeof SyncResponse>;

/** `stored` and `duplicate` mean the server has the annotation; the client may forget it. */
export const isAcknowledged = (status: SyncStatus) => status === 'stored' || status === 'duplicate';
