// Clerk's official JavaScript Backend SDK (`@clerk/backend`) and Svix's library checking the
// emulator's tokens and webhooks, the way an app's backend checks Clerk's.
//
// Tokens: `verifyToken` verifies session and JWT template tokens through the emulator's JWKS
// (`apiUrl`) and networkless (`jwtKey`, the PEM public key); `authenticateRequest` treats a
// request bearing a session token as signed in, a template token as not a session token, and
// signs it out once the revoked session's last token has expired; a token signed by any other
// key is rejected; the networkless key is `clerkctl jwks --pem`'s. Webhooks: every delivery
// passes `verifyWebhook` (@clerk/backend/webhooks) and Svix's `Webhook.verify`, and a tampered
// one fails both; `clerkctl webhooks verify` accepts what Svix signs and refuses a tampered one.
//
// Each test file starts its own emulators (CLERKCTL_BIN, set by `interop/run`), because these
// checks need flags the shared one does not have: a short session token lifetime, webhook
// endpoints served by this process, and a second instance with another key.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomUUID, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import { createClerkClient, verifyToken } from '@clerk/backend';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { Webhook } from 'svix';

const bin = process.env.CLERKCTL_BIN;
// Any `sk_test_` key works against the emulator: a placeholder, not a secret.
const secretKey = 'sk_test_interop_tokens';
// A signing secret in Clerk's format, made up for these tests.
const signingSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const tag = () => randomUUID().replaceAll('-', '').slice(0, 12);

// ---- helpers -----------------------------------------------------------------------------------

const started = [];

/** Runs `clerkctl ARGS...` against the emulator; answers its stdout. */
function clerkctl(args, env = {}) {
  return execFileSync(bin, args, {
    encoding: 'utf8',
    env: { ...process.env, CLERK_API_URL: emu.url, CLERK_SECRET_KEY: secretKey, ...env },
  });
}

/** Runs `clerkctl webhooks verify` on a body and its headers saved to files: its exit code and stderr. */
function clerkctlVerify(body, headers, secret) {
  const dir = mkdtempSync(join(tmpdir(), 'clerkctl-verify-'));
  writeFileSync(join(dir, 'body'), body);
  writeFileSync(join(dir, 'headers.json'), JSON.stringify(headers));
  const r = spawnSync(bin, ['webhooks', 'verify', '--body', join(dir, 'body'), '--headers', join(dir, 'headers.json')], {
    encoding: 'utf8',
    env: { ...process.env, CLERK_WEBHOOK_SIGNING_SECRET: secret },
  });
  return { code: r.status, stderr: r.stderr };
}

/** Starts `clerkctl emulator --port 0 ARGS...`; resolves to its base URL once it serves. */
async function startEmulator(args) {
  assert.ok(bin, 'CLERKCTL_BIN names the clerkctl binary (interop/run sets it)');
  // A limit no test reaches, set here rather than left to the emulator's default.
  const child = spawn(bin, ['emulator', '--port', '0', '--rate-limit', '100000/1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  started.push(child);
  let stderr = '';
  child.stderr.on('data', d => {
    stderr += d;
  });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', code => reject(new Error(`the emulator exited (${code}): ${stderr}`)));
  });
  return { url, stderr: () => stderr };
}

/** An HTTP endpoint that records every webhook delivery and answers 204. */
async function startReceiver() {
  const deliveries = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/clerk`, deliveries, server };
}

/** A port nothing listens on (an endpoint that is down). */
async function closedPort() {
  const server = createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Waits (up to 30 s) until `check()` returns something truthy, and returns it. */
async function eventually(check, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const got = await check();
    if (got) {
      return got;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}`);
    }
    await sleep(50);
  }
}

const decode = part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const claimsOf = jwt => decode(jwt.split('.')[1]);
const headerOf = jwt => decode(jwt.split('.')[0]);

/** An RS256 JWT signed with `privateKey`. */
function forge(header, claims, privateKey) {
  const enc = v => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  const sig = cryptoSign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url');
  return `${input}.${sig}`;
}

/** `new Request` bearing a token, as an app's backend receives one. */
const bearer = token => new Request('http://localhost:3000/api/me', { headers: { Authorization: `Bearer ${token}` } });

// ---- the emulators -----------------------------------------------------------------------------

