import { z } from 'zod';
import { IsoDateTime, PairOrder, Probability, Slot, TicketRef, Uuid, Uuid7, nonBlankText, text } from './common';
import {
  ADOPTION_OUTCOMES,
  ANNOTATION_SCHEMA_VERSION,
  DEFAULT_ADOPTION_THRESHOLDS,
  KNOWLEDGE_GAP_CATEGORIES,
  LIMITS,
  PREFERENCE_STRENGTHS,
  PREFERENCE_VERDICTS,
  RATIONALE_TAGS,
  RELEVANCE_LABELS,
  classifyAdoption,
} from './values';

/** Fields every annotation carries. Tenant and agent are not here: the server takes them from the token. */
const envelope = {
  id: Uuid7,
  schemaVersion: z.literal(ANNOTATION_SCHEMA_VERSION),
  createdAt: IsoDateTime,
  clientId: Uuid,
  ticket: TicketRef,
  /** The impression (suggestion) the agent was looking at. */
  impressionId: Uuid7,
  /** Milliseconds from the impression being shown to this decision (too-fast decisions are a quality signal). */
  elapsedMs: z.int().min(0).max(30 * 24 * 3600 * 1000).optional(),
  clientVersion: text(32).optional(),
};

// 1. Pairwise preference -------------------------------------------------------------------------

export const PreferenceStrength = z.enum(PREFERENCE_STRENGTHS);
export const PreferenceVerdict = z.enum(PREFERENCE_VERDICTS);

export const PreferencePayload = z
  .strictObject({
    verdict: PreferenceVerdict,
    /** Required when one arm wins; absent for tie and both_bad. */
    strength: PreferenceStrength.optional(),
    /** Left-to-right order the agent saw (position bias is measured from it). */
    shownOrder: PairOrder,
    rationale: text(LIMITS.shortText).optional(),
  })
  .superRefine((p, ctx) => {
    const wins = p.verdict === 'A' || p.verdict === 'B';
    if (wins && !p.strength) {
      ctx.addIssue({ code: 'custom', path: ['strength'], message: `is required when the verdict is ${p.verdict}` });
    }
    if (!wins && p.strength) {
      ctx.addIssue({ code: 'custom', path: ['strength'], message: `must be absent when the verdict is ${p.verdict}` });
    }
  })
  .describe('strength is required when verdict is A or B, and absent for tie and both_bad.');
export type PreferencePayload = z.infer<typeof PreferencePayload>;

// 2. Adoption and rationale ----------------------------------------------------------------------

export const AdoptionOutcome = z.enum(ADOPTION_OUTCOMES);
export type AdoptionOutcome = z.infer<typeof AdoptionOutcome>;

export const RationaleTag = z.enum(RATIONALE_TAGS);
export type RationaleTag = z.infer<typeof RationaleTag>;

/** Similarity cut-offs between the inserted suggestion and the sent text (normalised edit similarity, 0..1). */
export const AdoptionThresholds = z
  .strictObject({ asIs: Probability, lightEdit: Probability, heavyEdit: Probability })
  .refine((t) => t.asIs >= t.lightEdit && t.lightEdit >= t.heavyEdit, 'must satisfy asIs >= lightEdit >= heavyEdit');
export type AdoptionThresholds = z.infer<typeof AdoptionThresholds>;
// The zod-free defaults (values.ts) have this shape; classifyAdoption's use below checks the converse.
DEFAULT_ADOPTION_THRESHOLDS satisfies AdoptionThresholds;

