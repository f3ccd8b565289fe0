import {
  AdoptionOutcome,
  Annotation,
  IsoDateTime,
  KnowledgeGapCategory,
  PreferenceStrength,
  PreferenceVerdict,
  RationaleTag,
  RelevanceLabel,
  Platform,
  Uuid,
  Uuid7,
} from '../../../lib/contract';
import { ANNOTATION_SCHEMA_VERSION, LIMITS, classifyAdoption } from '../../../lib/contract/values';

/**
 * A quick check of the annotations sync sees every day, ahead of the zod schema: when it says an
 * item is valid, `Annotation.safeParse` would have accepted it and returned an equal value (the
 * schema has no defaults or transforms, and its objects are strict), so the item itself is used.
 * Anything it is unsure of (an error, an unusual shape, a present-but-undefined field) returns
 * null and goes to zod, which gives the verdict and the error paths. It must never accept what zod
 * rejects; the property test in server/test/annotations/plain-annotation.test.ts holds it to that.
 * The patterns are the schema's own, so a change of format reaches both.
 */
const pattern = (schema: unknown): RegExp => {
  const p = (schema as { _zod?: { pattern?: unknown } })._zod?.pattern;
  if (!(p instanceof RegExp)) throw new Error('plain-annotation: a schema lost its pattern; update the quick check');
  return p;
};
const UUID7 = pattern(Uuid7);
const UUID = pattern(Uuid);
const DATETIME = pattern(IsoDateTime);
const TICKET_ID = /^[A-Za-z0-9_-]+$/;

const PLATFORMS = new Set<unknown>(Platform.options);
const VERDICTS = new Set<unknown>(PreferenceVerdict.options);
const STRENGTHS = new Set<unknown>(PreferenceStrength.options);
const OUTCOMES = new Set<unknown>(AdoptionOutcome.options);
const TAGS = new Set<unknown>(RationaleTag.options);
const LABELS = new Set<unknown>(RelevanceLabel.options);
const CATEGORIES = new Set<unknown>(KnowledgeGapCategory.options);
const SLOTS = new Set<unknown>(['A', 'B']);
const CHANNELS = new Set<unknown>(['public', 'internal', 'unknown']);

const ENVELOPE = ['id', 'schemaVersion', 'createdAt', 'clientId', 'ticket', 'impressionId', 'elapsedMs', 'clientVersion', 'type', 'payload'];
const KEYS = {
  top: new Set(ENVELOPE),
  ticket: new Set(['platform', 'ticketId']),
  preference: new Set(['verdict', 'strength', 'shownOrder', 'rationale']),
  adoption: new Set(['outcome', 'slot', 'similarity', 'thresholds', 'sentText', 'channel', 'rationaleTags', 'rationaleText']),
  thresholds: new Set(['asIs', 'lightEdit', 'heavyEdit']),
  relevance: new Set(['articleId', 'articleVersion', 'rank', 'label']),
  missing_knowledge: new Set(['description', 'category', 'suggestedTitle']),
};

type Obj = Record<string, unknown>;

/** A plain object (as JSON.parse makes them) with only the given keys, none of them undefined. */
function plain(value: unknown, keys: Set<string>): value is Obj {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (!keys.has(key) || (value as Obj)[key] === undefined) return false;
  }
  return true;
}

const text = (v: unknown, max: number): boolean => typeof v === 'string' && v.length <= max && !v.includes('\u0000') && v.isWellFormed();
const optionalText = (v: unknown, max: number) => v === undefined || text(v, max);
const int = (v: unknown, min: number, max: number) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const probability = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
const uuid7 = (v: unknown) => typeof v === 'string' && UUID7.test(v);

