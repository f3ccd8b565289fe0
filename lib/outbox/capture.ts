import stringify from 'safe-stable-stringify';
import { Annotation, describeIssues, type AnnotationCapture, type RationaleTag } from '../contract';
import type { OverlayDb } from './db';

export class CaptureError extends Error {
  constructor(
    readonly code: 'invalid' | 'conflict' | 'not_found' | 'already_sent',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Makes a captured annotation durable: the annotation and its outbox entry in one transaction, so
 * neither exists without the other. Capturing the same annotation again (a retried message) is a
 * no-op; the same id with other content is refused.
 */
export async function captureAnnotation(db: OverlayDb, capture: AnnotationCapture, clientId: string, opts: { holdMs?: number; now?: number } = {}): Promise<string> {
  const parsed = Annotation.safeParse({ ...capture, clientId });
  if (!parsed.success) throw new CaptureError('invalid', `annotation is invalid: ${describeIssues(parsed.error)}`);
  const annotation = parsed.data;
  const now = opts.now ?? Date.now();
  await db.transaction('rw', db.annotations, db.outbox, async () => {
    const existing = await db.annotations.get(annotation.id);
    if (existing) {
      if (stringify(existing.annotation) === stringify(annotation)) return;
      throw new CaptureError('conflict', `annotation ${annotation.id} was already captured with other content`);
    }
    await db.annotations.add({ id: annotation.id, annotation, capturedAt: now });
    await db.outbox.add({ id: annotation.id, queuedAt: now, notBefore: opts.holdMs ? now + opts.holdMs : 0 });
  });
  return annotation.id;
}

/**
 * Adds the agent's rationale to an adoption annotation still on the device, and releases it for
 * sync. Events are immutable once the server has them, which is why the panel holds an adoption
 * that asks for a rationale for a short while.
 */
export async function amendAdoption(db: OverlayDb, id: string, rationale: { rationaleTags: RationaleTag[]; rationaleText?: string | undefined }): Promise<void> {
  await db.transaction('rw', db.annotations, db.outbox, async () => {
    const stored = await db.annotations.get(id);
    const queued = await db.outbox.get(id);
    if (!stored || !queued) throw new CaptureError('already_sent', 'this adoption was already sent (or is not on this device); a rationale can no longer be added');
    if (stored.annotation.type !== 'adoption') throw new CaptureError('not_found', `annotation ${id} is not an adoption`);
    const text = rationale.rationaleText?.trim();
    const payload = {
      ...stored.annotation.payload,
      ...(rationale.rationaleTags.length > 0 && { rationaleTags: rationale.rationaleTags }),
      ...(text && { rationaleText: text }),
    };
    const parsed = Annotation.safeParse({ ...stored.annotation, payload });
    if (!parsed.success) throw new CaptureError('invalid', `rationale is invalid: ${describeIssues(parsed.error)}`);
    await db.annotations.put({ ...stored, annotation: parsed.data });
    await db.outbox.put({ ...queued, notBefore: 0 });
  });
}
