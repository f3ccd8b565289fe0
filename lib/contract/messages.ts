import { z } from 'zod';
import {
  AdoptionAnnotation,
  MissingKnowledgeAnnotation,
  PreferenceAnnotation,
  RationaleTag,
  RelevanceAnnotation,
} from './annotation';
import { IsoDateTime, LIMITS, Platform, Probability, Uuid7, text } from './common';
import { Impression } from './impression';
import { TicketContext } from './ticket';

/**
 * Runtime messages between the extension's parts (content script, options page, popup) and its
 * background service worker, which alone holds the token, the outbox and the backend connection.
 * Every message is validated here on arrival; anything else is refused.
 */

/** An annotation as the content script captures it: the background adds the install's clientId. */
export const AnnotationCapture = z.discriminatedUnion('type', [
  PreferenceAnnotation.omit({ clientId: true }),
  AdoptionAnnotation.omit({ clientId: true }),
  RelevanceAnnotation.omit({ clientId: true }),
  MissingKnowledgeAnnotation.omit({ clientId: true }),
]);
export type AnnotationCapture = z.infer<typeof AnnotationCapture>;

/** The settings an admin may set by policy and an agent on the options page. */
export const OverlaySettings = z.strictObject({
  /** Where the AITL backend answers, e.g. https://aitl.example.com (no path). */
  backendUrl: z.url({ protocol: /^https?$/ }).max(LIMITS.url).or(z.literal('')),
  /** The agent's bearer token (`aitl_agent_...`). */
  token: text(512),
  enabledSites: z.array(Platform).max(Platform.options.length),
  /** Share of tickets that show two replies and ask for a preference (the rest show one). */
  pairwiseSamplingRate: Probability,
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

export const PanelPrefs = z.strictObject({ collapsed: z.boolean() });
export type PanelPrefs = z.infer<typeof PanelPrefs>;

/** Messages a helpdesk content script may send (checked for a top-frame helpdesk tab sender). */
export const ContentMessage = z.discriminatedUnion('kind', [
  /** A ticket URL appeared: inject the panel's code into this tab's top frame. */
  z.strictObject({ kind: z.literal('overlay.load') }),
  z.strictObject({ kind: z.literal('ticket.suggest'), context: TicketContext }),
  z.strictObject({
    kind: z.literal('annotation.capture'),
    annotation: AnnotationCapture,
    /**
     * Keep it on the device this long before syncing, so a rationale asked right after a heavy
     * edit or discard can still be added (the event is immutable once it leaves the device).
     */
    holdMs: z.int().min(0).max(10 * 60_000).optional(),
  }),
  z.strictObject({
    kind: z.literal('annotation.amend'),
    id: Uuid7,
    rationaleTags: z.array(RationaleTag).max(RationaleTag.options.length),
    rationaleText: text(LIMITS.shortText).optional(),
  }),
  z.strictObject({ kind: z.literal('overlay.status') }),
  z.strictObject({ kind: z.literal('panel.prefs.get') }),
  z.strictObject({ kind: z.literal('panel.prefs.set'), prefs: PanelPrefs }),
]);
export type ContentMessage = z.infer<typeof ContentMessage>;

/** Messages only the extension's own pages (options, popup) may send. */
export const PageMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('settings.get') }),
  z.strictObject({ kind: z.literal('settings.save'), settings: OverlaySettings.partial() }),
  z.strictObject({ kind: z.literal('sync.now') }),
  z.strictObject({ kind: z.literal('deadLetters.list') }),
  z.strictObject({ kind: z.literal('overlay.status') }),
]);
export type PageMessage = z.infer<typeof PageMessage>;

export const MessageError = z.strictObject({ code: z.string(), message: z.string() });
export type MessageError = z.infer<typeof MessageError>;

/** Every reply: `{ok: true, ...}` or `{ok: false, error}`, so failures cross the boundary as data. */
const reply = <T extends z.ZodRawShape>(shape: T) =>
  z.union([z.strictObject({ ok: z.literal(true), ...shape }), z.strictObject({ ok: z.literal(false), error: MessageError })]);

export const Replies = {
  'overlay.load': reply({}),
  'ticket.suggest': reply({ impression: Impression }),
  'annotation.capture': reply({ id: z.string() }),
  'annotation.amend': reply({ id: z.string() }),
  'overlay.status': reply({ status: OverlayStatus }),
  'panel.prefs.get': reply({ prefs: PanelPrefs }),
  'panel.prefs.set': reply({}),
  'settings.get': reply({ view: SettingsView }),
  'settings.save': reply({ view: SettingsView }),
  'sync.now': reply({ status: OverlayStatus }),
  'deadLetters.list': reply({ deadLetters: z.array(DeadLetter) }),
} as const;
export type MessageKind = keyof typeof Replies;
export type ReplyTo<K extends MessageKind> = z.infer<(typeof Replies)[K]>;
