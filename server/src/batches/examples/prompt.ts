import type { ChatMessage, Impression, TicketContext } from '../../../../lib/contract';
import type { RowRedactor } from '../../redaction/pii';
import type { ArticleText, KnowledgeTexts } from './article-texts';
import type { Redaction, Scanned } from './row-redaction';

/** The prompt's parts before redaction: what the arm saw. */
export interface PromptParts {
  system: Scanned[];
  turns: { role: 'user' | 'assistant'; texts: Scanned[] }[];
}

/**
 * Each article's scanned prompt section, by the text object it was made of (KnowledgeTexts hands
 * out the same object for an article version while it is cached) and its place and cut: a section
 * is a pure function of those, and looking it up by its text meant building and hashing a long
 * string for every article of every impression.
 */
const sections = new WeakMap<ArticleText, Map<number, Scanned[]>>();

async function articleSection(redaction: Redaction, t: ArticleText, place: number, articleChars: number): Promise<Scanned> {
  // By cut, then by place: no key string is built for every article of every impression.
  const hit = sections.get(t)?.get(articleChars)?.[place];
  if (hit) return hit;
  const scanned = await redaction.scan(`\n\n[${place}] ${t.title}\n${t.body.slice(0, articleChars)}`);
  // Looked up again: another prompt may have made the maps while this one waited for the scan.
  let cuts = sections.get(t);
  if (!cuts) sections.set(t, (cuts = new Map()));
  let byPlace = cuts.get(articleChars);
  if (!byPlace) cuts.set(articleChars, (byPlace = []));
  byPlace[place] = scanned;
  return scanned;
}

const SYSTEM_INTRO = 'You are a customer support agent. Reply to the customer, using the knowledge articles below where they apply.';

/**
 * The prompt an arm answered, rebuilt from the impression: the articles shown (at the version
 * shown, cut to `articleChars`), the ticket subject and internal notes as system context, then the
 * conversation as chat turns (customer -> user, agent and bot -> assistant), consecutive turns of
 * one role merged so strict chat templates accept them.
 */
export async function promptParts(
  redaction: Redaction,
  knowledge: KnowledgeTexts,
  impression: Impression,
  context: TicketContext | null,
  articleChars: number,
): Promise<PromptParts> {
  const system: Scanned[] = [await redaction.scan(SYSTEM_INTRO)];
  const articles = [...impression.articles].sort((a, b) => a.rank - b.rank);
  for (const [i, a] of articles.entries()) {
    system.push(await articleSection(redaction, knowledge.text(a), i + 1, articleChars));
  }
  const ticket = ticketTexts(context);
  for (const text of ticket.system) system.push(await redaction.scan(text));
  const turns: PromptParts['turns'] = [];
  for (const t of ticket.turns) {
    const texts: Scanned[] = [];
    for (const text of t.texts) texts.push(await redaction.scan(text));
    turns.push({ role: t.role, texts });
  }
  return { system, turns };
}

/**
 * The ticket's part of the prompt, as the texts promptParts scans: the subject and internal notes
 * (system context), then the conversation, consecutive messages of one role merged into one turn.
 */
export function ticketTexts(context: TicketContext | null): { system: string[]; turns: { role: 'user' | 'assistant'; texts: string[] }[] } {
  const system: string[] = [];
  if (context?.subject) system.push(`\n\nTicket subject: ${context.subject}`);
  const turns: { role: 'user' | 'assistant'; texts: string[] }[] = [];
  for (const m of context?.messages ?? []) {
    if (m.text.trim() === '') continue;
    if (m.role === 'internal') {
      system.push(`\n\nInternal note: ${m.text}`);
      continue;
    }
    const role = m.role === 'agent' || m.role === 'bot' ? 'assistant' : 'user';
    const last = turns.at(-1);
    if (last?.role === role) last.texts.push(`\n\n${m.text}`);
    else turns.push({ role, texts: [m.text] });
  }
  return { system, turns };
}

/** The prompt as chat messages, redacted with the row's redactor. */
export function promptMessages(parts: PromptParts, row: RowRedactor): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: parts.system.map((s) => row.apply(s.text, s.spans)).join('') }];
  for (const t of parts.turns) messages.push({ role: t.role, content: t.texts.map((s) => row.apply(s.text, s.spans)).join('') });
  return messages;
}
