/** What the detectors report: typed spans of a text, possibly overlapping (pii.ts resolves overlaps). */
export const PII_TYPES = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'SECRET'] as const;
export type PiiType = (typeof PII_TYPES)[number];

export interface PiiSpan {
  start: number;
  end: number;
  type: PiiType;
}

export type Detector = (text: string, out: PiiSpan[]) => void;

export const digitsOf = (s: string) => s.replace(/\D/g, '');

/** Calls `fn` for every match of the global pattern `re` in `text`. */
export function each(re: RegExp, text: string, fn: (m: RegExpExecArray) => void) {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    fn(m);
    if (m[0].length === 0) re.lastIndex++;
  }
}
