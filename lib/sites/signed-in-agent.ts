import type { HelpdeskIdentity, Platform } from '../contract';
import { readSalesforceAgent } from './salesforce/signed-in-agent';
import { readZendeskAgent } from './zendesk/signed-in-agent';

/** Who is signed in to the helpdesk in this tab, as the helpdesk itself says (for self-enrolment). */
export function readSignedInAgent(platform: Platform, win: Window): Promise<HelpdeskIdentity> {
  if (platform === 'zendesk') return readZendeskAgent(win.location.origin, win.fetch.bind(win));
  if (platform === 'salesforce') return readSalesforceAgent(win.document);
  // Request Tracker shows the signed-in user's name, not an address the enrollment key can check.
  return Promise.resolve({ found: false, platform, problem: 'Request Tracker does not say which email address is signed in; paste an agent token or use company sign-in' });
}
