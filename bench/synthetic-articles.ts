import type { SourceArticle } from '../server/src/knowledge/sources/source-article';

// Deterministic pseudo-random numbers so every run indexes the same knowledge base.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const PRODUCTS = ['Garden Valve', 'Air Purifier', 'Smart Lock', 'Thermostat', 'Baby Monitor', 'Pet Feeder', 'Robot Vacuum', 'Blinds Motor', 'Smoke Alarm', 'Garage Opener', 'Irrigation Hub', 'Video Intercom', 'Floor Lamp', 'Ceiling Fan', 'Space Heater Controller', 'Pool Sensor'];
const TOPICS = ['Set up', 'Troubleshoot', 'Reset', 'Update', 'Pair', 'Mount', 'Clean', 'Configure alerts on', 'Share access to', 'Replace the battery in', 'Connect', 'Return', 'Warranty for', 'Billing for', 'Move', 'Calibrate'];
const ASPECTS = ['after a power cut', 'on a new network', 'with the app', 'for guests', 'in winter', 'when offline', 'with voice assistants', 'for business accounts', 'step by step', 'and schedules', 'with Matter', 'in the EU'];

/**
 * Synthetic articles, deterministically: each is a variant of one demo article for another
 * fictional product line (its sentences reordered and thinned, the product renamed), so terms
 * cluster by topic the way they do in a real help centre with many product lines.
 */
export function syntheticArticles(demo: SourceArticle[], count: number): SourceArticle[] {
  const random = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const base = demo[i % demo.length]!;
    const product = pick(PRODUCTS);
    const rename = (text: string) => text.replace(/\b(Lumio )?(Hub|Cam Indoor|Cam Outdoor|camera|Doorbell|bulb|Lightstrip|Smart Plug|Keypad|Siren|Chime)s?\b/g, `Lumio ${product}`);
    const sentences = base.body.split(/(?<=[.!?])\s+/).filter(() => random() < 0.8);
    for (let k = sentences.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [sentences[k], sentences[j]] = [sentences[j]!, sentences[k]!];
    }
    const paragraphs: string[] = [];
    for (let k = 0; k < sentences.length; k += 3) paragraphs.push(sentences.slice(k, k + 3).join(' '));
    return {
      externalId: `syn-${String(i + 1).padStart(5, '0')}`,
      title: `${pick(TOPICS)} the Lumio ${product} ${pick(ASPECTS)}`,
      body: rename(paragraphs.join('\n\n') || base.body),
      url: `https://help.lumio.example/hc/en-us/articles/syn-${i + 1}`,
      sourceUpdatedAt: null,
      at: `synthetic:${i + 1}`,
    };
  });
}

