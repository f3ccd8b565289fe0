import type { OpenRedaction } from '@openredaction/core';

/** What pii.ts reads of a library finding. */
export interface LibraryDetection {
  type: string;
  position: [number, number];
}

/** The part of @openredaction/core 1.1.5's detection engine that finds matches (dist: DetectionEngine). */
interface Engine {
  options: { maxInputSize: number; enableMultiPass?: boolean };
  patternManager: { getPatterns(): unknown[] };
  processPatterns(text: string, patterns: unknown[], processedRanges: unknown[]): LibraryDetection[];
}

/**
 * The library's findings in `text`, as `library.detect(text).detections` lists them, without the
 * rest of what `detect` does and pii.ts throws away: a Blob to measure the text (a third of the
 * library's cost in a batch build's profile), a redacted copy with one RegExp per finding, timing,
 * audit and metrics. It calls the engine's own matching (`processPatterns`) and orders the result as
 * `detect` does (by start, descending, then reversed), so ties come out in the same order.
 *
 * The engine is the library's internals, pinned at 1.1.5 (package.json). When its shape is not the
 * expected one (another version, multi-pass on), `detect` itself is used, so a library upgrade can
 * cost speed but never change spans; library-detections.test.ts compares both on the PII corpora.
 * `only` names the patterns to run (by type) when the caller knows the others cannot match; the
 * fallback to `detect` runs them all, which finds the same.
 */
export function libraryDetector(library: OpenRedaction): (text: string, only?: readonly string[]) => Promise<LibraryDetection[]> {
  const engine = (library as unknown as { detectionEngine?: Partial<Engine> }).detectionEngine;
  const usable =
    engine &&
    typeof engine.processPatterns === 'function' &&
    typeof engine.patternManager?.getPatterns === 'function' &&
    typeof engine.options?.maxInputSize === 'number' &&
    !engine.options.enableMultiPass;
  if (!usable) return async (text) => (await library.detect(text)).detections as LibraryDetection[];
  const e = engine as Engine;
  const patterns = e.patternManager.getPatterns();
  const typeOf = (p: unknown) => (p as { type: string }).type;
  return async (text, only) => {
    // UTF-8 is at most 3 bytes per UTF-16 unit, so only a long text needs measuring.
    if (text.length * 3 > e.options.maxInputSize && Buffer.byteLength(text, 'utf8') > e.options.maxInputSize) return (await library.detect(text)).detections as LibraryDetection[];
    // In the library's order: a finding overlapping an earlier pattern's is dropped.
    const detections = e.processPatterns(text, only ? patterns.filter((p) => only.includes(typeOf(p))) : patterns, []);
    detections.sort((a, b) => b.position[0] - a.position[0]);
    return detections.reverse();
  };
}
