import type { GroundingArticle, TicketContext } from '../../../../lib/contract';
import { termSet } from '../../knowledge/terms';
import { ticketQuery, queryText } from '../../knowledge/ticket-query';
import { ProviderError, type ArmOutput, type GenerationInput } from './provider';

/**
 * The embedded arm: composes a grounded reply from the top articles, with no model and no network,
 * so suggestions work offline and every sentence can be traced to an article. Two strategies give
 * the pairwise comparison two genuinely different replies:
 * - `lead`: the sentences of the best article that share the most terms with the ticket;
 * - `steps`: the best article's numbered procedure, or its best-matching paragraph.
 */
export function extractiveReply(strategy: 'lead' | 'steps', input: Pick<GenerationInput, 'context' | 'articles'>): ArmOutput {
  const [top, second] = input.articles;
  if (!top) throw new ProviderError('no article matched the ticket, so there is nothing to ground a reply on');
  const terms = termSet(queryText(ticketQuery(input.context)));
  const name = firstName(input.context);
  const cited = [top.id];
  const parts: string[] = [];

  if (strategy === 'lead') {
    parts.push(`Hi ${name ?? 'there'},`, 'Thanks for getting in touch.');
    const sentences = bestSentences(top.body, terms, 3);
    parts.push(sentences.join(' '));
    parts.push(`You can find all the details in our article "${top.title}"${top.url ? `: ${top.url}` : '.'}`);
    if (second && sharesTerms(second, terms)) {
      parts.push(`"${second.title}" may also help${second.url ? `: ${second.url}` : '.'}`);
      cited.push(second.id);
    }
    parts.push('Let me know if anything is unclear.', 'Best regards,');
  } else {
    parts.push(`Hello ${name ?? 'there'},`);
    const steps = numberedSteps(top.body);
    if (steps.length >= 2) {
      parts.push(`Here is how to sort this out (from "${top.title}"):`);
      parts.push(steps.map((s, i) => `${i + 1}. ${s}`).join('\n'));
    } else {
      parts.push(`From our article "${top.title}":`);
      parts.push(bestParagraph(top.body, terms));
    }
    if (top.url) parts.push(`The full article: ${top.url}`);
    parts.push('If that does not solve it, reply to this message and I will look into it further.', 'Kind regards,');
  }
  return { text: parts.filter(Boolean).join('\n\n'), citedArticleIds: cited };
}

function firstName(context: TicketContext): string | null {
  const first = context.requester?.name?.trim().split(/\s+/)[0];
  return first && /^[\p{L}][\p{L}'-]{0,40}$/u.test(first) ? first : null;
}

const sharesTerms = (a: GroundingArticle, terms: ReadonlySet<string>) => [...termSet(`${a.title}\n${a.body}`)].filter((t) => terms.has(t)).length >= 2;

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Prose lines of an article: table rows and headings read badly inside a reply. */
function proseLines(body: string): string[] {
  return body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/\S {3,}\S/.test(l) && /[.!?:)]$/.test(l));
}

function overlap(text: string, terms: ReadonlySet<string>): number {
  let n = 0;
  for (const t of termSet(text)) if (terms.has(t)) n++;
  return n;
}

/** Up to `count` sentences sharing the most terms with the ticket, in article order. */
function bestSentences(body: string, terms: ReadonlySet<string>, count: number): string[] {
  const sentences = proseLines(body).flatMap((line) =>
    [...segmenter.segment(line.replace(/^(\d+\.|[*•-])\s+/, ''))].map((s) => s.segment.trim()).filter((s) => s.length > 20),
  );
  const ranked = sentences
    .map((s, i) => ({ s, i, score: overlap(s, terms) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, count)
    .sort((a, b) => a.i - b.i);
  return ranked.map((r) => r.s);
}

/** The article's first numbered list (up to 8 steps). */
function numberedSteps(body: string): string[] {
  const steps: string[] = [];
  for (const line of body.split('\n')) {
    const m = /^\s*(\d+)\.\s+(.+)$/.exec(line);
    if (m) {
      if (Number(m[1]) !== steps.length + 1) break;
      steps.push(m[2]!.trim());
    } else if (steps.length > 0 && line.trim()) break;
  }
  return steps.slice(0, 8);
}

function bestParagraph(body: string, terms: ReadonlySet<string>): string {
  const paragraphs = body.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 40 && !/\S {3,}\S/.test(p));
  let best = paragraphs[0] ?? body.trim();
  let bestScore = -1;
  for (const p of paragraphs) {
    const score = overlap(p, terms);
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best.length > 1200 ? `${best.slice(0, 1200).replace(/\s+\S*$/, '')}…` : best;
}
