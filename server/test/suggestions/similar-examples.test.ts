import { describe, expect, it } from 'vitest';
import { indexExamples, mostSimilar, type ReplyExample } from '../../src/suggestions/similar-examples';

const example = (position: number, ticketText: string, replyText = `Reply ${position} about ${ticketText}`): ReplyExample => ({ position, ticketText, replyText });

describe('similar example replies', () => {
  // "account" is in almost every ticket; "transformer" in one.
  const set = indexExamples([
    example(0, 'account locked after password change'),
    example(1, 'account invoice shows the wrong currency'),
    example(2, 'account doorbell transformer hums'),
    example(3, 'account doorbell restarts'),
    example(4, 'account doorbell restarts'),
    example(5, 'siren volume too loud'),
  ]);
  const positions = (text: string, k: number) => mostSimilar(set, text, k).map((e) => e.position);

  it('weighs one shared rare word above two shared common ones', () => {
    const common = indexExamples([
      example(0, 'account order locked'),
      example(1, 'account order wrong currency'),
      example(2, 'account order siren'),
      example(3, 'account order late'),
      example(4, 'transformer hums'),
    ]);
    expect(mostSimilar(common, 'account order transformer', 1).map((e) => e.position)).toEqual([4]);
    expect(positions('account locked', 3)[0]).toBe(0);
  });

  it('breaks ties by position (the newer example), returns at most k, and nothing without a shared word', () => {
    expect(positions('doorbell restarts', 2)).toEqual([3, 4]);
    expect(positions('doorbell restarts', 1)).toEqual([3]);
    expect(positions('refund please', 3)).toEqual([]);
    expect(positions('doorbell restarts', 0)).toEqual([]);
  });

  it('leaves out a reply that repeats one already picked', () => {
    const macros = indexExamples([
      example(0, 'doorbell restarts at night', 'Upgrade to a 16 V transformer, Maria.'),
      example(1, 'doorbell restarts every night', 'Upgrade to a 16 V transformer, Maria!'),
      example(2, 'doorbell restarts sometimes', 'Check the wiring at the chime.'),
    ]);
    expect(mostSimilar(macros, 'doorbell restarts at night', 2).map((e) => e.position)).toEqual([0, 2]);
  });
});
