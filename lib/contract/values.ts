/**
 * The contract's plain values: the lists every enum is made of, the size limits, the adoption
 * thresholds. No zod and no imports, so the extension's content scripts can use them without the
 * schema library, and every schema module builds on them (nothing here depends on a schema). Each
 * list is written once, here; the schemas make enums of them and their types are inferred from those.
 */

/**
 * Size limits shared by the extension (which must never produce anything larger) and the server
 * (which rejects anything larger). Changing one changes both sides.
 */
export const LIMITS = {
  /** Annotations per `POST /v1/sync` request. */
  annotationsPerSync: 500,
  /** Default HTTP body limit for the API; the extension splits sync batches to stay under it. */
  syncBodyBytes: 4 * 1024 * 1024,
  /** A reply, a ticket message, an article body excerpt. */
  longText: 20_000,
  /** Rationales, descriptions, snippets. */
  shortText: 2_000,
  /** Names, titles, labels. */
  label: 500,
  messagesPerTicket: 200,
  tagsPerTicket: 50,
  /** Articles shown to the agent and the generator (precision@8). */
  shownArticles: 8,
  /** First-stage candidates (recall@75). */
  candidates: 75,
  url: 2_048,
} as const;

export const ANNOTATION_SCHEMA_VERSION = 1;

/** The helpdesks with an adapter: Zendesk, Salesforce, and Request Tracker (RT) on its owner's own host. */
export const PLATFORMS = ['zendesk', 'salesforce', 'rt'] as const;

/** What a token may do: agents annotate, operators pull batches and metrics, admins manage access. */
export const ROLES = ['agent', 'operator', 'admin'] as const;

/** The two reply arms of a suggestion, as labelled in the impression (not as displayed). */
export const SLOTS = ['A', 'B'] as const;

export const PREFERENCE_VERDICTS = ['A', 'B', 'tie', 'both_bad'] as const;
export const PREFERENCE_STRENGTHS = ['slight', 'clear', 'strong'] as const;

export const ADOPTION_OUTCOMES = ['as_is', 'light_edit', 'heavy_edit', 'discarded', 'not_used'] as const;

export const RATIONALE_TAGS = [
  'incorrect',
  'incomplete',
  'wrong_issue',
  'outdated_knowledge',
  'wrong_citation',
  'tone_style',
  'too_long',
  'needs_action',
  'policy_privacy',
  'other',
] as const;

export const RELEVANCE_LABELS = ['relevant', 'partial', 'irrelevant', 'outdated'] as const;

export const KNOWLEDGE_GAP_CATEGORIES = [
  'how_to',
  'policy',
  'troubleshooting',
  'billing',
  'account',
  'product_info',
  'other',
] as const;

/**
 * Defaults: a reply counts as sent as-is above 0.98 (signature or whitespace changes), as lightly
 * edited above 0.8, as heavily edited above 0.3; below that the sent text is not derived from it.
 * Its shape is the `AdoptionThresholds` schema's (annotation.ts checks that at compile time).
 */
export const DEFAULT_ADOPTION_THRESHOLDS = { asIs: 0.98, lightEdit: 0.8, heavyEdit: 0.3 };

/** The outcome a similarity implies under the given thresholds. */
export function classifyAdoption(similarity: number, t: typeof DEFAULT_ADOPTION_THRESHOLDS): Exclude<(typeof ADOPTION_OUTCOMES)[number], 'not_used'> {
  if (similarity >= t.asIs) return 'as_is';
  if (similarity >= t.lightEdit) return 'light_edit';
  if (similarity >= t.heavyEdit) return 'heavy_edit';
  return 'discarded';
}
