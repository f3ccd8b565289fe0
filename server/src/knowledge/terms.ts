import { stemmer } from 'stemmer';

// Words that say nothing about which article answers a ticket. Postgres drops its own English
// stop words on the search side; this list is for the text work done here (snippets, sentence
// picking), where a ticket's "hi, can you please help" must not decide anything.
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by can
  could did do does doing down during each few for from further had has have having he her here hers herself him himself his how
  i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out
  over own same she should so some such than that the their theirs them themselves then there these they this those through to
  too under until up very was we were what when where which while who whom why will with would you your yours yourself
  yourselves hi hello hey thanks thank please help regards cheers dear team also get got still really since yet ok okay
  im ive dont cant doesnt didnt wont isnt`.split(/\s+/),
);

/** Lower-cased word tokens (letters and digits, apostrophes dropped), in order. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/['’]/g, '').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Stemmed content terms of a text, in order, repeats kept. */
export function terms(text: string): string[] {
  return words(text)
    .filter((w) => !STOP_WORDS.has(w) && (w.length > 1 || /\d/.test(w)))
    .map((w) => stemmer(w));
}

/** The distinct stemmed content terms of a text. */
export function termSet(text: string): Set<string> {
  return new Set(terms(text));
}
