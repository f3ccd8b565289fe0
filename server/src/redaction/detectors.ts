import net from 'node:net';
import { contextDetectors } from './context-detectors';
import { countDigits, digitsOf, each, type Detector, type PiiSpan } from './pii-span';

export { PII_TYPES, type PiiSpan, type PiiType } from './pii-span';

/**
 * Our own PII detectors, for what the library (see pii.ts) misses on the corpus: any-domain emails,
 * international and separated national phone formats, Luhn-checked cards, checksum-verified IBANs,
 * SSN/ITIN and a few national ids with their check digits, IPv4/IPv6, and secrets carried in URLs;
 * context-detectors.ts adds what only the surrounding words give away.
 * Each one validates what it matches, so order numbers, dates, prices and versions stay.
 */

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 check of a compact IBAN. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const d of value) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

const EMAIL = /(?<![\w.%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\w-])/g;

// International: + or 00, a country code, then 6..14 more digits in groups. National: NANP with
// separators, or a leading 0 with spaces (UK and most of Europe). Unseparated digit runs are left
// alone: they are order and tracking numbers far more often than phones (context-detectors.ts takes
// them when a phone word comes first). None starts inside a letter-prefixed code (`PN-0043-5512-77`)
// or after another digit group (`6521 4411 0093 2217`, a card that fails Luhn).
const PHONE_INTL = /(?<![A-Za-z0-9][-/])(?<!\d[ .])(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\d-])/g;
const PHONE_NANP = /(?<![\w.\/-])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w-])|(?<![\w.\/-])(?<!\d )\d{3} \d{3} \d{4}(?![\w-])/g;
const PHONE_TRUNK = /(?<![\w.\/-])(?<!\d[ .])0\d{2,4} \d{3,4} ?\d{3,4}(?![\w-]|\.\d)/g;

// 13..19 digits in groups, not inside a longer digit run (tracking numbers), starting like a card.
const CARD = /(?<![\d-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![ -]?\d)/g;

const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![a-z0-9])/g;