let emu; // session tokens live 1 s unless asked otherwise; webhooks go to `receiver` and a dead port
let other; // another instance: another key
let clerk;
let receiver;
let publishableKey;
let pem;
let jwks;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clerkctl-interop-'));
  const seed = join(dir, 'roles.json');
  writeFileSync(
    seed,
    JSON.stringify({
      roles: [
        {
          key: 'org:editor',
          name: 'Editor',
          permissions: ['org:posts:read', 'org:posts:manage', 'org:sys_memberships:read'],
        },
      ],
    }),
  );
  receiver = await startReceiver();
  const down = await closedPort();
  emu = await startEmulator([
    '--seed',
    seed,
    '--session-token-lifetime',
    '1',
    '--webhook',
    receiver.url,
    '--webhook',
    `http://127.0.0.1:${down}/down`,
    '--webhook-secret',
    signingSecret,
    // Svix's schedule (a day and more) in about a second: the dead endpoint's deliveries fail fast.
    '--webhook-retry-scale',
    '0.00001',
  ]);
  other = await startEmulator([]);
  clerk = createClerkClient({ secretKey, apiUrl: emu.url });
  const instance = await (await fetch(`${emu.url}/_emulator/instance`, { headers: { Authorization: `Bearer ${secretKey}` } })).json();
  publishableKey = instance.publishable_key;
  jwks = await clerk.jwks.getJwks();
  // The networkless key, as an app's CI gets it: CLERK_JWT_KEY="$(clerkctl jwks --pem)".
  pem = clerkctl(['jwks', '--pem']);
  assert.equal(pem, instance.jwt_public_key, 'the instance route gives the same PEM');
  const derived = createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  assert.equal(pem, derived, 'the PEM is the JWKS key, as node:crypto derives it');
});

after(async () => {
  for (const child of started) {
    child.kill('SIGTERM');
  }
  receiver?.server.close();
});

async function signedInUser(extra = {}) {
  const t = tag();
  const user = await clerk.users.createUser({
    emailAddress: [`tok-${t}@interop.example.com`],
    firstName: 'Token',
    lastName: 'Holder',
    publicMetadata: { plan: 'pro' },
  });
  const session = await clerk.sessions.createSession({ userId: user.id, ...extra });
  return { user, session, t };
}

/** A session token that outlives the test (the emulator's default here is 1 s). */
const longToken = async (sessionId, template) => (await clerk.sessions.getToken(sessionId, template, 3600)).jwt;

// ---- tokens ------------------------------------------------------------------------------------

test('tokens: the JWKS lists one RS256 key, the kid every token names', async () => {
  assert.equal(jwks.keys.length, 1);
  const [key] = jwks.keys;
  assert.equal(key.kty, 'RSA');
  assert.equal(key.alg, 'RS256');
  assert.match(key.kid, /^ins_/);
  const { session } = await signedInUser();
  assert.equal(headerOf(await longToken(session.id)).kid, key.kid);
});

test('tokens: verifyToken accepts a session token through the JWKS and networkless', async () => {
  const { user, session } = await signedInUser();
  const jwt = await longToken(session.id);
  for (const options of [{ secretKey, apiUrl: emu.url }, { jwtKey: pem }]) {
    // The package's verifyToken returns the claims, or throws.
    const data = await verifyToken(jwt, options);
    assert.equal(data.sub, user.id);
    assert.equal(data.sid, session.id);
    assert.equal(data.v, 2);
    assert.equal(data.iss, emu.url);
  }
});

test('tokens: verifyToken accepts a JWT template token through the JWKS and networkless', async () => {
  const name = `tmpl_${tag()}`;
  const template = await clerk.jwtTemplates.create({
    name,
    claims: { aud: 'interop', email: '{{user.primary_email_address}}', plan: "{{user.public_metadata.plan || 'free'}}" },
    lifetime: 300,
  });
  assert.equal(template.name, name);
  const { user, session } = await signedInUser();
  const jwt = (await clerk.sessions.getToken(session.id, name)).jwt;
  for (const options of [{ secretKey, apiUrl: emu.url, audience: 'interop' }, { jwtKey: pem, audience: 'interop' }]) {
    const data = await verifyToken(jwt, options);
    assert.equal(data.sub, user.id);
    assert.equal(data.email, user.emailAddresses[0].emailAddress);
    assert.equal(data.plan, 'pro');
    assert.equal(data.exp - data.iat, 300);
  }
  await assert.rejects(verifyToken(jwt, { jwtKey: pem, audience: 'someone-else' }), /audience/, 'the audience is checked');
  await clerk.jwtTemplates.delete(template.id);
});

