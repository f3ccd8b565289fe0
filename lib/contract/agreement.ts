import { z } from 'zod';
import { IsoDateTime } from './common';

/** Cohen's kappa between two agents' labels of the same items; null when there is nothing to compare. */
export const AgreementStatistic = z.strictObject({
  /** Items at least two agents judged (the first two agents by pseudonym are compared). */
  items: z.int().min(0),
  /** Share of those items both agents labelled alike. */
  observed: z.number().min(0).max(1).nullable(),
  /** Agreement the two agents' label frequencies would give by chance. */
  expected: z.number().min(0).max(1).nullable(),
  /** (observed − expected) / (1 − expected): 1 perfect, 0 chance, below 0 worse than chance. */
  kappa: z.number().min(-1).max(1).nullable(),
});
export type AgreementStatistic = z.infer<typeof AgreementStatistic>;

export const AgentVolume = z.strictObject({
  /** A stable pseudonym per tenant and agent (`agent-` and 8 hex digits), never the agent's name. */
  agent: z.string(),
  preference: z.int().min(0),
  adoption: z.int().min(0),
  relevance: z.int().min(0),
  missingKnowledge: z.int().min(0),
});
export type AgentVolume = z.infer<typeof AgentVolume>;

export const AgreementResponse = z.strictObject({
  from: IsoDateTime,
  to: IsoDateTime,
  /** Relevance labels of the same article on the same ticket by two agents (each agent's latest label). */
  relevance: AgreementStatistic,
  /**
   * Preferences on the same pair of replies by two agents (each agent's latest verdict), labelled
   * by the winning arm, tie or both bad: do two agents pick the same reply?
   */
  preference: AgreementStatistic,
  /** Annotations per agent in the window, busiest first. */
  agents: z.array(AgentVolume),
});
export type AgreementResponse = z.infer<typeof AgreementResponse>;