const SSN = /(?<![\d-])(?!000|666|9)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;
const ITIN = /(?<![\d-])9\d{2}-[5-9]\d-\d{4}(?![\d-])/g;
// Unlabelled only in its printed, spaced form: a compact AB123456C is as often a booking reference
// (NAMED_ID still takes "NINO: AB123456C").
const UK_NINO = /(?<![A-Za-z0-9])[A-Z]{2} \d{2} \d{2} \d{2} [A-D](?![A-Za-z0-9])/g;
const ES_DNI = /(?<![A-Za-z0-9])([XYZ]\d{7}|\d{8})([A-Z])(?![A-Za-z0-9])/g;
const CA_SIN = /(?<![\d-])\d{3}[ -]\d{3}[ -]\d{3}(?![\d-])/g;
/** An id introduced by its name ("passport number: 533380006", "Steuer-ID 12 345 678 901"). */
const NAMED_ID =
  /\b(?:passport|ssn|social security|national (?:id|insurance)|id number|identity (?:card|number)|nino|sin|nhs|dni|nie|tax id|tin|steuer-id|aadhaar|emirates id|personnummer|bsn|pesel|codice fiscale)\b(?:\s*(?:no\.?|number|#))?\s*(?:is\s*)?[:#]?\s*([A-Z0-9](?:[ -]?[A-Z0-9]){5,19})/gi;

const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)/g;
// "firmware version 2.10.3.1", "v3.1.4.1", "section 4.2.1.3", "OID 1.3.6.1": four numbers that name a
// version or a place in a document, not an address.
const VERSION_BEFORE =
  /(?:\b(?:version|ver|firmware|fw|build|release|rel|revision|rev|sdk|app|driver|agent|client|update|upgrade|patch|section|chapter|clause|paragraph|oid)\.?[\s:#-]*|(?<![A-Za-z])v\.?\s?)$/i;
/** Whether the dotted numbers at `start` follow a version's or a document section's name. */
export const namesAVersion = (text: string, start: number) => VERSION_BEFORE.test(text.slice(Math.max(0, start - 24), start));
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g;

const URL = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const SECRET_PARAM =
  /^(?:token|access_token|refresh_token|id_token|auth|auth_token|api_?key|key|secret|client_secret|password|passwd|pwd|pass|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|session|session_?id|sid|code|otp|jwt|hash)$/i;
const BEARER = /\bBearer\s+([A-Za-z0-9._~+/-]{16,}=*)/g;
const JWT = /(?<![\w-])eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;

const detectors: Detector[] = [
  (text, out) => each(EMAIL, text, (m) => out.push({ start: m.index, end: m.index + m[0].length, type: 'EMAIL' })),
  (text, out) =>
    each(PHONE_INTL, text, (m) => {
      const value = m[0].replace(/[ .(-]+$/, '');
      // The digits after + or 00: a country code and a national number of 6 or more.
      const n = digitsOf(value).length - (value.startsWith('00') ? 2 : 0);
      if (n >= 8 && n <= 15) out.push({ start: m.index, end: m.index + value.length, type: 'PHONE' });
    }),
  (text, out) => each(PHONE_NANP, text, (m) => out.push({ start: m.index, end: m.index + m[0].length, type: 'PHONE' })),
  (text, out) =>
    each(PHONE_TRUNK, text, (m) => {
      const n = digitsOf(m[0]).length;
      if (n >= 10 && n <= 11) out.push({ start: m.index, end: m.index + m[0].length, type: 'PHONE' });
    }),
  (text, out) =>
    each(CARD, text, (m) => {
      const d = digitsOf(m[0]);
      if (d.length >= 13 && d.length <= 19 && luhnValid(d)) out.push({ start: m.index, end: m.index + m[0].length, type: 'CARD' });
    }),
  (text, out) =>
    each(IBAN, text, (m) => {
      // The pattern may run into a following code; shorten group by group until the checksum holds.
      let candidate = m[0];
      while (candidate.replace(/ /g, '').length >= 15) {
        if (ibanValid(candidate.replace(/ /g, ''))) {
          out.push({ start: m.index, end: m.index + candidate.length, type: 'IBAN' });
          return;
        }
        candidate = candidate.slice(0, -1).trimEnd();
      }
    }),
  (text, out) => each(SSN, text, (m) => out.push({ start: m.index, end: m.index + m[0].length, type: 'NATIONAL_ID' })),
  (text, out) => each(ITIN, text, (m) => out.push({ start: m.index, end: m.index + m[0].length, type: 'NATIONAL_ID' })),
  (text, out) => each(UK_NINO, text, (m) => out.push({ start: m.index, end: m.index + m[0].length, type: 'NATIONAL_ID' })),
  (text, out) =>
    each(ES_DNI, text, (m) => {
      const num = Number(m[1]!.replace(/^[XYZ]/, (c) => String('XYZ'.indexOf(c))));
      if ('TRWAGMYFPDXBNJZSQVHLCKE'[num % 23] === m[2]) out.push({ start: m.index, end: m.index + m[0].length, type: 'NATIONAL_ID' });
    }),
  (text, out) =>
    each(CA_SIN, text, (m) => {
      if (luhnValid(digitsOf(m[0]))) out.push({ start: m.index, end: m.index + m[0].length, type: 'NATIONAL_ID' });
    }),
  (text, out) =>
    each(NAMED_ID, text, (m) => {
      const value = m[1]!;
      // "id number INV-2024-00871": a letter-prefixed document number, not a national id.
      if (digitsOf(value).length < 5 || /^[A-Z]{2,}[-/]/i.test(value)) return;
      const start = m.index + m[0].length - value.length;
      out.push({ start, end: start + value.length, type: 'NATIONAL_ID' });
    }),
  (text, out) =>
    each(IPV4, text, (m) => {
      if (!namesAVersion(text, m.index)) out.push({ start: m.index, end: m.index + m[0].length, type: 'IP' });
    }),
  (text, out) =>
    each(IPV6, text, (m) => {
      if (net.isIPv6(m[0])) out.push({ start: m.index, end: m.index + m[0].length, type: 'IP' });
    }),
  (text, out) =>
    each(URL, text, (m) => {
      const url = m[0].replace(/[.,;:!?)\]]+$/, '');
      const base = m.index;
      // user:password@host
      const auth = /^https?:\/\/[^/@\s:]+:([^/@\s]+)@/i.exec(url);
      if (auth) {
        const start = base + auth[0].length - 1 - auth[1]!.length;
        out.push({ start, end: start + auth[1]!.length, type: 'SECRET' });
      }
      // ?name=value&... and #name=value&... with a secret-sounding name
      const params = /[?#&]([^=&#\s]+)=([^&#\s]+)/g;
      each(params, url, (p) => {
        if (!SECRET_PARAM.test(p[1]!) || p[2]!.length < 4) return;
        const start = base + p.index + p[0].length - p[2]!.length;
        out.push({ start, end: start + p[2]!.length, type: 'SECRET' });
      });
    }),
  (text, out) =>
    each(BEARER, text, (m) => {
      const start = m.index + m[0].length - m[1]!.length;
      out.push({ start, end: start + m[1]!.length, type: 'SECRET' });
    }),
  (text, out) => each(JWT, text, (m) => out.push({ start: m.index, end: m.index + m[0].length, type: 'SECRET' })),
];

// What each detector above, in order, cannot match without: most texts skip most of the patterns.
// A gate only skips a detector that would find nothing, so the spans and their order are unchanged.
// The digit gates are the fewest digits a finding of that detector has (by its pattern or by the
// digit count it checks), so an order number ("order 104321") skips the phones, cards and ids.
const DIGITS = (least: number) => (_text: string, digits: number) => digits >= least;
const AT = (text: string) => text.includes('@');
const COLON = (text: string) => text.includes(':');
const URL_SCHEME = (text: string) => text.includes('://');
const BEARER_WORD = (text: string) => text.includes('Bearer');
const JWT_START = (text: string) => text.includes('eyJ');
const GATES: ((text: string, digits: number) => boolean)[] = [
  AT, // EMAIL
  DIGITS(8), // PHONE_INTL: 8..15 after the + or 00
  DIGITS(10), // PHONE_NANP
  DIGITS(10), // PHONE_TRUNK: 10 or 11
  DIGITS(13), // CARD: 13..19
  DIGITS(2), // IBAN: its check digits
  DIGITS(9), // SSN
  DIGITS(9), // ITIN
  DIGITS(6), // UK_NINO
  DIGITS(7), // ES_DNI
  DIGITS(9), // CA_SIN
  DIGITS(5), // NAMED_ID
  DIGITS(4), // IPV4
  COLON, // IPV6
  URL_SCHEME,
  BEARER_WORD,
  JWT_START,
];
if (GATES.length !== detectors.length) throw new Error(`detectors.ts: ${detectors.length} detectors but ${GATES.length} gates`);

/**
 * Every span our detectors find, possibly overlapping (pii.ts resolves overlaps); `gated: false` runs
 * every pattern (tests). `digits` is `countDigits(text)`, passed by a caller that needs it too.
 */
export function detectOwn(text: string, gated = true, digits = countDigits(text)): PiiSpan[] {
  const out: PiiSpan[] = [];
  detectors.forEach((detect, i) => (!gated || GATES[i]!(text, digits)) && detect(text, out, digits));
  for (const detect of contextDetectors) detect(text, out, digits);
  return out;
}
