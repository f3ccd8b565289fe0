import type { ChatMessage, GroundingArticle, TicketContext, TicketMessage } from '../../../lib/contract';
import type { PromptExamples } from './similar-examples';

/**
 * Prompt templates for chat arms, by version. A version is never edited once used: impressions
 * and batches refer to it, so a change is a new version (and the old one stays for comparison).
 */
export const PROMPT_VERSIONS = ['support-reply-1', 'support-reply-brief-1'] as const;
export type PromptVersion = (typeof PROMPT_VERSIONS)[number];

/** Per article, enough text to answer from without blowing a small model's context. */
const ARTICLE_CHARS = 2_500;
const MESSAGE_CHARS = 4_000;
const MESSAGES = 12;

const INSTRUCTIONS: Record<PromptVersion, string> = {
  'support-reply-1': [
    "You draft replies for a customer support agent. Write the agent's next reply to the customer.",
    'Use only the knowledge base articles provided. Never invent policies, prices, dates or steps they do not state.',
    'If the articles do not answer the question, say briefly what you will check, and ask for any detail you need.',
    'Cite each article you use with its number in square brackets, like [2], right after the sentence that uses it.',
    'Be friendly, plain and specific. Address every question the customer asked. At most 180 words. No signature.',
  ].join('\n'),
  'support-reply-brief-1': [
    "You draft short replies for a customer support agent. Write the agent's next reply to the customer.",
    'Answer only from the knowledge base articles provided; do not invent anything they do not state.',
    'Cite each article you use with its number in square brackets, like [1].',
    'Two to four sentences, at most 80 words, no greeting formulas beyond "Hi <name>," and no signature.',
  ].join('\n'),
};

const SPEAKER: Record<TicketMessage['role'], string> = {
  customer: 'Customer',
  agent: 'Agent',
  internal: 'Internal note (not visible to the customer)',
  bot: 'Bot',
  unknown: 'Message',
};

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

/**
 * The prompt version an impression records: with example replies in the prompt, the example set
 * is part of it (`support-reply-1+ex3`), so a new set is a new version in metrics and batches.
 */
export const servedPromptVersion = (version: string, examples: PromptExamples | undefined) => (examples ? `${version}+${examples.version}` : version);

const EXAMPLES_INTRO = [
  'Replies agents sent to similar past tickets. Follow their tone, length and the checks agents make;',
  'take facts only from the knowledge base articles. Bracketed placeholders such as [CUSTOMER_NAME] or [EMAIL_1]',
  'stand for details removed for privacy: never write them in your reply.',
].join(' ');

function examplesSection(examples: PromptExamples | undefined): string {
  if (!examples || examples.replies.length === 0) return '';
  const shown = examples.replies.map((e, i) => `Example ${i + 1}\nTicket: ${e.ticketText}\nReply sent: ${e.replyText}`).join('\n\n');
  return `${EXAMPLES_INTRO}\n\n${shown}\n\n---\n`;
}

/** The exact messages a chat arm sends; stored with the impression. */
export function buildChatPrompt(version: PromptVersion, context: TicketContext, articles: GroundingArticle[], examples?: PromptExamples): ChatMessage[] {
  const kb = articles.length
    ? articles.map((a, i) => `[${i + 1}] ${a.title}${a.url ? `\n${a.url}` : ''}\n${clip(a.body, ARTICLE_CHARS)}`).join('\n\n')
    : '(no articles matched this ticket)';
  const name = context.requester?.name ? `Customer name: ${context.requester.name}\n` : '';
  const thread = context.messages
    .filter((m) => m.text.trim())
    .slice(-MESSAGES)
    .map((m) => `${SPEAKER[m.role]}: ${clip(m.text.trim(), MESSAGE_CHARS)}`)
    .join('\n\n');
  return [
    { role: 'system', content: INSTRUCTIONS[version] },
    {
      role: 'user',
      content: `${examplesSection(examples)}Knowledge base articles:\n\n${kb}\n\n---\nTicket subject: ${context.subject ?? '(none)'}\n${name}\nConversation:\n\n${thread || '(empty)'}\n\n---\nWrite the agent's next reply.`,
    },
  ];
}

/**
 * Reads `[n]` / `[n, m]` citations out of a reply: returns the text without them and the cited
 * articles' ids in order of first citation. Numbers that match no article are dropped.
 */
export function extractCitations(reply: string, articles: Pick<GroundingArticle, 'id'>[]): { text: string; cited: string[] } {
  const cited: string[] = [];
  const text = reply
    .replace(/\s*\[(\d+(?:\s*,\s*\d+)*)\]/g, (_match, list: string) => {
      for (const n of list.split(',')) {
        const article = articles[Number(n.trim()) - 1];
        if (article && !cited.includes(article.id)) cited.push(article.id);
      }
      return '';
    })
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .trim();
  return { text, cited };
}
