import { SYNTHETIC_PROVENANCE, type Provenance } from '../../../../lib/contract';
import type { CurrentArticles } from '../examples/article-texts';
import { replyProvenance } from '../examples/provenance';
import type { SourceRow } from '../source';
import { armSuperseded } from './scope';

export interface SftCandidate {
  text: string;
  provenance: Provenance;
  synthetic: boolean;
}

/** The SFT target an adoption offers, or why it offers none. */
export function sftCandidate(row: SourceRow, current: CurrentArticles): SftCandidate | string {
  const a = row.annotation;
  if (a.type !== 'adoption') return 'not_adoption';
  if (!row.impression) return 'no_impression';
  if (a.payload.channel === 'internal') return 'internal_note';
  const text = a.payload.sentText;
  if (text === null || text.trim() === '') return 'no_sent_text';
  const provenance = replyProvenance(a.payload.outcome);
  const arm = row.impression.arms.find((x) => x.slot === a.payload.slot);
  if (provenance !== 'agent_written' && arm && armSuperseded(current, row.impression, arm)) return 'superseded_article';
  return { text, provenance, synthetic: SYNTHETIC_PROVENANCE.includes(provenance) };
}
