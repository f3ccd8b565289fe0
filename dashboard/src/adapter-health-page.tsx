import type { MetricsResponse } from '../../lib/contract/metrics';
import { healthGroups, latestFailures, siteName } from './adapter-health-series';
import { HealthGrid } from './charts/health-grid';
import { rateText } from './format';

/**
 * Adapter health: Zendesk and Salesforce change their pages without notice. Per site, extension
 * version and day, which selectors matched only by a fallback or not at all, on how many tickets,
 * so a helpdesk change shows here the day it happens.
 */
export function AdapterHealthPage({ metrics }: { metrics: MetricsResponse }) {
  const groups = healthGroups(metrics.adapterHealth);
  const failures = latestFailures(metrics.adapterHealth);
  const tickets = metrics.adapterHealth.reduce((n, d) => n + d.tickets, 0);
  return (
    <section aria-labelledby="adapter-health-heading">
      <h2 id="adapter-health-heading">Adapter health</h2>
      <p className="summary">
        {metrics.adapterHealth.length === 0
          ? 'No extension has reported its selectors in this window (extensions report with each sync).'
          : `${tickets} ticket pages looked at by the extensions in this window, by UTC day. Only selector outcomes that were not the primary candidate are shown; counts only, never page text.`}
      </p>
      {failures.length > 0 && (
        <div role="alert" className="health-alert">
          <strong>{`Failing on ${failures[0]!.day}:`}</strong>
          <ul>
            {failures.map((f) => (
              <li key={`${f.site}|${f.extensionVersion}|${f.selector}`}>{`${siteName(f.site)} (extension ${f.extensionVersion}): ${f.selector} found nothing on ${rateText(f.tickets)} tickets`}</li>
            ))}
          </ul>
        </div>
      )}
      {groups.map((g) => (
        <HealthGrid key={`${g.site}|${g.extensionVersion}`} title={`${siteName(g.site)} · extension ${g.extensionVersion}`} group={g} />
      ))}
    </section>
  );
}
