import type { Impression, MissingKnowledgePayload, PreferencePayload, RationaleTag, RelevanceLabel, Slot } from '../lib/contract';

/**
 * What the panel shows and what it can do, as plain data and callbacks. The panel never reaches the
 * helpdesk page or the background itself: the overlay (lib/overlay/) keeps a model of this shape
 * per ticket, mounts the panel and hands it these.
 */

export type ImpressionState =
  /** `retrying`: the backend was busy or away this many times; asked again after a pause. */
  | { status: 'loading'; retrying?: { attempt: number; reason: string } }
  | { status: 'ready'; impression: Impression; shownAt: number }
  | { status: 'error'; code: string; message: string };

export interface PanelModel {
  ticketId: string;
  /** The ticket's subject as read from the page (shown so the agent sees which ticket the panel is on). */
  subject: string | null;
  impression: ImpressionState;
  /** The reply put into the composer, compared with what is sent. */
  inserted: { slot: Slot; text: string } | null;
  notice: { kind: 'info' | 'error'; text: string } | null;
  preference: Pick<PreferencePayload, 'verdict' | 'strength'> | null;
  relevance: Record<string, RelevanceLabel>;
  missingReported: number;
  /** An adoption held on the device while the agent is asked why (heavy edit or discard). */
  rationale: { annotationId: string; outcome: 'heavy_edit' | 'discarded' } | null;
  lastAdoption: { outcome: string; similarity: number | null } | null;
  /** Captures the background could not save yet; retried with the next action. */
  unsaved: number;
}

/** One ticket's panel: its model (subscribe to it) and the agent's actions on it. */
export interface PanelSession {
  subscribe(listener: () => void): () => void;
  getModel(): PanelModel;
  /** Asks for the suggestion again (after an error). */
  load(): Promise<void>;
  retryUnsaved(): Promise<void>;
  insert(slot: Slot): Promise<unknown>;
  prefer(verdict: PreferencePayload['verdict'], strength?: PreferencePayload['strength']): Promise<void>;
  rate(articleId: string, label: RelevanceLabel): Promise<void>;
  /** Resolves false when the report could not be saved yet (it is retried). */
  reportMissing(payload: MissingKnowledgePayload): Promise<boolean>;
  submitRationale(tags: RationaleTag[], text?: string): Promise<void>;
  skipRationale(): Promise<void>;
}

/** Where the panel sits on the page (fixed position, px): docked beside the ticket (the page was narrowed for it) or floating over it. */
export interface PanelBox {
  mode: 'docked' | 'floating';
  top: number;
  right: number;
  width: number;
  maxHeight: number;
}

/** How the overlay places the panel on the helpdesk page; the panel itself never touches the page. */
export interface PanelPlacement {
  /** Whether the window is wide enough to dock the open panel; below that it is a tab opened on demand. */
  wide(): boolean;
  /** Narrows the helpdesk so the panel sits beside the ticket; null when the layout cannot be narrowed. */
  dock(): PanelBox | null;
  /** Gives the helpdesk its full width back. */
  undock(): void;
  /** A box over the page that avoids the composer, given the width the panel would like. */
  float(preferredWidth: number): PanelBox;
}
