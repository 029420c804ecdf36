// Accounts and sessions: donors sign up (on the donor platform's API), anyone logs in, the NGO
// org's admin creates staff accounts tied to an NGO.
import { Router } from 'express';
import { z } from 'zod';
import { Role } from '../accounts';
import { perClientLimit } from '../limits';
import { ApiError } from '../problems';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { createPayments, createStaff, login, noQuery, signUp } from '../schemas';
import { Tokens } from '../tokens';
import { Users } from '../users';

export interface AccountRouteOptions {
  /** True on the API of the org whose users are donors. */
  readonly donorSignUp: boolean;
  readonly loginAttemptsPerMinute: number;
}

export function accountRoutes(registry: RouteRegistry, users: Users, tokens: Tokens, options: AccountRouteOptions): Router {
  const router = Router();
  const session = async (username: string, role: Role): Promise<z.input<typeof R.session>> => ({ username, role, ...(await tokens.issue({ username, role })) });

  // Each sign-up costs a CA registration, a key pair and a ledger transaction: limit it too.
  router.post('/api/accounts', perClientLimit(options.loginAttemptsPerMinute, 'too many sign-ups from this address'));
  registry.add(router, {
    method: 'post', path: '/api/accounts', tag: 'accounts', summary: 'Sign up as a donor (enrolls your own Fabric identity)', access: 'public',
    query: noQuery, body: signUp, success: { status: 201, description: 'The account and a session token', schema: R.session }, errors: [404, 409, 429],
  }, async ({ body }) => {
    if (!options.donorSignUp) throw new ApiError(404, 'NOT_FOUND', "donors sign up on the donor platform's API, not this org's");
    // The donor's details are private data of this org; without them there is no account.
    const account = await users.create(body.username, body.password, 'donor', undefined, (ledger) => ledger.setMyDetails({ name: body.name, email: body.email }));
    return session(account.username, account.role);
  });

  router.post('/api/sessions', perClientLimit(options.loginAttemptsPerMinute, 'too many login attempts'));
  registry.add(router, {
    method: 'post', path: '/api/sessions', tag: 'accounts', summary: 'Log in: returns an access token', access: 'public',
    query: noQuery, body: login, success: { status: 201, description: 'A session token and when it expires', schema: R.session }, errors: [401, 429],
  }, async ({ body }) => {
    const account = await users.login(body.username, body.password);
    if (!account) throw new ApiError(401, 'UNAUTHENTICATED', 'wrong username or password');
    return session(account.username, account.role);
  });

  registry.add(router, {
    method: 'get', path: '/api/accounts/me', tag: 'accounts', summary: 'Who you are', access: 'user', query: noQuery,
    success: { status: 200, description: 'Your account', schema: R.me },
  }, ({ caller }) => {
    const a = caller?.account;
    return Promise.resolve(a ? { username: a.username, role: a.role, ngoId: a.ngoId ?? null, createdAt: a.createdAt } : undefined);
  });

  registry.add(router, {
    method: 'post', path: '/api/accounts/staff', tag: 'accounts', summary: "Create an NGO staff account (the NGO org's admin)", access: ['ngo-admin'],
    query: noQuery, body: createStaff, success: { status: 201, description: 'The staff account', schema: R.staffAccount }, errors: [403, 404, 409],
  }, async ({ body, caller }) => {
    const ledger = await caller?.ledger();
    await ledger?.readNgo(body.ngoId); // NOT_FOUND for an unknown NGO
    const account = await users.create(body.username, body.password, 'ngo-staff', body.ngoId);
    return { username: account.username, role: account.role, ngoId: account.ngoId };
  });

  registry.add(router, {
    method: 'post', path: '/api/accounts/payments', tag: 'accounts', summary: "Create an account for the payment service that settles and refunds donations (the donor platform's admin)",
    access: ['org-admin'], query: noQuery, body: createPayments, success: { status: 201, description: 'The payment service account', schema: R.paymentsAccount }, errors: [403, 404, 409],
  }, async ({ body }) => {
    if (!options.donorSignUp) throw new ApiError(404, 'NOT_FOUND', "the payment service has its account on the donor platform's API, not this org's");
    const account = await users.create(body.username, body.password, 'payments');
    return { username: account.username, role: account.role };
  });

  return router;
}
