import type { PanelBox } from '../../components/panel-model';

export interface Rect {
  top: number;
  left: number;
  right: number;
  bottom: number;
}

const MARGIN = 12;
const TOP = 56; // below the helpdesks' global header bars
const MIN_WIDTH = 300;

/**
 * From this window width up the panel docks beside the conversation (the page is narrowed for it,
 * lib/overlay/dock.ts); below it the helpdesk needs all its width and the panel is a tab the agent
 * opens on demand. 1280 px is the narrowest desktop agents commonly work at.
 */
export const DOCK_MIN_VIEWPORT = 1280;

/**
 * 30% of the window: 384 px at 1280 (the helpdesk keeps 896, two replies side by side still read
 * at ~175 px each), at most 520 px (1920 keeps 1400).
 */
export function dockWidth(viewportWidth: number): number {
  return Math.round(Math.min(520, Math.max(384, viewportWidth * 0.3)));
}

// The docked panel starts where the ticket does (below the helpdesk's header bars), at most this far down.
const DOCK_MAX_TOP = 120;

/** The docked panel: flush right, from the top of the ticket's area (on the page) to the bottom of the window. */
export function dockedBox(viewport: { width: number; height: number }, ticketTop: number): PanelBox {
  const top = Math.round(Math.min(Math.max(ticketTop, 0), DOCK_MAX_TOP));
  return { mode: 'docked', top, right: 0, width: dockWidth(viewport.width), maxHeight: viewport.height - top };
}

/**
 * Where the floating panel goes (a narrow window where the agent opened the tab, or a layout that
 * cannot be narrowed): beside the composer when there is room to its right, else above it, else a
 * narrow column at the right edge.
 */
export function panelBox(viewport: { width: number; height: number }, composer: Rect | null, preferredWidth: number): PanelBox {
  const fullHeight = Math.max(160, viewport.height - TOP - MARGIN);
  const box = (width: number, maxHeight: number): PanelBox => ({ mode: 'floating', top: TOP, right: MARGIN, width, maxHeight });
  if (!composer) return box(Math.min(preferredWidth, viewport.width - 2 * MARGIN), fullHeight);
  const besideWidth = viewport.width - composer.right - 2 * MARGIN;
  if (besideWidth >= MIN_WIDTH) return box(Math.min(preferredWidth, besideWidth), fullHeight);
  const aboveHeight = composer.top - TOP - MARGIN;
  if (aboveHeight >= 200) return box(Math.min(preferredWidth, viewport.width - 2 * MARGIN), aboveHeight);
  return box(MIN_WIDTH, fullHeight);
}
