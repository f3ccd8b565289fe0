import { z } from 'zod';
import { Uuid } from './common';
import { LIMITS } from './values';
import { Annotation } from './annotation';

/** `POST /v1/sync` body as a client sends it. */
export const SyncRequest = z.strictObject({
  clientId: Uuid,
  annotations: z.array(Annotation).min(1).max(LIMITS.annotationsPerSync),
});
export type SyncRequest = z.infer<typeof SyncRequest>;

/**
 * The request as the server checks it whole: each annotation is validated on its own afterwards,
 * so one bad annotation is `rejected` without blocking the others.
 */
export const SyncRequestEnvelope = SyncRequest.extend({
  annotations: z.array(z.unknown()).min(1).max(LIMITS.annotationsPerSync),
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
export const SyncResponse = z.strictObject({ results: z.array(SyncResult) });
export type SyncResponse = z.infer<typeof SyncResponse>;

/** `stored` and `duplicate` mean the server has the annotation; the client may forget it. */
export const isAcknowledged = (status: SyncStatus) => status === 'stored' || status === 'duplicate';
