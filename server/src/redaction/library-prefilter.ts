/**
 * Whether any of the library patterns pii.ts uses (LIBRARY_PATTERNS) could match a text: for each
 * pattern, something every match of it contains (its leading keyword, or the shortest run of
 * digits or key characters it needs), read off the library's regexes. A text that passes none
 * skips the library, whose every call costs far more than its patterns (it builds a Blob, a
 * redacted copy and audit metrics). A ticket subject with an order number or an email address no
 * longer counts as "has a digit, ask the library". library-prefilter.test.ts checks every pattern
 * is covered and compares with the library on random texts.
 */
export const LIBRARY_NEEDS: Record<string, RegExp> = {
  // (?:\d{4}[\s.-]?){3}\d{4} or \d{4}[\s.-]?\d{6}[\s.-]?\d{5}: either starts with four, maybe a separator, four more.
  CREDIT_CARD: /\d{4}[\s\u00A0.-]?\d{4}/,
  SSN: /\b(?:SSN|social\s+security)\b/i,
  NATIONAL_INSURANCE_UK: /\b(?:NI\b|NINO|national\s+insurance)/i,
  ITIN: /\b(?:ITIN|individual taxpayer)/i,
  SIN_CA: /\b(?:SIN|social insurance)/i,
  OPENAI_API_KEY: /sk-/,
  AWS_SECRET_KEY: /[a-zA-Z0-9/+=]{40}/,
  PRIVATE_KEY: /-----BEGIN /,
  IBAN: /\b[A-Z]{2}\d{2}/i,
  PASSPORT_UK: /pass/i,
  PASSPORT_US: /pass/i,
  NHS_NUMBER: /\bNHS/i,
  AWS_ACCESS_KEY: /AKIA/,
  GOOGLE_API_KEY: /AIza/,
  STRIPE_API_KEY: /[sp]k_(?:live|test)_/,
  GITHUB_TOKEN: /gh[pousr]_/,
  SLACK_TOKEN: /xox[baprs]-/,
  CANADIAN_SIN: /\d{3}[-\s]?\d{3}[-\s]?\d{3}/,
  JWT_TOKEN: /eyJ/,
  BEARER_TOKEN: /Bearer\s/,
  NPM_TOKEN: /npm_/,
  // [0-9]{8}[-\s]?[A-Z] or [XYZ][-\s]?[0-9]{7}[-\s]?[A-Z]
  SPANISH_DNI: /\d{7}/,
  SINGAPORE_NRIC: /\d{7}/,
  GERMAN_TAX_ID: /\d{11}/,
  // Four dotted numbers: a digit, a dot, a digit somewhere.
  IPV4: /\d\.\d/,
  IPV6: /(?:[0-9a-fA-F]{1,4}:){7}/,
};

// The same tests, grouped so a text is read a few times rather than 26: keywords, digit shapes, runs.
const KEYWORDS = /sk-|-----BEGIN |AKIA|AIza|[sp]k_(?:live|test)_|gh[pousr]_|xox[baprs]-|eyJ|Bearer\s|npm_/;
const KEYWORDS_ANY_CASE = /pass|\b(?:SSN|social\s+security)\b|\b(?:NI\b|NINO|national\s+insurance)|\b(?:ITIN|individual taxpayer)|\b(?:SIN|social insurance)|\bNHS/i;
const DIGIT_SHAPES = /\d{7}|\d{4}[\s\u00A0.-]?\d{4}|\d{3}[-\s]?\d{3}[-\s]?\d{3}|\d\.\d|\b[A-Z]{2}\d{2}/i;
const IPV6_RUN = /(?:[0-9a-fA-F]{1,4}:){7}/;

export function libraryMightMatch(text: string): boolean {
  return KEYWORDS.test(text) || KEYWORDS_ANY_CASE.test(text) || DIGIT_SHAPES.test(text) || (text.includes(':') && IPV6_RUN.test(text)) || hasSecretKeyRun(text);
}

