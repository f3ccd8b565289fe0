import type { ChatMessage, GroundingArticle, TicketContext } from '../../../../lib/contract';
import type { PromptExamples } from '../similar-examples';

/** What every arm gets: the ticket and the articles the agent will see (with their full text). */
export interface GenerationInput {
  impressionId: string;
  context: TicketContext;
  articles: GroundingArticle[];
  /** Chat arms configured with `examples`: agent-approved replies to similar tickets, from the served example set. */
  examples?: PromptExamples;
  /** Aborted when the arm's time is up. */
  signal: AbortSignal;
}

export interface ArmOutput {
  text: string;
  /** Ids of articles in `articles` the reply relies on. */
  citedArticleIds: string[];
  /** Chat arms: the messages sent. */
  prompt?: ChatMessage[];
}

/** An arm could not produce a reply; the message is shown to the agent as the reason. */
export class ProviderError extends Error {}
