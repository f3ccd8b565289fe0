import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { serveCurrentUser } from '../lib/sites/salesforce/current-user-bridge';

/**
 * Runs in the Salesforce page's own JS world (injected by the panel's code), because Lightning's
 * `$A` is invisible to the isolated world. It answers one question: the current user's email.
 */
export default defineUnlistedScript(() => serveCurrentUser(window));
