import type { PreferencePayload, Slot } from '../lib/contract';

type Verdict = PreferencePayload['verdict'];
type Strength = NonNullable<PreferencePayload['strength']>;

const STRENGTHS: { strength: Strength; symbol: string; words: string }[] = [
  { strength: 'strong', symbol: '≫', words: 'much better' },
  { strength: 'clear', symbol: '>', words: 'better' },
  { strength: 'slight', symbol: '≳', words: 'slightly better' },
];

/**
 * The 7-point comparison (left much better … right much better) plus both bad. Buttons are in
 * display order; what is recorded is the arm (A/B) and the order the agent saw.
 */
export function PreferenceBar({ order, chosen, onChoose }: { order: Slot[]; chosen: { verdict: Verdict; strength?: Strength | undefined } | null; onChoose: (verdict: Verdict, strength?: Strength) => void }) {
  const [left, right] = order as [Slot, Slot];
  const isChosen = (verdict: Verdict, strength?: Strength) => chosen?.verdict === verdict && chosen?.strength === strength;
  const button = (verdict: Verdict, strength: Strength | undefined, label: string, title: string, testid: string) => (
    <button
      type="button"
      key={`${verdict}-${strength ?? ''}`}
      data-testid={testid}
      data-arm={verdict === 'A' || verdict === 'B' ? verdict : undefined}
      data-strength={strength}
      aria-pressed={isChosen(verdict, strength)}
      disabled={chosen !== null}
      title={title}
      onClick={() => onChoose(verdict, strength)}
    >
      {label}
    </button>
  );
  return (
    <div className="preference" role="group" aria-label="Which reply is better?">
      <span className="preference-label">Which is better?</span>
      <div className="preference-buttons">
        {STRENGTHS.map((s) => button(left, s.strength, `L ${s.symbol}`, `Left is ${s.words}${s.strength === 'clear' ? ' ([)' : ''}`, 'aitl-prefer'))}
        {button('tie', undefined, 'Tie', 'About the same (=)', 'aitl-tie')}
        {[...STRENGTHS].reverse().map((s) => button(right, s.strength, `R ${s.symbol}`, `Right is ${s.words}${s.strength === 'clear' ? ' (])' : ''}`, 'aitl-prefer'))}
        {button('both_bad', undefined, 'Both bad', 'Neither reply is usable (0)', 'aitl-both-bad')}
      </div>
      {chosen && <p className="thanks" data-testid="aitl-preference-recorded">Preference recorded.</p>}
    </div>
  );
}
