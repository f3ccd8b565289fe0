import { z } from 'zod';
import { AdoptionAnnotation, MissingKnowledgeAnnotation, PreferenceAnnotation, RelevanceAnnotation } from './annotation';
import { IsoDateTime, Platform, Probability, Slot, TicketRef, text } from './common';
import { AgentEmail, ENROLLMENT_KEY_PATTERN } from './enrollment';
import { Impression } from './impression';
import { LIMITS } from './values';

/**
 * What the extension's parts hand its background service worker and get back (the panel in a
 * helpdesk tab, the options page, the popup). The worker alone holds the token, the outbox and the
 * backend connection; its services (lib/background/) check every call's arguments against these.
 * None of this is sent to the server.
 */

/** An annotation as the content script captures it: the background adds the install's clientId. */
export const AnnotationCapture = z.discriminatedUnion('type', [
  PreferenceAnnotation.omit({ clientId: true }),
  AdoptionAnnotation.omit({ clientId: true }),
  RelevanceAnnotation.omit({ clientId: true }),
  MissingKnowledgeAnnotation.omit({ clientId: true }),
]);
export type AnnotationCapture = z.infer<typeof AnnotationCapture>;

/** `https://rt.example.com`: scheme, host and port only (a helpdesk under a path, e.g. `/rt/`, is matched by its origin). */
export const SiteOrigin = z
  .url({ protocol: /^https?$/ })
  .max(LIMITS.url)
  .refine((u) => URL.canParse(u) && new URL(u).origin === u.replace(/\/+$/, ''), 'must be an origin such as https://rt.example.com (no path, query or credentials)');

/**
 * A helpdesk on its owner's own host (Request Tracker always; Zendesk or Salesforce on a custom
 * domain): the extension asks for this origin at run time and registers its content script there.
 */
export const CustomSite = z.strictObject({ platform: Platform, origin: SiteOrigin });
export type CustomSite = z.infer<typeof CustomSite>;

/** The settings an admin may set by policy and an agent on the options page. */
export const OverlaySettings = z.strictObject({
  /** Where the AITL backend answers, e.g. https://aitl.example.com (no path). */
  backendUrl: z.url({ protocol: /^https?$/ }).max(LIMITS.url).or(z.literal('')),
  /** The agent's bearer token (`aitl_agent_...`): pasted, or obtained by enrolment. */
  token: text(512),
  /** An enrollment key (`aitl_enroll_...`), normally set by policy: with it the extension enrols the agent itself. */
  enrollmentKey: z.string().trim().regex(ENROLLMENT_KEY_PATTERN, 'must be an enrollment key (aitl_enroll_ and 64 hex digits)').or(z.literal('')),
  enabledSites: z.array(Platform).max(Platform.options.length),
  /** Share of tickets that show two replies and ask for a preference (the rest show one). */
  pairwiseSamplingRate: Probability,
  /** Self-hosted helpdesks, by origin (policy key `customSites`). */
  customSites: z.array(CustomSite).max(50),
});
export type OverlaySettings = z.infer<typeof OverlaySettings>;
export type SettingKey = keyof OverlaySettings;
export const SETTING_KEYS = Object.keys(OverlaySettings.shape) as SettingKey[];

/** Settings as extension pages see them: the token and the enrollment key are never sent back, only whether one is set. */
export const SettingsView = z.strictObject({
  settings: OverlaySettings.omit({ token: true, enrollmentKey: true }).extend({ hasToken: z.boolean(), hasEnrollmentKey: z.boolean() }),
  /** Keys set by enterprise policy: shown locked, not editable. */
  locked: z.array(z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]])),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const ConnectionState = z.enum(['unconfigured', 'ok', 'offline', 'unauthorized', 'error']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const OverlayStatus = z.strictObject({
  connection: ConnectionState,
  /** Annotations captured but not yet acknowledged by the server. */
  pending: z.int().min(0),
  /** Annotations the server refused (rejected or conflict), kept for the agent and admin. */
  deadLetters: z.int().min(0),
  lastSyncAt: IsoDateTime.nullable(),
  nextAttemptAt: IsoDateTime.nullable(),
  lastError: z.string().nullable(),
  enabledSites: z.array(Platform),
});
export type OverlayStatus = z.infer<typeof OverlayStatus>;

export const DeadLetter = z.strictObject({
  id: z.string(),
  status: z.enum(['rejected', 'conflict']),
  error: z.string(),
  paths: z.array(z.string()),
  movedAt: IsoDateTime,
  annotation: z.unknown(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/**
 * What a ticket's panel carries over a full page load in the same tab (RT's reply form is a page
 * of its own, and *Update Ticket* loads the ticket again): the impression on screen, so no second
 * one is made, and the reply inserted into the composer, so the send can be compared with it.
 */
export const CarriedTicket = z.strictObject({
  ticket: TicketRef,
  impression: Impression,
  shownAt: z.number().min(0),
  inserted: z.strictObject({ slot: Slot, text: text(LIMITS.longText) }).nullable(),
});
export type CarriedTicket = z.infer<typeof CarriedTicket>;

export const PanelPrefs = z.strictObject({ collapsed: z.boolean() });
export type PanelPrefs = z.infer<typeof PanelPrefs>;

/**
 * Who is signed in to the helpdesk, as the helpdesk tab read it (Zendesk's `users/me`,
 * Salesforce's current user), or why it could not tell. The background enrols with the email.
 */
export const HelpdeskIdentity = z.discriminatedUnion('found', [
  z.strictObject({ found: z.literal(true), platform: Platform, email: AgentEmail }),
  z.strictObject({ found: z.literal(false), platform: Platform, problem: text(500) }),
]);
export type HelpdeskIdentity = z.infer<typeof HelpdeskIdentity>;

/**
 * Where this install stands with self-enrolment, for the options page and the panel:
 * `enrolled` (a token was issued for `agent`), `pending` (the backend could not be reached; retried
 * with backoff), `refused` (401/403: shown, retried only when the key or the identity changes),
 * `no_identity` (the helpdesk would not say who is signed in), `waiting` (a key is set; no ticket
 * page opened yet), `off` (no enrollment key and no company sign-in).
 */
export const EnrolmentState = z.enum(['off', 'waiting', 'pending', 'enrolled', 'refused', 'no_identity']);
export type EnrolmentState = z.infer<typeof EnrolmentState>;

export const EnrolmentView = z.strictObject({
  state: EnrolmentState,
  /** The agent identity the token carries (enrolled), or the email being enrolled. */
  agent: z.string().nullable(),
  tenant: z.string().nullable(),
  via: z.enum(['enrollment_key', 'company_sign_in']).nullable(),
  platform: Platform.nullable(),
  at: IsoDateTime.nullable(),
  nextAttemptAt: IsoDateTime.nullable(),
  /** What went wrong and what to do next, in words an agent can act on. */
  message: z.string().nullable(),
  /** Offered by the backend (`GET /v1/enroll`), with the provider's issuer to name it; null when not. */
  companySignIn: z.strictObject({ issuer: z.string() }).nullable(),
});
export type EnrolmentView = z.infer<typeof EnrolmentView>;
