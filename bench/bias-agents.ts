/**
 * Simulated support agents for the bias-amplification bench. Each writes in a style of their own
 * (the team as a whole writes the three evenly) and shows automation bias: most suggestions go
 * out as they are, whatever their style (writers edited AI drafts only 23% of the time in the
 * study cited in research.md); a suggestion in a style not their own is edited or rewritten more
 * often. The outcome is not chosen here: it is what the extension's own edit similarity makes of
 * the text the agent sends.
 */
import { DEFAULT_ADOPTION_THRESHOLDS, type AdoptionOutcome } from '../lib/contract';
import { adoptionOf } from '../lib/edit-similarity';
import { STYLES, writeReply, type Style, type TicketFacts } from './bias-styles';

export interface SimulatedAgent {
  name: string;
  style: Style;
}

export interface AgentAction {
  /** What the agent meant to do; `outcome` is what the edit similarity made of it. */
  action: 'send' | 'touch_up' | 'rework' | 'rewrite' | 'ignore';
  outcome: AdoptionOutcome;
  similarity: number | null;
  sentText: string;
}

/** Action probabilities when the suggestion is in the agent's own style, and when it is not. */
export const AUTOMATION_BIAS = {
  ownStyle: { send: 0.78, touch_up: 0.14, rework: 0.04, rewrite: 0.02, ignore: 0.02 },
  otherStyle: { send: 0.62, touch_up: 0.14, rework: 0.12, rewrite: 0.08, ignore: 0.04 },
} as const;

const AGENT_NAMES = ['Sam', 'Priya', 'Jonas', 'Aiko', 'Lena', 'Omar', 'Chloe', 'Mateo', 'Ines', 'Tariq', 'Nora', 'Felix'];

/** A team of 12, four writing in each style. */
export function team(): SimulatedAgent[] {
  return AGENT_NAMES.map((name, i) => ({ name, style: STYLES[i % STYLES.length]! }));
}

const firstSentence = (text: string) => text.split(/(?<=[.!?])\s+/)[0]!;
const afterFirstSentence = (text: string) => text.slice(firstSentence(text).length).trimStart();

/** What `agent` sends for ticket `t` after seeing `suggestion` (written in `style`). */
export function respond(agent: SimulatedAgent, t: TicketFacts, suggestion: { style: Style; text: string }, r: () => number): AgentAction {
  const odds = suggestion.style === agent.style ? AUTOMATION_BIAS.ownStyle : AUTOMATION_BIAS.otherStyle;
  let u = r();
  let action: AgentAction['action'] = 'ignore';
  for (const [a, p] of Object.entries(odds) as [AgentAction['action'], number][]) {
    if ((u -= p) < 0) {
      action = a;
      break;
    }
  }
  let sentText: string;
  switch (action) {
    case 'send':
      sentText = suggestion.text;
      break;
    case 'touch_up':
      // A word or two: the agent's sign-off, the suggestion's shape (and style) unchanged.
      sentText = `${suggestion.text}\n${r() < 0.5 ? 'Best' : 'Cheers'}, ${agent.name}`;
      break;
    case 'rework': {
      // Keeps the suggestion's opening, rewrites the rest in the agent's own style.
      const own = writeReply(agent.style, t, r);
      sentText = `${firstSentence(suggestion.text)} ${afterFirstSentence(own)}`.trim();
      break;
    }
    default:
      sentText = writeReply(agent.style, t, r);
  }
  if (action === 'ignore') return { action, outcome: 'not_used', similarity: null, sentText };
  const { similarity, outcome } = adoptionOf(suggestion.text, sentText, DEFAULT_ADOPTION_THRESHOLDS);
  return { action, outcome, similarity, sentText };
}
