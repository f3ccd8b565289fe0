import type { FastifyInstance, FastifyReply } from 'fastify';
import { CompanySignInRequest, EnrollRequest, describeIssues, issuePaths, type EnrollResponse, type EnrollmentMethods } from '../../../../lib/contract';
import type { EnrollmentConfig } from '../../config';
import type { Database } from '../../db/database';
import { CompanySignIn, SignInRefused, SignInUnavailable } from '../../enrollment/company-sign-in';
import { EnrollmentRefused, enrollWithKey, grantAgentToken, refuse, usableEnrollmentKey } from '../../enrollment/enroll';
import { HttpError } from '../../plugins/errors';
import { requestOrigin } from '../../auth/audit';
import { EnrollmentThrottle } from './throttle';

/** Anyone may call these, so they read no more than an enrolment needs (the callback URL is at most 8 KiB). */
const ENROLL_BODY_LIMIT = 16 * 1024;

/**
 * Self-enrolment, without a bearer token: `GET /v1/enroll` (what this server offers),
 * `POST /v1/enroll` (enrollment key + the helpdesk's email) and `POST /v1/enroll/oidc` (company
 * sign-in). Each success is a new personal agent token for the calling device.
 */
export default async function enrollRoutes(app: FastifyInstance, opts: { db: Database; config: EnrollmentConfig }) {
  const { db } = opts;
  const throttle = new EnrollmentThrottle(app, db, opts.config);
  const companySignIn = opts.config.companySignIn ? new CompanySignIn(opts.config.companySignIn) : null;

  app.get('/v1/enroll', async (_request, reply): Promise<EnrollmentMethods> => {
    try {
      return { enrollmentKey: true, companySignIn: companySignIn ? await companySignIn.methods() : null };
    } catch (error) {
      throw unavailable(error, reply);
    }
  });

  app.post('/v1/enroll', { bodyLimit: ENROLL_BODY_LIMIT }, async (request, reply): Promise<EnrollResponse> => {
    await throttle.admitClient(request, reply, 'enrollment');
    const parsed = EnrollRequest.safeParse(request.body);
    if (!parsed.success) throw new HttpError(400, 'bad_request', `invalid enrolment: ${describeIssues(parsed.error)}`, issuePaths(parsed.error));
    const { enrollmentKey, email: agent, platform } = parsed.data;
    const origin = requestOrigin(request);
    try {
      const key = await usableEnrollmentKey(db, enrollmentKey, { agent, platform }, origin).catch(async (error) => {
        if (error instanceof EnrollmentRefused) await throttle.countFailure(request);
        throw error;
      });
      await throttle.admitKey(request, reply, key, agent);
      await throttle.admitAddress(request, reply, 'enrollment', key.tenantId, agent, key.id);
      const enrolled = await enrollWithKey(db, key, { agent, platform }, origin);
      request.log.info({ tenant: enrolled.tenant }, 'agent enrolled');
      return enrolled;
    } catch (error) {
      if (error instanceof EnrollmentRefused) throw new HttpError(error.status, error.status === 401 ? 'unauthorized' : 'forbidden', error.message);
      throw error;
    }
  });

  app.post('/v1/enroll/oidc', { bodyLimit: ENROLL_BODY_LIMIT }, async (request, reply): Promise<EnrollResponse> => {
    if (!companySignIn) throw new HttpError(404, 'not_found', 'company sign-in is not configured on this server; enrol with the enrollment key, or ask your AITL admin to set AITL_OIDC_ISSUER');
    await throttle.admitClient(request, reply, 'oidc');
    const parsed = CompanySignInRequest.safeParse(request.body);
    if (!parsed.success) throw new HttpError(400, 'bad_request', `invalid sign-in: ${describeIssues(parsed.error)}`, issuePaths(parsed.error));
    const origin = requestOrigin(request);
    const { issuer, tenantId } = companySignIn.config;
    const actor = `oidc ${issuer}`;
    try {
      const identity = await companySignIn.signIn(parsed.data).catch(async (error) => {
        if (!(error instanceof SignInRefused)) throw error;
        await throttle.countFailure(request);
        throw await refuse(db, error.status, error.reason, error.message, { via: 'oidc', tenantId, actor, agent: error.agent, origin });
      });
      await throttle.admitAddress(request, reply, 'oidc', tenantId, identity.agent);
      const signedIn = await grantAgentToken(db, { tenantId, agent: identity.agent, origin: 'oidc', actor, detail: { subject: identity.subject } }, origin);
      request.log.info({ tenant: signedIn.tenant }, 'agent signed in');
      return signedIn;
    } catch (error) {
      if (error instanceof EnrollmentRefused) throw new HttpError(error.status, error.status === 401 ? 'unauthorized' : 'forbidden', error.message);
      throw unavailable(error, reply);
    }
  });
}

/** The provider not answering is a 503 the extension retries, like an unavailable database. */
function unavailable(error: unknown, reply: FastifyReply): unknown {
  if (!(error instanceof SignInUnavailable)) return error;
  reply.header('retry-after', '30');
  return new HttpError(503, 'unavailable', error.message);
}