test('tokens: authenticateRequest signs in a request bearing a session token, with its organization', async () => {
  const t = tag();
  const { user } = await signedInUser();
  const org = await clerk.organizations.createOrganization({ name: `Tokens ${t}` });
  await clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: user.id, role: 'org:editor' });
  const session = await clerk.sessions.createSession({ userId: user.id });
  // Choosing the active organization is the Frontend API's job; the emulator has a route for it.
  const chosen = await fetch(`${emu.url}/_emulator/sessions/${session.id}/active_organization`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ organization_id: org.id }),
  });
  assert.equal(chosen.status, 200);
  const jwt = await longToken(session.id);
  for (const options of [{ apiUrl: emu.url }, { jwtKey: pem }]) {
    const state = await clerk.authenticateRequest(bearer(jwt), { secretKey, publishableKey, ...options });
    assert.equal(state.isSignedIn, true, `${state.reason} ${state.message}`);
    const auth = state.toAuth();
    assert.equal(auth.userId, user.id);
    assert.equal(auth.sessionId, session.id);
    assert.equal(auth.orgId, org.id);
    assert.equal(auth.orgSlug, org.slug);
    assert.equal(auth.orgRole, 'org:editor');
    assert.ok(auth.has({ permission: 'org:posts:manage' }));
    assert.ok(auth.has({ role: 'org:editor' }));
    assert.ok(!auth.has({ permission: 'org:billing:manage' }));
  }
});

test('tokens: authenticateRequest does not take a JWT template token for a session token', async () => {
  const name = `tmpl_${tag()}`;
  await clerk.jwtTemplates.create({ name, claims: { aud: 'interop' } });
  const { session } = await signedInUser();
  const jwt = (await clerk.sessions.getToken(session.id, name)).jwt;
  const state = await clerk.authenticateRequest(bearer(jwt), { secretKey, publishableKey, apiUrl: emu.url });
  assert.equal(state.isSignedIn, false);
  assert.equal(state.reason, 'token-type-mismatch');
});

test('tokens: after its session is revoked, a request is signed out once the last token expires', async () => {
  const { session } = await signedInUser();
  // This emulator's session tokens live one second.
  const jwt = (await clerk.sessions.getToken(session.id)).jwt;
  const { exp, iat } = claimsOf(jwt);
  assert.equal(exp - iat, 1);
  const options = { secretKey, publishableKey, apiUrl: emu.url };
  const before = await clerk.authenticateRequest(bearer(jwt), options);
  assert.equal(before.isSignedIn, true, `${before.reason} ${before.message}`);
  const revoked = await clerk.sessions.revokeSession(session.id);
  assert.equal(revoked.status, 'revoked');
  // A revoked session mints no new token.
  await assert.rejects(clerk.sessions.getToken(session.id), e => e.status === 401);
  // Past `exp` and the SDK's default 5 s clock skew, the last token is refused.
  await sleep(Math.max(0, (exp + 5) * 1000 - Date.now()) + 500);
  for (const opts of [options, { secretKey, publishableKey, jwtKey: pem }]) {
    const state = await clerk.authenticateRequest(bearer(jwt), opts);
    assert.equal(state.isSignedIn, false);
    assert.match(state.reason, /expired/);
  }
});

test('tokens: a token signed by another key is rejected', async () => {
  const { session } = await signedInUser();
  const real = await longToken(session.id);
  // The same header (kid included) and claims, signed with a key of our own.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forged = forge(headerOf(real), claimsOf(real), privateKey);
  // A genuine token of another instance (another key, another kid).
  const otherClerk = createClerkClient({ secretKey, apiUrl: other.url });
  const stranger = await otherClerk.users.createUser({ emailAddress: [`other-${tag()}@interop.example.com`] });
  const otherSession = await otherClerk.sessions.createSession({ userId: stranger.id });
  const foreign = (await otherClerk.sessions.getToken(otherSession.id, undefined, 3600)).jwt;
  assert.notEqual(headerOf(foreign).kid, headerOf(real).kid);

  for (const [jwt, viaJwks] of [
    [forged, 'token-invalid-signature'],
    [foreign, 'jwk-kid-mismatch'],
  ]) {
    await assert.rejects(verifyToken(jwt, { secretKey, apiUrl: emu.url }), e => e.reason === viaJwks);
    await assert.rejects(verifyToken(jwt, { jwtKey: pem }), e => e.reason === 'token-invalid-signature');
    for (const options of [{ apiUrl: emu.url }, { jwtKey: pem }]) {
      const state = await clerk.authenticateRequest(bearer(jwt), { secretKey, publishableKey, ...options });
      assert.equal(state.isSignedIn, false);
    }
  }
});

