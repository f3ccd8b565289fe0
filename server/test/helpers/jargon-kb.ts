import type { LabelledTicket } from '../../../lib/contract';
import type { ParsedSource } from '../../src/knowledge/sources/source-article';

/**
 * A small help centre whose customers never use the articles' words: each topic has technical
 * articles and a set of customer slang no article contains. Stage one cannot match the slang
 * until a turn has learned it from agents' feedback, which is what the flywheel test checks.
 */
const TOPICS = [
  ['router', 'firmware', 'reboot', ['blinky', 'gizmo']],
  ['invoice', 'billing', 'statement', ['moolah', 'dosh']],
  ['password', 'credentials', 'reset', ['lockedout', 'cantgetin']],
  ['shipment', 'courier', 'dispatch', ['parcelly', 'boxthing']],
  ['subscription', 'renewal', 'cancellation', ['autopay', 'rollover']],
  ['battery', 'charging', 'adapter', ['juicebox', 'zapless']],
  ['camera', 'recording', 'storage', ['snapcam', 'vidbox']],
  ['thermostat', 'heating', 'schedule', ['toastyness', 'chilly']],
] as const;

export function jargonKnowledgeBase(): ParsedSource {
  const articles = TOPICS.flatMap(([a, b, c], i) =>
    [0, 1, 2].map((k) => ({
      externalId: `kb-${i}-${k}`,
      title: k === 0 ? `Fixing ${a} ${b} problems` : `${k === 1 ? 'About' : 'Managing'} your ${a} ${c} settings`,
      body: `This article explains ${a} ${b} and ${c} for your device. ${k === 0 ? `Step by step: check the ${a}, then the ${b}, then ${c}.` : `General information on ${c} options and ${b} history.`} Contact support if the device still has trouble.`,
      url: `https://help.example.com/articles/kb-${i}-${k}`,
      sourceUpdatedAt: null,
      at: `jargon:${i}-${k}`,
    })),
  );
  // Look-alikes: generic device articles that match a slang ticket's few plain words as well as
  // the right article does, so without learning the right one is rarely in the shown 8.
  const filler = Array.from({ length: 60 }, (_, i) => ({
    externalId: `gen-${i}`,
    title: `General device note ${i}`,
    body: `Notes on device ${['setup', 'cleaning', 'placement', 'warranty', 'accessories'][i % 5]} number ${i}. If the device has trouble, contact support and we will help.`,
    url: `https://help.example.com/articles/gen-${i}`,
    sourceUpdatedAt: null,
    at: `jargon:gen-${i}`,
  }));
  return { format: 'markdown', articles: [...articles, ...filler], skipped: [] };
}

/** Tickets in slang: `per` per topic, each answered by the topic's first article. */
export function jargonTickets(per: number, offset: number): LabelledTicket[] {
  const out: LabelledTicket[] = [];
  TOPICS.forEach(([, , , slang], i) => {
    for (let n = 0; n < per; n++) {
      const id = String(80_000 + offset + i * 100 + n);
      out.push({
        ticketId: id,
        subject: `${slang[n % 2]} trouble`,
        messages: [{ role: 'customer', text: `My ${slang[0]} ${slang[1]} device is acting up again, please help with the ${slang[(n + 1) % 2]}.` }],
        relevant: [`kb-${i}-0`],
      } as LabelledTicket);
    }
  });
  return out;
}
