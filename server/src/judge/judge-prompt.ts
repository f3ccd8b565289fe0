import type { ChatMessage, ShownArticle, TicketContext } from '../../../lib/contract';
import { rubricText, type RubricVersion } from './rubric';

/** What the judge is shown for one reply: the ticket as the copilot saw it, the articles shown, the reply. */
export interface JudgedReply {
  context: TicketContext;
  articles: Pick<ShownArticle, 'title' | 'snippet'>[];
  reply: string;
}

const MESSAGES = 12;
const MESSAGE_CHARS = 4_000;
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

/**
 * The rubric is the system message, word for word, so the published file is exactly what the judge
 * reads; the ticket, articles and reply follow as data in one user message.
 */
export function judgePrompt(rubric: RubricVersion, input: JudgedReply): ChatMessage[] {
  const messages = input.context.messages.slice(-MESSAGES).map((m) => `[${m.role}${m.author ? `: ${m.author}` : ''}] ${clip(m.text, MESSAGE_CHARS)}`);
  const articles = input.articles.map((a, i) => `[${i + 1}] ${a.title}\n${a.snippet}`);
  const user = [
    `Ticket subject: ${input.context.subject ?? '(none)'}`,
    'Ticket messages, oldest first:',
    messages.length > 0 ? messages.join('\n\n') : '(none)',
    '',
    'Knowledge-base articles the copilot was shown:',
    articles.length > 0 ? articles.join('\n\n') : '(none)',
    '',
    'The reply to judge:',
    '<<<',
    input.reply,
    '>>>',
    '',
    'Score this reply on the rubric. Answer with the JSON object only.',
  ].join('\n');
  return [
    { role: 'system', content: rubricText(rubric) },
    { role: 'user', content: user },
  ];
}
