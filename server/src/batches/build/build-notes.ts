import type { AdoptionThresholds, Impression } from '../../../../lib/contract';
import { DriftCollector } from '../drift';
import type { SourceRow } from '../source';

/**
 * What a build observes on its way through the annotations and reports in the manifest: the time
 * window it covered, the model and knowledge versions behind its examples, what it left out and
 * why, and the drift metrics of this generation.
 */
export class BuildNotes {
  readonly excluded: Record<string, number> = {};
  readonly drift = new DriftCollector();
  // Times as epoch ms: createdAt strings may carry different offsets, so they do not sort as text.
  readonly window = { annotations: 0, first: Infinity, last: -Infinity };
  readonly versions = {
    kb: new Set<string>(),
    retriever: new Set<string>(),
    reranker: new Set<string>(),
    arms: new Map<string, { armId: string; model: string; promptVersion: string }>(),
    thresholds: new Set<string>(),
  };

  exclude(reason: string, n = 1): void {
    this.excluded[reason] = (this.excluded[reason] ?? 0) + n;
  }

  /** An annotation inside the batch's window. */
  annotation(row: SourceRow): void {
    this.window.annotations++;
    const at = Date.parse(row.annotation.createdAt);
    this.window.first = Math.min(this.window.first, at);
    this.window.last = Math.max(this.window.last, at);
  }

  /** The impression and thresholds noted last: consecutive rows mostly share them, and noting them again adds nothing. */
  private lastImpression: Impression | null = null;
  private lastThresholds: AdoptionThresholds | null = null;

  /** The versions an impression was served with. */
  impression(impression: Impression): void {
    if (impression === this.lastImpression) return;
    this.lastImpression = impression;
    this.versions.kb.add(impression.versions.kb);
    this.versions.retriever.add(impression.versions.retriever);
    this.versions.reranker.add(impression.versions.reranker);
    for (const arm of impression.arms) {
      this.versions.arms.set(`${arm.armId}\u0000${arm.model}\u0000${arm.promptVersion}`, { armId: arm.armId, model: arm.model, promptVersion: arm.promptVersion });
    }
  }

  adoptionThresholds(t: AdoptionThresholds): void {
    const last = this.lastThresholds;
    if (last && last.asIs === t.asIs && last.lightEdit === t.lightEdit && last.heavyEdit === t.heavyEdit) return;
    this.lastThresholds = t;
    this.versions.thresholds.add(JSON.stringify({ asIs: t.asIs, lightEdit: t.lightEdit, heavyEdit: t.heavyEdit }));
  }
}