export const AdoptionPayload = z
  .strictObject({
    outcome: AdoptionOutcome,
    /** Which reply was inserted into the composer; null when none was. */
    slot: Slot.nullable(),
    similarity: Probability.nullable(),
    thresholds: AdoptionThresholds,
    /** What the agent actually sent (null when nothing was captured). */
    sentText: text(LIMITS.longText).nullable(),
    channel: z.enum(['public', 'internal', 'unknown']).optional(),
    rationaleTags: z.array(RationaleTag).max(RationaleTag.options.length).optional(),
    rationaleText: text(LIMITS.shortText).optional(),
  })
  .superRefine((p, ctx) => {
    const used = p.outcome !== 'not_used';
    if (used !== (p.slot !== null)) {
      ctx.addIssue({ code: 'custom', path: ['slot'], message: used ? 'is required unless the outcome is not_used' : 'must be null when the outcome is not_used' });
    }
    if (used !== (p.similarity !== null)) {
      ctx.addIssue({ code: 'custom', path: ['similarity'], message: used ? 'is required unless the outcome is not_used' : 'must be null when the outcome is not_used' });
    }
    if (used && p.sentText === null) {
      ctx.addIssue({ code: 'custom', path: ['sentText'], message: 'is required unless the outcome is not_used' });
    }
    if (used && p.similarity !== null && classifyAdoption(p.similarity, p.thresholds) !== p.outcome) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: `does not match similarity ${p.similarity} under the recorded thresholds` });
    }
    if (p.rationaleTags && new Set(p.rationaleTags).size !== p.rationaleTags.length) {
      ctx.addIssue({ code: 'custom', path: ['rationaleTags'], message: 'must not repeat a tag' });
    }
  })
  .describe(
    'slot and similarity are null exactly when outcome is not_used; sentText is required otherwise; ' +
      'outcome must equal the class of similarity under thresholds (>= asIs: as_is, >= lightEdit: light_edit, ' +
      '>= heavyEdit: heavy_edit, else discarded); rationaleTags has no repeats.',
  );
export type AdoptionPayload = z.infer<typeof AdoptionPayload>;

// 3. Knowledge relevance -------------------------------------------------------------------------

export const RelevanceLabel = z.enum(RELEVANCE_LABELS);
export type RelevanceLabel = z.infer<typeof RelevanceLabel>;

export const RelevancePayload = z.strictObject({
  articleId: Uuid,
  articleVersion: z.int().min(1),
  /** 1-based rank in the shown set. */
  rank: z.int().min(1).max(LIMITS.shownArticles),
  label: RelevanceLabel,
});
export type RelevancePayload = z.infer<typeof RelevancePayload>;

// 4. Missing knowledge ---------------------------------------------------------------------------

export const KnowledgeGapCategory = z.enum(KNOWLEDGE_GAP_CATEGORIES);

export const MissingKnowledgePayload = z.strictObject({
  description: nonBlankText(LIMITS.shortText),
  category: KnowledgeGapCategory.optional(),
  suggestedTitle: text(LIMITS.label).optional(),
});
export type MissingKnowledgePayload = z.infer<typeof MissingKnowledgePayload>;

// The event --------------------------------------------------------------------------------------

export const PreferenceAnnotation = z.strictObject({ ...envelope, type: z.literal('preference'), payload: PreferencePayload });
export const AdoptionAnnotation = z.strictObject({ ...envelope, type: z.literal('adoption'), payload: AdoptionPayload });
export const RelevanceAnnotation = z.strictObject({ ...envelope, type: z.literal('relevance'), payload: RelevancePayload });
export const MissingKnowledgeAnnotation = z.strictObject({
  ...envelope,
  type: z.literal('missing_knowledge'),
  payload: MissingKnowledgePayload,
});

/** An immutable feedback event. The id is generated by the client, so a retried sync is idempotent. */
export const Annotation = z.discriminatedUnion('type', [
  PreferenceAnnotation,
  AdoptionAnnotation,
  RelevanceAnnotation,
  MissingKnowledgeAnnotation,
]);
export type Annotation = z.infer<typeof Annotation>;
export type AnnotationType = Annotation['type'];
/** The four types, in the order of the union above. */
export const ANNOTATION_TYPES: readonly AnnotationType[] = Annotation.options.map((o) => o.shape.type.value);

