/** What the detectors report: typed spans of a text, possibly overlapping (pii.ts resolves overlaps). */
export const PII_TYPES = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'SECRET'] as const;
export type PiiType = (typeof PII_TYPES)[number];

export interface PiiSpan {
  start: number;
  end: number;
  type: PiiType;
}

/** `digits` is `countDigits(text)`, counted once for all detectors. */
export type Detector = (text: string, out: PiiSpan[], digits: number) => void;

export const digitsOf = (s: string) => s.replace(/\D/g, '');

/** How many digits (`\d`: 0-9) `s` has; the search finds the first one natively, and most texts have none. */
export function countDigits(s: string): number {
  const first = s.search(/\d/);
  if (first < 0) return 0;
  let n = 0;
  for (let i = first; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Calls `fn` for every match of the global pattern `re` in `text`. */
export function each(re: RegExp, text: string, fn: (m: RegExpExecArray) => void) {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    fn(m);
    if (m[0].length === 0) re.lastIndex++;
  }
}
