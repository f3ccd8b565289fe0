import type { AdapterHealthReport, Platform } from '../contract';

// The rows of adapter health in the background's IndexedDB (lib/outbox/db.ts, version 2); the
// counting and sealing is in lib/outbox/adapter-health.ts.

/** A ticket already counted for one (day, site, version, selector, outcome): by a hash of its id only. */
export interface HealthSeen {
  key: string;
  day: string;
}

export interface HealthPending {
  /** day|site|version|selector|candidate (candidate -1: failed; selector '': the tickets row). */
  key: string;
  day: string;
  site: Platform;
  extensionVersion: string;
  selector: string;
  candidate: number;
  tickets: number;
}

export interface SealedHealthReport {
  id: string;
  report: AdapterHealthReport;
  sealedAt: number;
}

