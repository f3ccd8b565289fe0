import { z } from 'zod';
import { AdoptionAnnotation, MissingKnowledgeAnnotation, PreferenceAnnotation, RelevanceAnnotation } from './annotation';
import { IsoDateTime, Platform, Probability, Slot, TicketRef, text } from './common';
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
  /** The agent's bearer token (`aitl_agent_...`). */
  token: text(512),
  enabledSites: z.array(Platform).max(Platform.options.length),
  /** Share of tickets that show two replies and ask for a preference (the rest show one). */
  pairwiseSamplingRate: Probability,
  /** Self-hosted helpdesks, by origin (policy key `customSites`). */
  customSites: z.array(CustomSite).max(50),
});
export type OverlaySettings = z.infer<typeof OverlaySettings>;
export type SettingKey = keyof OverlaySettings;
export const SETTING_KEYS = Object.keys(OverlaySettings.shape) as SettingKey[];

/** Settings as extension pages see them: the token is never sent back, only whether one is set. */
export const SettingsView = z.strictObject({
  settings: OverlaySettings.omit({ token: true }).extend({ hasToken: z.boolean() }),
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
