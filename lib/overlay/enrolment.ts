import type { PanelService } from '../background/panel-service';
import type { HelpdeskIdentity } from '../contract';
import type { SessionTransport } from './ticket-session';

/**
 * Self-enrolment from the first ticket page: when the worker has an enrollment key and no token
 * yet, this tab reads who is signed in to the helpdesk and hands that to the worker, which enrols.
 * Resolves when the worker has answered, or after `waitMs` (the panel must not wait on a slow
 * backend; it says "enrolling" and its "Try again" picks up the token once it is there).
 */
export async function enrolFromHelpdesk(background: Pick<PanelService, 'enrolmentWanted' | 'identify'>, readIdentity: () => Promise<HelpdeskIdentity>, waitMs = 4_000): Promise<void> {
  const wanted = await background.enrolmentWanted();
  if (!wanted.ok || !wanted.wanted) return;
  const enrolled = readIdentity().then((identity) => background.identify(identity));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([enrolled.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  clearTimeout(timer);
}

/**
 * The session's calls, with the first suggestion waiting for the enrolment under way (it needs
 * the token) while the panel itself shows at once; clicks never wait.
 */
export function suggestAfterEnrolment(transport: SessionTransport, enrolling: Promise<void>): SessionTransport {
  return {
    suggest: async (context) => {
      await enrolling;
      return transport.suggest(context);
    },
    capture: (annotation, holdMs) => transport.capture(annotation, holdMs),
    amend: (id, tags, text) => transport.amend(id, tags, text),
  };
}
