import { describe, expect, it } from 'vitest';
import { AdmissionGate } from '../../../src/batches/build/admission-gate';
import { BuildNotes } from '../../../src/batches/build/build-notes';

const ROWS: [ticket: string, reply: string][] = [
  ['t1', 'You can change the delivery address from the Orders page until the parcel ships.'],
  ['t2', 'You can change the delivery address from the Orders page until the parcel ships!'],
  ['t1', 'Refunds to a card usually take five to ten business days to appear.'],
  ['t1', 'I have escalated this to our billing team and they will reply within one business day.'],
  ['t3', 'Could you send me a screenshot of the error message you see?'],
];

describe('admission gate', () => {
  it('refuses a near-duplicate reply on another ticket and a ticket past its cap, and notes why', () => {
    const notes = new BuildNotes();
    const gate = new AdmissionGate('sft', notes, 2, 0.8);
    expect(ROWS.map(([t, reply]) => gate.admit(t, reply))).toEqual([true, false, true, false, true]);
    expect(notes.excluded).toEqual({ 'sft.near_duplicate': 1, 'sft.per_ticket_cap': 1 });
  });

  it('decides rows outside the window the same way without noting them', () => {
    const notes = new BuildNotes();
    const gate = new AdmissionGate('sft', notes, 2, 0.8);
    expect(ROWS.map(([t, reply]) => gate.admit(t, reply, false))).toEqual([true, false, true, false, true]);
    expect(notes.excluded).toEqual({});
  });

  it('without a near-duplicate threshold, caps tickets only', () => {
    const gate = new AdmissionGate('dpo', new BuildNotes(), 2);
    expect(ROWS.map(([t]) => gate.admit(t))).toEqual([true, true, true, false, true]);
  });
});