// The patterns each grouped test above stands for.
const KEYWORD_PATTERNS = ['OPENAI_API_KEY', 'PRIVATE_KEY', 'AWS_ACCESS_KEY', 'GOOGLE_API_KEY', 'STRIPE_API_KEY', 'GITHUB_TOKEN', 'SLACK_TOKEN', 'JWT_TOKEN', 'BEARER_TOKEN', 'NPM_TOKEN'];
const ANY_CASE_PATTERNS = ['SSN', 'NATIONAL_INSURANCE_UK', 'ITIN', 'SIN_CA', 'PASSPORT_UK', 'PASSPORT_US', 'NHS_NUMBER'];
const DIGIT_SHAPE_PATTERNS = ['CREDIT_CARD', 'CANADIAN_SIN', 'SPANISH_DNI', 'SINGAPORE_NRIC', 'GERMAN_TAX_ID', 'IPV4', 'IBAN'];

/**
 * The library patterns whose need (LIBRARY_NEEDS) `text` meets, so the library runs only those:
 * a text with an order number in it then costs the one pattern it could match instead of all 26
 * (the AWS secret key pattern alone, tried at every position, cost more than the rest). A pattern
 * left out matches nothing in `text`, so it finds nothing and hides nothing from the others (the
 * library drops a finding that overlaps an earlier pattern's). The grouped tests go first, so a
 * group that fails costs no per-pattern test. `hasDigit` is the caller's `/\d/.test(text)`.
 */
export function libraryPatternsFor(text: string, hasDigit: boolean): string[] {
  const wanted: string[] = [];
  if (mayHaveKeyword(text)) addNeeded(wanted, KEYWORD_PATTERNS, text);
  if (KEYWORDS_ANY_CASE.test(text)) addNeeded(wanted, ANY_CASE_PATTERNS, text);
  // Every shape in DIGIT_SHAPES has a digit.
  if (hasDigit && DIGIT_SHAPES.test(text)) addNeeded(wanted, DIGIT_SHAPE_PATTERNS, text);
  if (text.includes(':') && IPV6_RUN.test(text)) wanted.push('IPV6');
  if (hasSecretKeyRun(text)) wanted.push('AWS_SECRET_KEY');
  return wanted;
}

/**
 * False only when KEYWORDS cannot match: each keyword contains one of these pieces (the three with
 * `_` share it), and a piece with a rare first character is found faster than the regex tries its
 * ten alternatives at every position. True lets the per-pattern tests decide, so a loose answer
 * costs time, never a finding.
 */
function mayHaveKeyword(text: string): boolean {
  return (
    text.includes('_') ||
    text.includes('k-') ||
    text.includes('-----BEGIN ') ||
    text.includes('AKIA') ||
    text.includes('AIza') ||
    text.includes('xox') ||
    text.includes('yJ') ||
    text.includes('Bearer')
  );
}

// A function, not a closure in libraryPatternsFor: tsx names every closure it creates (esbuild's
// keepNames), which cost more than the tests inside.
function addNeeded(wanted: string[], types: readonly string[], text: string): void {
  for (const t of types) if (LIBRARY_NEEDS[t]!.test(text)) wanted.push(t);
}

const KEY_RUN = 40;
const KEY_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=') KEY_CHAR[c.charCodeAt(0)] = 1;
const isKeyChar = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c < 128 && KEY_CHAR[c] === 1;
};

/**
 * 40 characters of [a-zA-Z0-9/+=] in a row (AWS_SECRET_KEY), without a regex trying every position
 * or a loop reading every character: any 40 positions in a row include exactly one of 39, 79,
 * 119, ..., so only the run through each of those is measured (in prose, a word or nothing).
 */
function hasSecretKeyRun(text: string): boolean {
  for (let at = KEY_RUN - 1; at < text.length; at += KEY_RUN) {
    if (!isKeyChar(text, at)) continue;
    let start = at;
    while (start > 0 && isKeyChar(text, start - 1)) start--;
    let end = at + 1;
    while (end < text.length && end - start < KEY_RUN && isKeyChar(text, end)) end++;
    if (end - start >= KEY_RUN) return true;
  }
  return false;
}
