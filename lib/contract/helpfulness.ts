import { z } from 'zod';
import { AgreementStatistic } from './agreement';
import { IsoDateTime } from './common';

/** Which judge gave the scores: scores are comparable only within one judge model and rubric version. */
export const JudgeName = z.strictObject({ model: z.string(), rubricVersion: z.string() });
export type JudgeName = z.infer<typeof JudgeName>;

/** A judge's rubric scores (1–5) of one arm and model version's replies on the frozen eval slice. */
export const ArmHelpfulness = z.strictObject({
  armId: z.string(),
  model: z.string(),
  promptVersion: z.string(),
  /** Replies scored. */
  n: z.int().min(1),
  mean: z.number().min(1).max(5),
  /** 95% interval of the mean (Student's t); null with a single score. */
  interval: z.strictObject({ low: z.number().min(1).max(5), high: z.number().min(1).max(5) }).nullable(),
  /** How many replies got each score, 1 to 5. */
  scores: z.tuple([z.int(), z.int(), z.int(), z.int(), z.int()]),
});
export type ArmHelpfulness = z.infer<typeof ArmHelpfulness>;

/**
 * The judge against the agents: on impressions where an agent preferred reply A or B and the judge
 * scored both, does the judge's order (higher score) match the agent's choice? Equal scores are a
 * judge tie and count as not matching.
 */
export const JudgeAgreement = z.strictObject({
  /** Impressions with an agent's A/B verdict and both replies scored. */
  pairs: z.int().min(0),
  /** Pairs the judge ordered as the agent did. */
  same: z.int().min(0),
  /** Pairs the judge scored alike. */
  judgeTies: z.int().min(0),
  /** same / pairs. */
  share: z.number().min(0).max(1).nullable(),
  /** Cohen's kappa between the agent's label (A, B) and the judge's (A, B, tie). */
  kappa: AgreementStatistic,
  /**
   * `agrees` kappa ≥ 0.4, `weak` 0.2–0.4, `disagrees` below 0.2 (Landis & Koch's fair/moderate
   * bounds); `too few pairs` under 10, where kappa says little. A judge that disagrees with the
   * agents is not to be trusted as a helpfulness measure.
   */
  verdict: z.enum(['agrees', 'weak', 'disagrees', 'too few pairs']),
});
export type JudgeAgreement = z.infer<typeof JudgeAgreement>;

export const Helpfulness = z.discriminatedUnion('status', [
  /** No judge model is configured: there is no helpfulness number, and none is made up. */
  z.strictObject({ status: z.literal('no judge configured') }),
  z.strictObject({
    status: z.literal('scored'),
    judge: JudgeName,
    /** Per arm and model version; empty until a pass has scored replies in the window. */
    arms: z.array(ArmHelpfulness),
    /** Replies the judge was asked about in the window and gave no usable score for. */
    failures: z.int().min(0),
    agreement: JudgeAgreement,
    /** When the latest pass of this judge finished; null: never. */
    lastRunAt: IsoDateTime.nullable(),
  }),
]);
export type Helpfulness = z.infer<typeof Helpfulness>;