// ---- webhooks ----------------------------------------------------------------------------------

/** A delivery as `verifyWebhook` receives it: a Request with Svix's headers and the body. */
const asRequest = (d, body = d.body) =>
  new Request(`http://localhost:3000${d.url}`, {
    method: 'POST',
    headers: {
      'content-type': d.headers['content-type'],
      'svix-id': d.headers['svix-id'],
      'svix-timestamp': d.headers['svix-timestamp'],
      'svix-signature': d.headers['svix-signature'],
    },
    body,
  });

const svixHeaders = d => ({
  'svix-id': d.headers['svix-id'],
  'svix-timestamp': d.headers['svix-timestamp'],
  'svix-signature': d.headers['svix-signature'],
});

test('webhooks: every change is delivered, verified by verifyWebhook and by Svix', async () => {
  const t = tag();
  const from = receiver.deliveries.length;
  // One of each change the emulator reports.
  const user = await clerk.users.createUser({ emailAddress: [`hook-${t}@interop.example.com`], firstName: 'Hook' });
  const updated = await clerk.users.updateUser(user.id, { lastName: 'Catcher' });
  const org = await clerk.organizations.createOrganization({ name: `Hooks ${t}`, createdBy: user.id });
  const orgUpdated = await clerk.organizations.updateOrganization(org.id, { name: `Hooks ${t} 2` });
  const member = await clerk.users.createUser({ emailAddress: [`member-${t}@interop.example.com`] });
  const membership = await clerk.organizations.createOrganizationMembership({
    organizationId: org.id,
    userId: member.id,
    role: 'org:member',
  });
  await clerk.organizations.updateOrganizationMembership({ organizationId: org.id, userId: member.id, role: 'org:admin' });
  const invitation = await clerk.organizations.createOrganizationInvitation({
    organizationId: org.id,
    emailAddress: `invitee-${t}@interop.example.com`,
    role: 'org:member',
    inviterUserId: user.id,
  });
  await clerk.organizations.revokeOrganizationInvitation({ organizationId: org.id, invitationId: invitation.id, requestingUserId: user.id });
  const session = await clerk.sessions.createSession({ userId: member.id });
  await clerk.sessions.revokeSession(session.id);
  await clerk.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: member.id });
  await clerk.organizations.deleteOrganization(org.id);
  await clerk.users.deleteUser(member.id);

  const expected = [
    ['user.created', user.id],
    ['user.updated', user.id],
    ['organization.created', org.id],
    ['organizationMembership.created', null],
    ['organization.updated', org.id],
    ['user.created', member.id],
    ['organizationMembership.created', membership.id],
    ['organizationMembership.updated', membership.id],
    ['organizationInvitation.created', invitation.id],
    ['organizationInvitation.revoked', invitation.id],
    ['session.created', session.id],
    ['session.revoked', session.id],
    ['organizationMembership.deleted', membership.id],
    // Deleting an organization removes its memberships: the creator's goes too.
    ['organizationMembership.deleted', null],
    ['organization.deleted', org.id],
    ['user.deleted', member.id],
  ];
  const mine = () =>
    receiver.deliveries.slice(from).filter(d => {
      const e = JSON.parse(d.body);
      const id = e.data.id;
      return [user.id, member.id, org.id, membership.id, invitation.id, session.id].includes(id) || e.data.organization?.id === org.id;
    });
  const got = await eventually(() => {
    const ds = mine();
    return ds.length >= expected.length && ds;
  }, `${expected.length} deliveries`);

  const events = [];
  for (const d of got) {
    // Clerk's helper and Svix's library both accept it as delivered.
    const viaClerk = await verifyWebhook(asRequest(d), { signingSecret });
    const viaSvix = new Webhook(signingSecret).verify(d.body, svixHeaders(d));
    assert.deepEqual(viaSvix, JSON.parse(d.body));
    assert.equal(viaClerk.type, viaSvix.type);
    assert.equal(viaClerk.object, 'event');
    assert.match(d.headers['svix-id'], /^msg_/);
    assert.match(viaClerk.instance_id, /^ins_/);
    assert.equal(viaClerk.instance_id, jwks.keys[0].kid);
    assert.equal(typeof viaClerk.timestamp, 'number');
    assert.equal(typeof viaClerk.event_attributes.http_request.user_agent, 'string');
    events.push(viaClerk);
  }
  // Per object, in the order the changes were made; all of them, with Clerk's names.
  const sortedTypes = events.map(e => e.type).sort();
  assert.deepEqual(sortedTypes, expected.map(([type]) => type).sort());
  for (const id of [user.id, org.id, membership.id, invitation.id, session.id]) {
    const order = events.filter(e => e.data.id === id).map(e => e.type);
    const want = expected.filter(([, x]) => x === id).map(([type]) => type);
    assert.deepEqual(order, want, `events about ${id}`);
  }
  // `data` is what the API answers for the object.
  const byType = type => events.filter(e => e.type === type);
  const created = byType('user.created').find(e => e.data.id === user.id);
  const fetched = await fetch(`${emu.url}/v1/users/${user.id}`, { headers: { Authorization: `Bearer ${secretKey}` } });
  const now = await fetched.json();
  assert.equal(created.data.first_name, 'Hook');
  assert.equal(byType('user.updated')[0].data.last_name, updated.lastName);
  assert.equal(now.last_name, 'Catcher');
  assert.equal(byType('organization.updated')[0].data.name, orgUpdated.name);
  assert.equal(byType('organizationInvitation.revoked')[0].data.status, 'revoked');
  assert.equal(byType('session.created')[0].data.user.id, member.id);
  assert.deepEqual(byType('user.deleted')[0].data, { object: 'user', id: member.id, deleted: true });
  assert.deepEqual(byType('organization.deleted')[0].data, { object: 'organization', id: org.id, slug: org.slug, deleted: true });
});

