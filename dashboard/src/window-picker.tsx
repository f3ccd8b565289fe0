import { useId, useState, type FormEvent } from 'react';
import { PRESET_WEEKS, customRange, type Range } from './window-range';

/** Preset windows, or a custom range of two dates checked before it is applied. */
export function WindowPicker({ range, onChange }: { range: Range; onChange: (range: Range) => void }) {
  const id = useId();
  const [from, setFrom] = useState(range.kind === 'custom' ? range.from : '');
  const [to, setTo] = useState(range.kind === 'custom' ? range.to : '');
  const [problem, setProblem] = useState<{ error: string; field: 'from' | 'to' } | null>(null);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const checked = customRange(from, to);
    if ('error' in checked) setProblem(checked);
    else {
      setProblem(null);
      onChange(checked.range);
    }
  };
  return (
    <div className="window-picker">
      <label>
        Window{' '}
        <select
          value={range.kind === 'preset' ? String(range.weeks) : 'custom'}
          onChange={(e) => {
            if (e.target.value !== 'custom') onChange({ kind: 'preset', weeks: Number(e.target.value) });
          }}
        >
          {PRESET_WEEKS.map((n) => (
            <option key={n} value={n}>{`last ${n} weeks`}</option>
          ))}
          <option value="custom" disabled={range.kind !== 'custom'}>
            custom range
          </option>
        </select>
      </label>
      <form className="custom-range" onSubmit={apply} noValidate aria-label="Custom date range">
        <label htmlFor={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={problem?.field === 'from'} aria-describedby={problem ? `${id}-problem` : undefined} />
        <label htmlFor={`${id}-to`}>to</label>
        <input id={`${id}-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={problem?.field === 'to'} aria-describedby={problem ? `${id}-problem` : undefined} />
        <button type="submit">Apply</button>
        {problem && (
          <span id={`${id}-problem`} role="alert" className="error">
            {problem.error}
          </span>
        )}
      </form>
    </div>
  );
}
