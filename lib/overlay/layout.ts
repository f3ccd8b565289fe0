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
 * Where the panel goes so it never covers the reply box: beside the composer when there is room
 * to its right, else above it, else a narrow column at the right edge.
 */
export function panelBox(viewport: { width: number; height: number }, composer: Rect | null, preferredWidth: number): PanelBox {
  const fullHeight = Math.max(160, viewport.height - TOP - MARGIN);
  if (!composer) return { top: TOP, right: MARGIN, width: Math.min(preferredWidth, viewport.width - 2 * MARGIN), maxHeight: fullHeight };
  const besideWidth = viewport.width - composer.right - 2 * MARGIN;
  if (besideWidth >= MIN_WIDTH) return { top: TOP, right: MARGIN, width: Math.min(preferredWidth, besideWidth), maxHeight: fullHeight };
  const aboveHeight = composer.top - TOP - MARGIN;
  if (aboveHeight >= 200) return { top: TOP, right: MARGIN, width: Math.min(preferredWidth, viewport.width - 2 * MARGIN), maxHeight: aboveHeight };
  return { top: TOP, right: MARGIN, width: MIN_WIDTH, maxHeight: fullHeight };
}