test('webhooks: a tampered delivery is rejected by verifyWebhook and by Svix', async () => {
  const from = receiver.deliveries.length;
  await clerk.users.createUser({ emailAddress: [`tamper-${tag()}@interop.example.com`] });
  const [d] = await eventually(() => receiver.deliveries.length > from && receiver.deliveries.slice(from), 'a delivery');
  const tampered = d.body.replace('"object":"event"', '"object":"event","injected":true');
  assert.notEqual(tampered, d.body);
  await assert.rejects(verifyWebhook(asRequest(d, tampered), { signingSecret }), /verify/i);
  assert.throws(() => new Webhook(signingSecret).verify(tampered, svixHeaders(d)));
  // The right body under another secret fails too.
  const otherSecret = 'whsec_' + Buffer.alloc(24, 7).toString('base64');
  await assert.rejects(verifyWebhook(asRequest(d), { signingSecret: otherSecret }), /verify/i);
  assert.throws(() => new Webhook(otherSecret).verify(d.body, svixHeaders(d)));
});

test('webhooks: clerkctl webhooks verify accepts what Svix signs and says why a tampered one fails', () => {
  const wh = new Webhook(signingSecret);
  const body = JSON.stringify({ data: { id: 'user_1', object: 'user' }, object: 'event', type: 'user.created' });
  const id = `msg_${tag()}`;
  const now = new Date();
  const headers = { 'svix-id': id, 'svix-timestamp': String(Math.floor(now.getTime() / 1000)), 'svix-signature': wh.sign(id, now, body) };
  assert.equal(clerkctlVerify(body, headers, signingSecret).code, 0, 'what svix signs verifies');
  const tampered = clerkctlVerify(body.replace('user_1', 'user_2'), headers, signingSecret);
  assert.equal(tampered.code, 2);
  assert.match(tampered.stderr, /bad_signature/);
  const other = clerkctlVerify(body, headers, 'whsec_' + Buffer.alloc(24, 7).toString('base64'));
  assert.equal(other.code, 2);
  assert.match(other.stderr, /no signature matches/);
});

test('webhooks: deliveries to an endpoint that is down are retried, then listed as failed', async () => {
  const user = await clerk.users.createUser({ emailAddress: [`down-${tag()}@interop.example.com`] });
  const failed = await eventually(async () => {
    const r = await fetch(`${emu.url}/_emulator/webhooks/deliveries?status=failed&object_id=${user.id}`, {
      headers: { Authorization: `Bearer ${secretKey}` },
    });
    const body = await r.json();
    return body.data.length === 1 && body.data[0];
  }, 'the failed delivery');
  assert.match(failed.endpoint, /\/down$/);
  assert.equal(failed.type, 'user.created');
  assert.equal(failed.attempts.length, 8, "Svix's eight attempts");
  assert.ok(failed.attempts.every(a => a.response_status_code === null && a.error));
  // The same event reached the endpoint that is up.
  const ok = await fetch(`${emu.url}/_emulator/webhooks/deliveries?status=succeeded&object_id=${user.id}`, {
    headers: { Authorization: `Bearer ${secretKey}` },
  });
  assert.equal((await ok.json()).data[0].message_id, failed.message_id);
});
