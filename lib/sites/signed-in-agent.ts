import type { HelpdeskIdentity, Platform } from '../contract';
import { readSalesforceAgent } from './salesforce/signed-in-agent';
import { readZendeskAgent } from './zendesk/signed-in-agent';

/** Who is signed in to the helpdesk in this tab, as the helpdesk itself says (for self-enrolment). */
export function readSignedInAgent(platform: Platform, win: Window): Promise<HelpdeskIdentity> {
  return platform === 'zendesk' ? readZendeskAgent(win.location.origin, win.fetch.bind(win)) : readSalesforceAgent(win.document);
}