function preference(p: unknown): boolean {
  if (!plain(p, KEYS.preference) || !VERDICTS.has(p.verdict)) return false;
  if (p.strength !== undefined && !STRENGTHS.has(p.strength)) return false;
  const order = p.shownOrder;
  if (!Array.isArray(order) || order.length !== 2 || !((order[0] === 'A' && order[1] === 'B') || (order[0] === 'B' && order[1] === 'A'))) return false;
  if (!optionalText(p.rationale, LIMITS.shortText)) return false;
  const wins = p.verdict === 'A' || p.verdict === 'B';
  return wins === (p.strength !== undefined);
}

function adoption(p: unknown): boolean {
  if (!plain(p, KEYS.adoption) || !OUTCOMES.has(p.outcome)) return false;
  if (p.slot !== null && !SLOTS.has(p.slot)) return false;
  if (p.similarity !== null && !probability(p.similarity)) return false;
  const t = p.thresholds;
  if (!plain(t, KEYS.thresholds) || !probability(t.asIs) || !probability(t.lightEdit) || !probability(t.heavyEdit)) return false;
  if (!(t.asIs >= t.lightEdit && t.lightEdit >= t.heavyEdit)) return false;
  if (p.sentText !== null && !text(p.sentText, LIMITS.longText)) return false;
  if (p.channel !== undefined && !CHANNELS.has(p.channel)) return false;
  const tags = p.rationaleTags;
  if (tags !== undefined) {
    if (!Array.isArray(tags) || tags.length > TAGS.size || !tags.every((tag) => TAGS.has(tag)) || new Set(tags).size !== tags.length) return false;
  }
  if (!optionalText(p.rationaleText, LIMITS.shortText)) return false;
  const used = p.outcome !== 'not_used';
  if (used !== (p.slot !== null) || used !== (p.similarity !== null)) return false;
  if (used && (p.sentText === null || classifyAdoption(p.similarity as number, t as { asIs: number; lightEdit: number; heavyEdit: number }) !== p.outcome)) return false;
  return true;
}

function relevance(p: unknown): boolean {
  return (
    plain(p, KEYS.relevance) &&
    typeof p.articleId === 'string' &&
    UUID.test(p.articleId) &&
    int(p.articleVersion, 1, Number.MAX_SAFE_INTEGER) &&
    int(p.rank, 1, LIMITS.shownArticles) &&
    LABELS.has(p.label)
  );
}

function missingKnowledge(p: unknown): boolean {
  return (
    plain(p, KEYS.missing_knowledge) &&
    text(p.description, LIMITS.shortText) &&
    (p.description as string).trim().length > 0 &&
    (p.category === undefined || CATEGORIES.has(p.category)) &&
    optionalText(p.suggestedTitle, LIMITS.label)
  );
}

const PAYLOADS: Record<string, (p: unknown) => boolean> = { preference, adoption, relevance, missing_knowledge: missingKnowledge };

/** The item as an Annotation when it is surely valid, else null (ask zod). */
export function plainAnnotation(item: unknown): Annotation | null {
  if (!plain(item, KEYS.top)) return null;
  const a = item;
  if (typeof a.type !== 'string' || !Object.hasOwn(PAYLOADS, a.type)) return null;
  if (!uuid7(a.id) || a.schemaVersion !== ANNOTATION_SCHEMA_VERSION || typeof a.createdAt !== 'string' || !DATETIME.test(a.createdAt)) return null;
  if (typeof a.clientId !== 'string' || !UUID.test(a.clientId) || !uuid7(a.impressionId)) return null;
  const t = a.ticket;
  if (!plain(t, KEYS.ticket) || !PLATFORMS.has(t.platform)) return null;
  if (typeof t.ticketId !== 'string' || t.ticketId.length < 1 || t.ticketId.length > 64 || !TICKET_ID.test(t.ticketId)) return null;
  if (a.elapsedMs !== undefined && !int(a.elapsedMs, 0, 30 * 24 * 3600 * 1000)) return null;
  if (!optionalText(a.clientVersion, 32)) return null;
  return PAYLOADS[a.type]!(a.payload) ? (a as unknown as Annotation) : null;
}
