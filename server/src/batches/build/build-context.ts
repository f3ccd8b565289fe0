import type { BatchSpec } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import type { CurrentArticles, KnowledgeTexts } from '../examples/article-texts';
import type { Redaction } from '../examples/row-redaction';
import type { PhaseTotals } from '../source';
import type { RowOutput } from './batch-output';
import type { BuildNotes } from './build-notes';
import type { Checkpoint } from './checkpoint';

/** What every phase of one build works with. */
export interface BuildContext {
  db: Database;
  tenantId: string;
  spec: BatchSpec;
  /** Every article's current version, to expire examples resting on an older one. */
  current: CurrentArticles;
  knowledge: KnowledgeTexts;
  redaction: Redaction;
  notes: BuildNotes;
  output: RowOutput;
  checkpoint: Checkpoint;
  /** How many annotations each phase reads, counted once at the start. */
  totals: PhaseTotals;
}
