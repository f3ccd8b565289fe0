import type { ArmReply, BatchSpec, Impression } from '../../../../lib/contract';
import { isSuperseded, type CurrentArticles } from '../examples/article-texts';
import { memoized } from '../examples/memo';
import { hashRank } from '../examples/sampling';

/** In the batch's window: everything under `accumulate`, only what arrived since the last batch under `latest-only`. */
export const inWindow = (spec: BatchSpec, seq: number): boolean => spec.policy === 'accumulate' || seq > spec.fromSeq;

/** Where the knowledge-gap phase starts: every report under `accumulate`, only the new ones under `latest-only`. */
export const gapsFrom = (spec: BatchSpec): number => (spec.policy === 'accumulate' ? 0 : spec.fromSeq);

/** Held out for eval.jsonl. Salted by nothing that changes between batches: a ticket held out once stays held out. */
export const heldOut = (spec: BatchSpec, ticketKey: string): boolean => evalRank(ticketKey) < spec.evalShare;
// Asked once per annotation, so once per ticket several times over.
const evalRank = memoized((ticketKey: string) => hashRank('eval', ticketKey));

/** True when a reply cites an article the agent saw at a version that has since been superseded or retired. */
export function armSuperseded(current: CurrentArticles, impression: Impression, arm: ArmReply): boolean {
  return arm.citedArticleIds.some((id) => {
    const shown = impression.articles.find((a) => a.id.toLowerCase() === id.toLowerCase());
    return shown !== undefined && isSuperseded(current, shown.id, shown.version);
  });
}
