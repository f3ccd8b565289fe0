import { z } from 'zod';
import { AdapterHealthDay } from './adapter-health';
import { IsoDateTime } from './common';
import { Helpfulness } from './helpfulness';

/** A share with the counts behind it, so a reader can judge how much to trust it. Null rate: nothing to divide by. */
export const Rate = z.strictObject({
  rate: z.number().min(0).max(1).nullable(),
  numerator: z.int().min(0),
  denominator: z.int().min(0),
});
export type Rate = z.infer<typeof Rate>;

/** Identifies an arm as the impression recorded it. */
export const ArmKey = z.strictObject({ armId: z.string(), model: z.string(), promptVersion: z.string() });
export type ArmKey = z.infer<typeof ArmKey>;

export const ArmMetrics = ArmKey.extend({
  /** Impressions that showed this arm. */
  shown: z.int().min(0),
  /** strict: sent as-is / shown; lenient: (as-is + light edit) / shown. */
  adoptionStrict: Rate,
  adoptionLenient: Rate,
  /** Pairwise comparisons this arm took part in (ties included, both-bad excluded). */
  comparisons: z.int().min(0),
  /** Strength-weighted share of comparisons won (slight 1, clear 2, strong 3; a tie is half a win at weight 1). */
  winRate: z.number().min(0).max(1).nullable(),
  /** 95% Wilson interval of the win rate over its comparisons (null without comparisons). */
  winRateInterval: z.strictObject({ low: z.number().min(0).max(1), high: z.number().min(0).max(1) }).nullable().optional(),
  /** Bradley–Terry strength, normalised so the arms' strengths sum to 1 within the period. */
  bradleyTerry: z.number().min(0).max(1).nullable(),
});
export type ArmMetrics = z.infer<typeof ArmMetrics>;

export const PeriodMetrics = z.strictObject({
  /** Start of the ISO week (Monday, UTC) the impressions fall in. */
  week: IsoDateTime,
  impressions: z.int().min(0),
  adoptionStrict: Rate,
  adoptionLenient: Rate,
  /** Online precision@8: labelled shown articles marked relevant or partial / labelled. */
  precisionAt8: Rate,
  /** Precision@8 per reranker version, for comparing versions within the week. */
  precisionAt8ByReranker: z.array(z.strictObject({ reranker: z.string(), precisionAt8: Rate })),
  /** Precision@8 per retriever and reranker pair that served: each turn's effect, online. */
  precisionAt8ByVersion: z.array(z.strictObject({ retriever: z.string(), reranker: z.string(), precisionAt8: Rate })),
  /** Preferences where the agent judged both replies bad. */
  bothBad: Rate,
  arms: z.array(ArmMetrics),
  quality: z.strictObject({
    /** Among A/B verdicts: the reply shown on the left won. 0.5 is unbiased. */
    leftWins: Rate,
    /** Preference decisions made faster than the threshold after the impression was shown. */
    tooFast: Rate,
    /** Impressions with both an A/B verdict and an inserted reply: the inserted reply was the preferred one. */
    preferenceMatchesAdoption: Rate,
  }),
});
export type PeriodMetrics = z.infer<typeof PeriodMetrics>;

export const OfflineMetrics = z.strictObject({
  'recall@75': z.number(),
  'precision@8': z.number(),
  'hit@8': z.number(),
  'mrr@8': z.number(),
  tickets: z.int().min(0),
});

export const PromotedModel = z.strictObject({
  kind: z.string(),
  version: z.string(),
  action: z.enum(['promote', 'rollback']),
  at: IsoDateTime,
  actor: z.string(),
  reason: z.string(),
  turn: z.int().nullable(),
  /** On the eval slice when the turn promoted it: the version's own numbers and those of what it replaced. */
  offline: z.strictObject({ candidate: OfflineMetrics, replaced: OfflineMetrics }).nullable(),
});
export type PromotedModel = z.infer<typeof PromotedModel>;

export const MetricsQuery = z.strictObject({
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
});

export const MetricsResponse = z.strictObject({
  from: IsoDateTime,
  to: IsoDateTime,
  /** Decisions faster than this many milliseconds count as too fast. */
  tooFastMs: z.int().min(0),
  weeks: z.array(PeriodMetrics),
  /** Every change of what serves, oldest first, with the offline evaluation the turn made of it. */
  models: z.array(PromotedModel),
  /** Per day, site and extension version: selectors that matched only by a fallback or not at all, in tickets. */
  adapterHealth: z.array(AdapterHealthDay),
  /** Rubric scores of a judge model over the frozen eval slice, per arm and model version (see lib/contract/helpfulness.ts). */
  helpfulness: Helpfulness,
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;
