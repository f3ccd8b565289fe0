import type { PanelService } from '../background/panel-service';
import type { HelpdeskIdentity } from '../contract';

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
