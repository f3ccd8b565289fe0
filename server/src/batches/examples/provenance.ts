import type { AdoptionOutcome, Provenance } from '../../../../lib/contract';

/** Who wrote the reply an agent sent, from how much it differs from the inserted suggestion. */
export function replyProvenance(outcome: AdoptionOutcome): Provenance {
  switch (outcome) {
    case 'as_is':
      return 'model_unedited';
    case 'light_edit':
      return 'model_light_edit';
    case 'heavy_edit':
      return 'model_heavy_edit';
    case 'discarded': // the sent text is not derived from the suggestion
    case 'not_used':
      return 'agent_written';
  }
}
