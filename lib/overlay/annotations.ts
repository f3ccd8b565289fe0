import { v7 as uuidv7 } from 'uuid';
import type { AdoptionPayload, AnnotationCapture, Impression, MissingKnowledgePayload, PreferencePayload, RelevancePayload } from '../contract';
import { ANNOTATION_SCHEMA_VERSION } from '../contract/values';

export interface CaptureContext {
  impression: Impression;
  /** When the impression was shown (ms since epoch), for time-to-decision. */
  shownAt: number;
  clientVersion?: string;
  now?: number;
}

type Typed =
  | { type: 'preference'; payload: PreferencePayload }
  | { type: 'adoption'; payload: AdoptionPayload }
  | { type: 'relevance'; payload: RelevancePayload }
  | { type: 'missing_knowledge'; payload: MissingKnowledgePayload };

/** A new immutable event about what the agent saw: fresh UUIDv7, tied to the impression and ticket. */
export function buildAnnotation(ctx: CaptureContext, typed: Typed): AnnotationCapture {
  const now = ctx.now ?? Date.now();
  return {
    id: uuidv7({ msecs: now }),
    schemaVersion: ANNOTATION_SCHEMA_VERSION,
    createdAt: new Date(now).toISOString(),
    ticket: ctx.impression.ticket,
    impressionId: ctx.impression.id,
    elapsedMs: Math.max(0, Math.round(now - ctx.shownAt)),
    ...(ctx.clientVersion && { clientVersion: ctx.clientVersion.slice(0, 32) }),
    ...typed,
  } as AnnotationCapture;
}
