import { describe, expect, it } from 'vitest';
import { AdmissionGate, GateDecisions } from '../../../src/batches/build/admission-gate';
import { BuildNotes } from '../../../src/batches/build/build-notes';

const ROWS: [ticket: string, reply: string][] = [
  ['t1', 'You can change the delivery address from the Orders page until the parcel ships.'],
  ['t2', 'You can change the delivery address from the Orders page until the parcel ships!'],
  ['t1', 'Refunds to a card usually take five to ten business days to appear.'],
  ['t1', 'I have escalated this to our billing team and they will reply within one business day.'],
  ['t3', 'Could you send me a screenshot of the error message you see?'],
];

describe('admission replayed from a dry run', () => {
  it('makes the decisions and notes the exclusions that deciding again would', () => {
    const decided = new BuildNotes();
    const direct = new AdmissionGate('sft', decided, 2, 0.8);
    const expected = ROWS.map(([t, reply]) => direct.admit(t, reply));
    expect(expected).toEqual([true, false, true, false, true]);

    const decisions = new GateDecisions();
    const census = new AdmissionGate('sft', null, 2, 0.8, { record: decisions });
    for (const [t, reply] of ROWS) census.admit(t, reply);
    const replayed = new BuildNotes();
    const replay = new AdmissionGate('sft', replayed, 2, null, { replay: decisions });
    expect(ROWS.map(([t, reply]) => replay.admit(t, reply))).toEqual(expected);
    expect(replayed.excluded).toEqual(decided.excluded);
    expect(replayed.excluded).toEqual({ 'sft.near_duplicate': 1, 'sft.per_ticket_cap': 1 });
  });

  it('throws when the replay strays from the recorded rows', () => {
    const decisions = new GateDecisions();
    const census = new AdmissionGate('sft', null, 2, 0.8, { record: decisions });
    census.admit('t1', 'a reply');
    const replay = new AdmissionGate('sft', null, 2, null, { replay: decisions });
    expect(() => replay.admit('t2', 'a reply')).toThrow(/does not match the census/);
    expect(() => new AdmissionGate('sft', null, 2, null, { replay: new GateDecisions() }).admit('t1')).toThrow(/does not match the census/);
  });
});
