import type { PreferencePayload, Slot } from '../lib/contract';

type Verdict = PreferencePayload['verdict'];
type Strength = NonNullable<PreferencePayload['strength']>;

const STRENGTHS: { strength: Strength; words: string }[] = [
  { strength: 'strong', words: 'much better' },
  { strength: 'clear', words: 'better' },
  { strength: 'slight', words: 'slightly better' },
];

/**
 * The 7-point comparison (left much better … right much better) plus both bad, in words a
 * first-time agent reads without a legend: one column per reply ("Left reply is … much better"),
 * each button named in full for screen readers ("Left reply is much better"). What is recorded is
 * the arm (A/B) behind the position and the order the agent saw.
 */
export function PreferenceBar({ order, chosen, onChoose }: { order: Slot[]; chosen: { verdict: Verdict; strength?: Strength | undefined } | null; onChoose: (verdict: Verdict, strength?: Strength) => void }) {
  const [left, right] = order as [Slot, Slot];
  const isChosen = (verdict: Verdict, strength?: Strength) => chosen?.verdict === verdict && chosen?.strength === strength;
  const button = (verdict: Verdict, strength: Strength | undefined, label: string, opts: { name?: string; key?: string; testid: string }) => (
    <button
      type="button"
      key={`${verdict}-${strength ?? ''}`}
      data-testid={opts.testid}
      data-arm={verdict === 'A' || verdict === 'B' ? verdict : undefined}
      data-strength={strength}
      aria-pressed={isChosen(verdict, strength)}
      aria-label={opts.name}
      aria-keyshortcuts={opts.key}
      disabled={chosen !== null}
      title={`${opts.name ?? label}${opts.key ? ` (key ${opts.key})` : ''}`}
      onClick={() => onChoose(verdict, strength)}
    >
      {label}
      {opts.key && (
        <kbd className="key" aria-hidden="true">
          {opts.key}
        </kbd>
      )}
    </button>
  );
  const side = (slot: Slot, position: 'Left' | 'Right', key: string) => (
    <div className="preference-side" role="group" aria-label={`${position} reply is`}>
      <span className="preference-side-label" aria-hidden="true">
        {position} reply is
      </span>
      {STRENGTHS.map((s) => button(slot, s.strength, s.words, { name: `${position} reply is ${s.words}`, key: s.strength === 'clear' ? key : undefined, testid: 'aitl-prefer' }))}
    </div>
  );
  return (
    <div className="preference" role="group" aria-label="Which reply is better?">
      <span className="preference-label">Which reply is better?</span>
      <div className="preference-sides">
        {side(left, 'Left', '[')}
        {side(right, 'Right', ']')}
      </div>
      <div className="preference-buttons">
        {button('tie', undefined, 'About the same', { key: '=', testid: 'aitl-tie' })}
        {button('both_bad', undefined, 'Both bad', { name: 'Both bad: neither reply is usable', key: '0', testid: 'aitl-both-bad' })}
      </div>
      {chosen && <p className="thanks" data-testid="aitl-preference-recorded">Preference recorded.</p>}
    </div>
  );
}
