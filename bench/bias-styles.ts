/**
 * Reply styles for the bias-amplification bench: three equally valid ways to answer the same
 * support ticket, told apart by their shape (how much they explain), the way a fixed classifier
 * told the paper's articles apart by leaning. Human agents write all three; the reply model
 * starts with a small preference for one of them.
 */

export const STYLES = ['brief', 'standard', 'detailed'] as const;
export type Style = (typeof STYLES)[number];

/** The ticket a reply answers: the facts every reply mentions, whatever its style. */
export interface TicketFacts {
  name: string;
  order: string;
  product: string;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run repeats. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const GREETINGS = ['Hi {name},', 'Hello {name},', 'Hey {name},', 'Dear {name},', 'Good morning {name},', 'Thanks for writing in, {name}.'];
const RESOLUTIONS = [
  'I have refunded order {order} for the {product}',
  'the refund for the {product} on order {order} is on its way',
  'I have sent a replacement {product} for order {order}',
  'order {order} is now cancelled and the {product} will not ship',
  'I have credited your account for the {product} from order {order}',
  'the charge for the {product} on order {order} has been reversed',
  'your {product} from order {order} has been reshipped by express post',
  'I have fixed the address on order {order}, so the {product} ships tomorrow',
];
const REASONS = [
  'The parcel was held at the depot after a sorting fault on our side.',
  'Our warehouse sent the wrong colour, which is our mistake, not yours.',
  'The card payment was captured twice because of a timeout at checkout.',
  'A stock error meant the item was promised before it was in the building.',
  'The courier marked it delivered by mistake and has opened an investigation.',
  'The discount code did not apply because the basket was edited after it was added.',
  'Our system split the order into two shipments and only one was sent.',
  'The item failed our final quality check, so we held it back.',
];
const TIMINGS = [
  'You should see it within five working days.',
  'It usually shows up in two to three days.',
  'Expect an email confirmation within the hour.',
  'Most banks show it by the end of the week.',
  'Tracking will follow as soon as the courier scans it.',
];
const STEP_INTRO = ['Here is what happens next:', 'The next steps are:', 'What to do from here:', 'To wrap this up:'];
const STEPS = [
  'Keep the original {product} until the courier collects it.',
  'Check your inbox for the confirmation email about order {order}.',
  'Print the prepaid label attached to that email.',
  'Drop the parcel at any post office within 14 days.',
  'Look for the refund line on your next statement.',
  'Reply to this message if the tracking does not move in two days.',
  'Open the Orders page and confirm the new delivery slot.',
  'Sign out and back in so the app shows the updated order.',
  'Leave the old {product} unused so the return is accepted.',
  'Keep the order number {order} handy if you call us.',
];
const CLOSINGS = ['Anything else, just reply here.', 'Sorry again for the trouble.', 'Have a good rest of your day.', 'Thanks for your patience.', 'Let me know if I can help with anything else.'];

const fill = (s: string, t: TicketFacts) => s.replaceAll('{name}', t.name).replaceAll('{order}', t.order).replaceAll('{product}', t.product);
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + '.';

/** A reply to the ticket in the given style, drawn from the phrase banks with `r`. */
export function writeReply(style: Style, t: TicketFacts, r: () => number): string {
  const greeting = fill(pick(r, GREETINGS), t);
  const resolution = sentence(fill(pick(r, RESOLUTIONS), t));
  if (style === 'brief') return `${greeting} ${resolution}`;
  const reason = pick(r, REASONS);
  const closing = pick(r, CLOSINGS);
  if (style === 'standard') return `${greeting} ${resolution} ${reason} ${pick(r, TIMINGS)} ${closing}`;
  const steps = [...STEPS].sort(() => r() - 0.5).slice(0, 3 + Math.floor(r() * 2));
  return `${greeting} ${resolution} ${reason}\n${pick(r, STEP_INTRO)}\n${steps.map((s, i) => `${i + 1}. ${fill(s, t)}`).join('\n')}\n${closing}`;
}

/**
 * The style of a reply, from its shape alone: a numbered list of steps is `detailed`, prose of
 * three sentences or more is `standard`, anything shorter is `brief` (sentences of three words or
 * more: a sign-off does not count). Light edits (a word here
 * and there) keep the shape, so they keep the style; a rewrite takes the writer's own.
 */
export function classifyStyle(text: string): Style {
  const lines = text.split('\n');
  if (lines.filter((l) => /^\s*\d+[.)]\s+\S/.test(l)).length >= 2) return 'detailed';
  const sentences = text
    .replace(/\b(Mr|Mrs|Ms|Dr|St)\./g, '$1')
    .split(/(?<=[.!?])\s+|\n+/)
    // A sign-off ("Best, Sam") is not a sentence of the reply.
    .filter((s) => s.split(/\s+/).filter((w) => /[a-z]{2,}/i.test(w)).length >= 3);
  return sentences.length >= 3 ? 'standard' : 'brief';
}
