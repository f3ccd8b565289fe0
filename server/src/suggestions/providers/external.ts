import { ExternalArmResponse, describeIssues, type ExternalArmRequest } from '../../../../lib/contract';
import type { Arm } from '../arms-config';
import { postJson } from './post-json';
import { ProviderError, type ArmOutput, type GenerationInput } from './provider';

type ExternalArm = Extract<Arm, { provider: 'external' }>;

/**
 * A team's own service: it receives the ticket and the shown articles (ExternalArmRequest) and
 * answers a reply with the articles it used (ExternalArmResponse), by AITL id or external id.
 * Citations of articles outside the shown set are dropped: the agent could not judge them.
 */
export async function externalReply(arm: ExternalArm, input: GenerationInput): Promise<ArmOutput> {
  const request: ExternalArmRequest = {
    impressionId: input.impressionId,
    arm: { id: arm.id, model: arm.model, promptVersion: arm.promptVersion },
    context: input.context,
    articles: input.articles,
  };
  const answer = ExternalArmResponse.safeParse(await postJson(arm.url, request, arm.token, input.signal));
  if (!answer.success) throw new ProviderError(`${arm.url} answered an invalid reply: ${describeIssues(answer.error)}`);
  const byExternal = new Map(input.articles.map((a) => [a.externalId, a.id]));
  const shown = new Set(input.articles.map((a) => a.id));
  const cited = [
    ...answer.data.citedArticleIds.map((id) => id.toLowerCase()),
    ...answer.data.citedExternalIds.map((e) => byExternal.get(e)),
  ].filter((id): id is string => !!id && shown.has(id));
  return { text: answer.data.text, citedArticleIds: [...new Set(cited)] };
}
