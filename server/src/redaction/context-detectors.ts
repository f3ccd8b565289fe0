import { digitsOf, each, type Detector } from './pii-span';

/**
 * PII that only the words around it give away: a bare digit run after "call me" (alone it is as
 * likely an order number), an address spelled `jane(at)example.com` to dodge scrapers, a secret
 * after its name outside any URL (`password=…`, `api_key: …`, `"client_secret": "…"`). The cue
 * words are English plus the usual abbreviations; other languages' words are not here yet.
 */

// "call me on", "phone:", "mobile number is", "tel." ... then a number, with at most a few words between.
const PHONE_CUE = /\b(?:call(?:ing|ed)?|phone|ph|tel|telephone|mobile|mob|cell(?:phone)?|whatsapp|sms|text(?: me)?|ring|dial|fax)\b[^\d\n+(]{0,24}/gi;
const PHONE_SHAPE = /^(?:\+|00)?\(?\d[\d ()./-]{6,20}\d(?![\w-]|[.,]\d)/;
// The words between a phone cue and the number must not name another kind of number.
const OTHER_NUMBER = /\b(?:order|invoice|ticket|case|ref(?:erence)?|tracking|account|acct|booking|id|sku|serial|awb|po|no)\b|#/i;

// Cheap tests of what each detector needs at the least, so most texts skip the costlier patterns.
const HAS_OBFUSCATED_AT_OR_DOT = /[([{<]\s*(?:at|@|dot)\s*[)\]}>]|\s(?:dot|DOT)\s/i;
const HAS_SECRET_NAME = /pw|pass|secret|key|token|otp/i;

const phoneAfterCue: Detector = (text, out, digits) => {
  // It takes only numbers of 9 or more digits (below).
  if (digits < 9) return;
  each(PHONE_CUE, text, (m) => {
    if (OTHER_NUMBER.test(m[0].slice(m[0].search(/\W/) + 1))) return;
    const at = m.index + m[0].length;
    const shape = PHONE_SHAPE.exec(text.slice(at, at + 32));
    if (!shape) return;
    const value = shape[0].replace(/[ ./(-]+$/, '');
    const digits = digitsOf(value).length;
    // Dates and times have their own shapes; a phone has 9..15 digits wherever it is from.
    if (digits < 9 || digits > 15 || /^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$/.test(value)) return;
    out.push({ start: at, end: at + value.length, type: 'PHONE' });
  });
};

// `jane(at)example.com`, `mike [at] contoso [dot] com`, `raj.k AT gmail DOT com`, `ann dot lee at mail dot com`.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9_%+-]*[A-Za-z0-9])?';
const BRACKET_AT = String.raw`\s*[([{<]\s*(?:at|@)\s*[)\]}>]\s*`;
const SPELLED_DOT = String.raw`(?:\s*[([{<]\s*dot\s*[)\]}>]\s*|\s+(?:dot|DOT)\s+)`;
const DOT = String.raw`(?:\.|${SPELLED_DOT})`;
const TLD = '[A-Za-z]{2,}(?![A-Za-z0-9-])';
const LOCAL = `(?<![\\w.%+-])${LABEL}(?:${DOT}${LABEL})*`;
const EMAIL_BRACKETED = new RegExp(`${LOCAL}${BRACKET_AT}(?:${LABEL}${DOT})+${TLD}`, 'g');
// A bare " at " only counts when the domain's dots are spelled too ("look at docs.example.com" is
// prose), and a lowercase one only after a name that is not a plain word ("we met at 5 dot com").
const EMAIL_SPELLED = new RegExp(`${LOCAL}\\s+(?:at|AT)\\s+(?:${LABEL}${DOT})*${LABEL}${SPELLED_DOT}${TLD}`, 'g');
const PLAIN_WORD_AT = /^[A-Za-z]+\s+at\s/;

const obfuscatedEmail: Detector = (text, out) => {
  if (!HAS_OBFUSCATED_AT_OR_DOT.test(text)) return;
  each(EMAIL_BRACKETED, text, (m) => out.push({ start: m.index, end: m.index + m[0].length, type: 'EMAIL' }));
  // On "write to me at ann dot lee at ..." the first try is "me at ann dot lee": rejected, look again one word on.
  EMAIL_SPELLED.lastIndex = 0;
  for (let m = EMAIL_SPELLED.exec(text); m; m = EMAIL_SPELLED.exec(text)) {
    if (PLAIN_WORD_AT.test(m[0])) EMAIL_SPELLED.lastIndex = m.index + m[0].search(/\s/);
    else out.push({ start: m.index, end: m.index + m[0].length, type: 'EMAIL' });
  }
};

// A secret's name (also as the tail of a config key: DB_PASSWORD, x-api-key), then = or : or "is".
const SECRET_NAME =
  '(?:password|passwd|pwd|pw|pass(?:code|phrase)|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|(?:access|refresh|auth|api|bearer|id)?[_-]?token|otp)';
const SECRET_ASSIGNED = new RegExp(
  `(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_-])*${SECRET_NAME}["']?(?:\\s*(?:[:=]|=>)|\\s+(?:is|was))\\s*["']?([^\\s"'\`<>{}[\\](),;]{4,})`,
  'gi',
);
const BASIC_AUTH = /\bAuthorization:\s*(?:Basic|Token)\s+([A-Za-z0-9+/=._~-]{8,})/gi;

const secretAfterName: Detector = (text, out) => {
  if (HAS_SECRET_NAME.test(text)) each(SECRET_ASSIGNED, text, (m) => {
    const value = m[1]!.replace(/[.,:]+$/, '');
    // "Password: required", "token is expired": prose, not a secret. Secrets mix in digits or symbols.
    const mixed = /[\d\W_]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value));
    if (value.length < 4 || (!mixed && value.length < 16)) return;
    const start = m.index + m[0].length - m[1]!.length;
    out.push({ start, end: start + value.length, type: 'SECRET' });
  });
  each(BASIC_AUTH, text, (m) => {
    const start = m.index + m[0].length - m[1]!.length;
    out.push({ start, end: start + m[1]!.length, type: 'SECRET' });
  });
};

export const contextDetectors: Detector[] = [phoneAfterCue, obfuscatedEmail, secretAfterName];
