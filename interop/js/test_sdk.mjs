// Clerk's official JavaScript Backend SDK (`@clerk/backend`) against clerkctl's emulator.
//
// Every call goes through the SDK unchanged: it builds the request (camelCase to snake_case,
// arrays as repeated query keys, falsy query values dropped, `Content-Type: application/json`
// even on GETs) and decodes the answer into its resource classes. It parses a body as JSON only
// when the content type is exactly `application/json`, and its `fromJSON` functions throw on
// some missing fields, so a wrong shape fails here. The tests then check the decoded values.
//
// Run by `interop/run`, which starts the emulator and sets CLERK_EMULATOR_URL. Every test makes
// its own records with unique emails, usernames and slugs, so the suites can share one emulator.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { createClerkClient } from '@clerk/backend';
import { ClerkAPIResponseError, isClerkAPIResponseError } from '@clerk/backend/errors';

const apiUrl = process.env.CLERK_EMULATOR_URL ?? 'http://127.0.0.1:8787';
// An emulator started with `--fault-rate 1 --faults 429`: every request is rate limited.
const rateLimitedUrl = process.env.CLERK_EMULATOR_429_URL;
// The emulator accepts any `sk_test_...` key; this is a placeholder, not a secret.
const secretKey = 'sk_test_interop_js';
const clerk = createClerkClient({ secretKey, apiUrl });

/** A short unique tag, so names made by different tests and suites never collide. */
const tag = () => randomUUID().replaceAll('-', '').slice(0, 12);

/** Lets the clock move on, so records made one after another differ in `created_at`. */
const tick = () => sleep(3);

/** The SDK resource class a value was decoded into (the bundle prefixes class names with `_`). */
const kind = value => value?.constructor?.name.replace(/^_+/, '');

const emailOf = (name, t) => `${name}-${t}@interop.example.com`;

async function makeUser(t, name, extra = {}) {
  await tick();
  return clerk.users.createUser({
    emailAddress: [emailOf(name, t)],
    username: `${name}_${t}`,
    firstName: name[0].toUpperCase() + name.slice(1),
    lastName: 'Interop',
    ...extra,
  });
}

async function makeOrg(t, name, creator, extra = {}) {
  await tick();
  return clerk.organizations.createOrganization({
    name: `${name} ${t}`,
    slug: `${name.toLowerCase()}-${t}`,
    ...(creator ? { createdBy: creator.id } : {}),
    ...extra,
  });
}

/** Awaits a call that must fail with a Clerk API error of this status and code. */
async function rejectsWith(promise, status, code) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected a ${status} ${code} error, but the call succeeded`);
  assert.ok(error instanceof ClerkAPIResponseError, `expected ClerkAPIResponseError, got ${error}`);
  assert.ok(isClerkAPIResponseError(error));
  assert.equal(error.status, status);
  assert.ok(error.errors.length >= 1);
  assert.equal(error.errors[0].code, code);
  assert.ok(error.errors[0].message && error.errors[0].longMessage);
  assert.ok(error.clerkTraceId, 'the trace id is read from the body');
  return error;
}

// ---- users -------------------------------------------------------------------------------------

test('users: create and get decode every field', async () => {
  const t = tag();
  const phone = `+1555${String(parseInt(t, 16) % 1e8).padStart(8, '0')}`;
  const wallet = `0x${t}${'0'.repeat(28)}`;
  const u = await makeUser(t, 'ada', {
    phoneNumber: [phone],
    web3Wallet: [wallet],
    externalId: `ext-${t}`,
    publicMetadata: { plan: 'pro', nested: { a: 1 } },
    privateMetadata: { secret: true },
    unsafeMetadata: { theme: 'dark' },
  });
  assert.match(u.id, /^user_[0-9A-Za-z]{27}$/);
  assert.equal(u.username, `ada_${t}`);
  assert.equal(u.firstName, 'Ada');
  assert.equal(u.lastName, 'Interop');
  assert.equal(u.externalId, `ext-${t}`);
  assert.deepEqual(
    u.phoneNumbers.map(p => p.phoneNumber),
    [phone],
  );
  assert.equal(u.primaryPhoneNumber?.phoneNumber, phone);
  assert.deepEqual(u.phoneNumbers[0].linkedTo, []);
  assert.deepEqual(
    u.web3Wallets.map(w => w.web3Wallet),
    [wallet],
  );
  assert.equal(u.primaryWeb3Wallet?.web3Wallet, wallet);
  assert.equal(u.emailAddresses.length, 1);
  const [email] = u.emailAddresses;
  assert.equal(email.emailAddress, emailOf('ada', t));
  assert.match(email.id, /^idn_/);
  assert.equal(u.primaryEmailAddressId, email.id);
  assert.equal(u.primaryEmailAddress?.emailAddress, emailOf('ada', t));
  assert.equal(email.verification?.status, 'verified');
  assert.deepEqual(email.linkedTo, []);
  assert.deepEqual(u.publicMetadata, { plan: 'pro', nested: { a: 1 } });
  assert.deepEqual(u.privateMetadata, { secret: true });
  assert.deepEqual(u.unsafeMetadata, { theme: 'dark' });
  assert.equal(u.banned, false);
  assert.equal(u.locked, false);
  assert.ok(u.createdAt > 1_600_000_000_000, 'timestamps are Unix milliseconds');
  assert.equal(typeof u.imageUrl, 'string');

  const got = await clerk.users.getUser(u.id);
  assert.equal(got.id, u.id);
  assert.equal(got.emailAddresses[0].emailAddress, emailOf('ada', t));
  assert.deepEqual(got.publicMetadata, u.publicMetadata);
});

test('users: a reserved email address has no verification', async () => {
  const t = tag();
  const u = await makeUser(t, 'res', {
    emailAddress: [emailOf('res', t), emailOf('res2', t)],
    emailAddressIdentificationStatus: ['verified', 'reserved'],
  });
  assert.deepEqual(
    u.emailAddresses.map(e => [e.emailAddress, e.verification?.status ?? null]),
    [
      [emailOf('res', t), 'verified'],
      [emailOf('res2', t), null],
    ],
  );
  assert.equal(u.primaryEmailAddress?.emailAddress, emailOf('res', t));
});

test('users: getUserList filters, orders, pages and counts', async () => {
  const t = tag();
  const a = await makeUser(t, 'ann');
  const b = await makeUser(t, 'bob');
  const c = await makeUser(t, 'cy');

  // Two requests in parallel: GET /users and GET /users/count with the same filters.
  const listed = await clerk.users.getUserList({ query: t });
  assert.deepEqual(
    listed.data.map(u => u.id),
    [c.id, b.id, a.id],
  );
  assert.equal(listed.totalCount, 3);

  // `+created_at` goes out as `%2B`; `offset: 0` is falsy and not sent at all.
  const asc = await clerk.users.getUserList({ query: t, orderBy: '+created_at', limit: 2, offset: 0 });
  assert.deepEqual(
    asc.data.map(u => u.id),
    [a.id, b.id],
  );
  assert.equal(asc.totalCount, 3, 'the count ignores limit and offset');

  const page2 = await clerk.users.getUserList({ query: t, orderBy: 'created_at', limit: 2, offset: 2 });
  assert.deepEqual(
    page2.data.map(u => u.id),
    [c.id],
  );

  // Arrays go out as repeated keys.
  const byEmail = await clerk.users.getUserList({
    emailAddress: [emailOf('ann', t), emailOf('cy', t)],
    orderBy: '-created_at',
  });
  assert.deepEqual(
    byEmail.data.map(u => u.id),
    [c.id, a.id],
  );
  assert.equal(byEmail.totalCount, 2);

  const byId = await clerk.users.getUserList({ userId: [a.id, b.id] });
  assert.deepEqual(
    byId.data.map(u => u.id),
    [b.id, a.id],
  );
  const byUsername = await clerk.users.getUserList({ username: [`bob_${t}`] });
  assert.deepEqual(
    byUsername.data.map(u => u.id),
    [b.id],
  );

  assert.equal(await clerk.users.getCount({ query: t }), 3);
  assert.equal(await clerk.users.getCount({ userId: [a.id, c.id] }), 2);
});

test('users: updateUser, with and without metadata', async () => {
  const t = tag();
  const u = await makeUser(t, 'eve', { publicMetadata: { old: true }, privateMetadata: { p: 1 } });
  const updated = await clerk.users.updateUser(u.id, { firstName: 'Evelyn', locale: 'fr-FR' });
  assert.equal(updated.firstName, 'Evelyn');
  assert.equal(updated.locale, 'fr-FR');
  assert.equal(updated.username, `eve_${t}`);
  assert.deepEqual(updated.publicMetadata, { old: true });

  // With metadata the SDK sends PATCH /users/{id} for the rest, then PUT /users/{id}/metadata
  // (metadata on PATCH is refused from API version 2026-05-12, which this SDK sends).
  const withMeta = await clerk.users.updateUser(u.id, { lastName: 'Prime', publicMetadata: { new: 1 } });
  assert.equal(withMeta.lastName, 'Prime');
  assert.equal(withMeta.firstName, 'Evelyn');
  assert.deepEqual(withMeta.publicMetadata, { new: 1 });
  assert.deepEqual(withMeta.privateMetadata, { p: 1 });
});

test('users: metadata merge and replace', async () => {
  const t = tag();
  const u = await makeUser(t, 'meta', {
    publicMetadata: { keep: 1, nested: { a: 1, b: 2 }, gone: 'x' },
    privateMetadata: { p: 1 },
  });
  // Metadata keys keep their case: the SDK snake-cases only top-level body keys.
  const merged = await clerk.users.updateUserMetadata(u.id, {
    publicMetadata: { nested: { b: null, cC: 3 }, gone: null, newKey: [1, 2] },
    unsafeMetadata: { u: true },
  });
  assert.deepEqual(merged.publicMetadata, { keep: 1, nested: { a: 1, cC: 3 }, newKey: [1, 2] });
  assert.deepEqual(merged.privateMetadata, { p: 1 });
  assert.deepEqual(merged.unsafeMetadata, { u: true });

  const replaced = await clerk.users.replaceUserMetadata(u.id, { publicMetadata: { only: 'this' } });
  assert.deepEqual(replaced.publicMetadata, { only: 'this' });
  assert.deepEqual(replaced.privateMetadata, { p: 1 });
});

test('users: ban, unban, lock, unlock', async () => {
  const t = tag();
  const u = await makeUser(t, 'ban');
  // No body: the SDK sends none for an empty one.
  assert.equal((await clerk.users.banUser(u.id)).banned, true);
  assert.equal((await clerk.users.getUser(u.id)).banned, true);
  assert.equal((await clerk.users.unbanUser(u.id)).banned, false);
  assert.equal((await clerk.users.lockUser(u.id)).locked, true);
  assert.equal((await clerk.users.unlockUser(u.id)).locked, false);
});

test('users: deleteUser returns a DeletedObject, then 404', async () => {
  const t = tag();
  const u = await makeUser(t, 'del');
  const deleted = await clerk.users.deleteUser(u.id);
  assert.equal(kind(deleted), 'DeletedObject');
  assert.equal(deleted.id, u.id);
  assert.equal(deleted.object, 'user');
  assert.equal(deleted.deleted, true);
  await rejectsWith(clerk.users.getUser(u.id), 404, 'resource_not_found');
});

test('errors: 404, 422 and 401 surface as ClerkAPIResponseError', async () => {
  const t = tag();
  const u = await makeUser(t, 'dup');
  const dup = await rejectsWith(
    clerk.users.createUser({ emailAddress: [emailOf('dup', t)] }),
    422,
    'form_identifier_exists',
  );
  assert.equal(dup.errors[0].meta?.paramName, 'email_address');

  await rejectsWith(clerk.organizations.getOrganization({ organizationId: `org_missing${t}` }), 404, 'resource_not_found');

  const org = await makeOrg(t, 'Strict');
  await rejectsWith(
    clerk.organizations.updateOrganization(org.id, { name: 'x', slug: 'not a slug!' }),
    422,
    'form_param_format_invalid',
  );

  // A production key is refused: an emulator never needs one.
  const live = createClerkClient({ secretKey: 'sk_live_placeholder', apiUrl });
  await rejectsWith(live.users.getUser(u.id), 401, 'clerk_key_invalid');
});

test('errors: 429 carries Retry-After into retryAfter', { skip: !rateLimitedUrl && 'CLERK_EMULATOR_429_URL is not set' }, async () => {
  const limited = createClerkClient({ secretKey, apiUrl: rateLimitedUrl });
  const error = await rejectsWith(limited.users.getUser('user_any'), 429, 'too_many_requests');
  assert.equal(error.retryAfter, 7, 'the SDK reads Retry-After as whole seconds');
});

// ---- organizations -----------------------------------------------------------------------------

test('organizations: create, get by id and slug, list', async () => {
  const t = tag();
  const owner = await makeUser(t, 'owner');
  const org = await makeOrg(t, 'Acme', owner, {
    publicMetadata: { tier: 'gold' },
    privateMetadata: { crm: '42' },
    maxAllowedMemberships: 5,
  });
  assert.match(org.id, /^org_[0-9A-Za-z]{27}$/);
  assert.equal(org.name, `Acme ${t}`);
  assert.equal(org.slug, `acme-${t}`);
  assert.deepEqual(org.publicMetadata, { tier: 'gold' });
  assert.deepEqual(org.privateMetadata, { crm: '42' });
  assert.equal(org.maxAllowedMemberships, 5);
  assert.equal(org.createdBy, owner.id);

  const byId = await clerk.organizations.getOrganization({ organizationId: org.id, includeMembersCount: true });
  assert.equal(byId.id, org.id);
  assert.equal(byId.membersCount, 1, 'the creator becomes the first member');
  const bySlug = await clerk.organizations.getOrganization({ slug: org.slug });
  assert.equal(bySlug.id, org.id);
  assert.equal(bySlug.membersCount, undefined, 'members_count only when asked for');

  const second = await makeOrg(t, 'Beta');
  const listed = await clerk.organizations.getOrganizationList({ query: t, includeMembersCount: true });
  assert.equal(listed.totalCount, 2);
  assert.deepEqual(
    listed.data.map(o => o.id),
    [second.id, org.id],
  );
  assert.deepEqual(
    listed.data.map(o => o.membersCount),
    [0, 1],
  );

  const asc = await clerk.organizations.getOrganizationList({ query: t, orderBy: '+created_at', limit: 1 });
  assert.equal(asc.totalCount, 2);
  assert.deepEqual(
    asc.data.map(o => o.id),
    [org.id],
  );

  const byIds = await clerk.organizations.getOrganizationList({ organizationId: [second.id] });
  assert.deepEqual(
    byIds.data.map(o => o.id),
    [second.id],
  );
});

test('organizations: update, metadata merge and replace', async () => {
  const t = tag();
  const org = await makeOrg(t, 'Gamma', null, { publicMetadata: { a: { x: 1, y: 2 }, b: 1 } });
  const updated = await clerk.organizations.updateOrganization(org.id, {
    name: `Gamma Prime ${t}`,
    slug: `gamma-prime-${t}`,
    maxAllowedMemberships: 10,
  });
  assert.equal(updated.name, `Gamma Prime ${t}`);
  assert.equal(updated.slug, `gamma-prime-${t}`);
  assert.equal(updated.maxAllowedMemberships, 10);
  assert.deepEqual(updated.publicMetadata, { a: { x: 1, y: 2 }, b: 1 });

  const merged = await clerk.organizations.updateOrganizationMetadata(org.id, {
    publicMetadata: { a: { y: null, z: 3 }, b: null },
    privateMetadata: { secret: 's' },
  });
  assert.deepEqual(merged.publicMetadata, { a: { x: 1, z: 3 } });
  assert.deepEqual(merged.privateMetadata, { secret: 's' });

  const replaced = await clerk.organizations.replaceOrganizationMetadata(org.id, { publicMetadata: { fresh: true } });
  assert.deepEqual(replaced.publicMetadata, { fresh: true });
  assert.deepEqual(replaced.privateMetadata, { secret: 's' });

  // updateOrganization with metadata: PATCH for the rest, then PUT .../metadata.
  const both = await clerk.organizations.updateOrganization(org.id, {
    adminDeleteEnabled: false,
    publicMetadata: { via: 'update' },
  });
  assert.equal(both.adminDeleteEnabled, false);
  assert.deepEqual(both.publicMetadata, { via: 'update' });
});

test('organizations: deleteOrganization returns a DeletedObject', async () => {
  const t = tag();
  const org = await makeOrg(t, 'Doomed');
  const deleted = await clerk.organizations.deleteOrganization(org.id);
  assert.equal(kind(deleted), 'DeletedObject');
  assert.equal(deleted.id, org.id);
  assert.equal(deleted.object, 'organization');
  assert.equal(deleted.deleted, true);
  await rejectsWith(clerk.organizations.getOrganization({ organizationId: org.id }), 404, 'resource_not_found');
});

// ---- memberships -------------------------------------------------------------------------------

test('memberships: create, list, update, metadata, delete', async () => {
  const t = tag();
  const owner = await makeUser(t, 'boss');
  const member = await makeUser(t, 'staff');
  const org = await makeOrg(t, 'Delta', owner);

  const m = await clerk.organizations.createOrganizationMembership({
    organizationId: org.id,
    userId: member.id,
    role: 'org:member',
  });
  assert.match(m.id, /^orgmem_/);
  assert.equal(m.role, 'org:member');
  assert.deepEqual(m.permissions, ['org:sys_memberships:read']);
  assert.equal(m.organization.id, org.id);
  assert.equal(m.organization.name, `Delta ${t}`);
  assert.equal(m.publicUserData?.userId, member.id);
  assert.equal(m.publicUserData?.identifier, emailOf('staff', t));
  assert.equal(m.publicUserData?.firstName, 'Staff');

  const listed = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
  assert.equal(listed.totalCount, 2);
  assert.deepEqual(
    Object.fromEntries(listed.data.map(x => [x.publicUserData?.userId, x.role])),
    { [owner.id]: 'org:admin', [member.id]: 'org:member' },
  );
  const admins = await clerk.organizations.getOrganizationMembershipList({
    organizationId: org.id,
    role: ['org:admin'],
  });
  assert.deepEqual(
    admins.data.map(x => x.publicUserData?.userId),
    [owner.id],
  );
  const byUser = await clerk.organizations.getOrganizationMembershipList({
    organizationId: org.id,
    userId: [member.id],
  });
  assert.deepEqual(
    byUser.data.map(x => x.id),
    [m.id],
  );

  const promoted = await clerk.organizations.updateOrganizationMembership({
    organizationId: org.id,
    userId: member.id,
    role: 'org:admin',
  });
  assert.equal(promoted.role, 'org:admin');

  const meta = await clerk.organizations.updateOrganizationMembershipMetadata({
    organizationId: org.id,
    userId: member.id,
    publicMetadata: { desk: 4 },
    privateMetadata: { band: 'b' },
  });
  assert.deepEqual(meta.publicMetadata, { desk: 4 });
  assert.deepEqual(meta.privateMetadata, { band: 'b' });

  // Users filtered by organization: a repeated `organization_id` key, on the list and the count.
  const inOrg = await clerk.users.getUserList({ organizationId: [org.id], orderBy: '+created_at' });
  assert.deepEqual(
    inOrg.data.map(u => u.id),
    [owner.id, member.id],
  );
  assert.equal(inOrg.totalCount, 2);

  const mine = await clerk.users.getOrganizationMembershipList({ userId: member.id });
  assert.equal(mine.totalCount, 1);
  assert.equal(mine.data[0].organization.id, org.id);

  const everywhere = await clerk.organizations.getInstanceOrganizationMembershipList({
    orderBy: '-created_at',
    limit: 500,
  });
  assert.ok(everywhere.totalCount >= 2);
  assert.ok(everywhere.data.some(x => x.id === m.id));

  const removed = await clerk.organizations.deleteOrganizationMembership({
    organizationId: org.id,
    userId: member.id,
  });
  assert.equal(kind(removed), 'OrganizationMembership');
  assert.equal(removed.id, m.id);
  assert.equal((await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id })).totalCount, 1);
  assert.equal((await clerk.users.getOrganizationMembershipList({ userId: member.id })).totalCount, 0);
});

// ---- organization invitations ------------------------------------------------------------------

test('organization invitations: create, bulk, get, list, revoke', async () => {
  const t = tag();
  const owner = await makeUser(t, 'host');
  const guest = await makeUser(t, 'guest');
  const org = await makeOrg(t, 'Epsilon', owner);

  const inv = await clerk.organizations.createOrganizationInvitation({
    organizationId: org.id,
    emailAddress: emailOf('guest', t),
    role: 'org:member',
    inviterUserId: owner.id,
    publicMetadata: { source: 'js' },
    expiresInDays: 7,
  });
  assert.match(inv.id, /^orginv_/);
  assert.equal(inv.emailAddress, emailOf('guest', t));
  assert.equal(inv.role, 'org:member');
  assert.equal(inv.roleName, 'Member');
  assert.equal(inv.status, 'pending');
  assert.equal(inv.organizationId, org.id);
  assert.deepEqual(inv.publicMetadata, { source: 'js' });
  assert.ok(inv.url);
  assert.equal(inv.expiresAt - inv.createdAt, 7 * 86_400_000);

  const got = await clerk.organizations.getOrganizationInvitation({ organizationId: org.id, invitationId: inv.id });
  assert.equal(got.id, inv.id);
  assert.equal(got.status, 'pending');

  await tick();
  const bulk = await clerk.organizations.createOrganizationInvitationBulk(org.id, [
    { emailAddress: emailOf('b1', t), role: 'org:member' },
    { emailAddress: emailOf('b2', t), role: 'org:admin', inviterUserId: owner.id },
  ]);
  assert.equal(bulk.totalCount, 2);
  assert.deepEqual(
    bulk.data.map(i => [i.emailAddress, i.role]),
    [
      [emailOf('b1', t), 'org:member'],
      [emailOf('b2', t), 'org:admin'],
    ],
  );

  // `status` is an array: a repeated key.
  const pending = await clerk.organizations.getOrganizationInvitationList({
    organizationId: org.id,
    status: ['pending'],
  });
  assert.equal(pending.totalCount, 3);
  assert.deepEqual(new Set(pending.data.map(i => i.id)), new Set([inv.id, ...bulk.data.map(i => i.id)]));

  await rejectsWith(
    clerk.organizations.createOrganizationInvitation({
      organizationId: org.id,
      emailAddress: emailOf('guest', t),
      role: 'org:member',
    }),
    400,
    'organization_invitation_not_unique',
  );

  const theirs = await clerk.users.getOrganizationInvitationList({ userId: guest.id, status: 'pending' });
  assert.deepEqual(
    theirs.data.map(i => i.id),
    [inv.id],
  );
  assert.equal(theirs.data[0].publicOrganizationData?.id, org.id);

  const revoked = await clerk.organizations.revokeOrganizationInvitation({
    organizationId: org.id,
    invitationId: inv.id,
    requestingUserId: owner.id,
  });
  assert.equal(revoked.id, inv.id);
  assert.equal(revoked.status, 'revoked');

  const after = await clerk.organizations.getOrganizationInvitationList({
    organizationId: org.id,
    status: ['pending', 'revoked'],
  });
  assert.equal(after.totalCount, 3);
  assert.equal(after.data.find(i => i.id === inv.id)?.status, 'revoked');
  const all = await clerk.organizations.getOrganizationInvitationList({ organizationId: org.id });
  assert.equal(all.totalCount, 3);

  // Clerk's error index makes OrganizationInvitationNotPending a 404.
  await rejectsWith(
    clerk.organizations.revokeOrganizationInvitation({ organizationId: org.id, invitationId: inv.id }),
    404,
    'organization_invitation_not_pending',
  );
});

// ---- application invitations -------------------------------------------------------------------

test('invitations: create, bulk, paginated list, revoke, delete', async () => {
  const t = tag();
  const inv = await clerk.invitations.createInvitation({
    emailAddress: emailOf('invitee', t),
    publicMetadata: { via: 'js' },
    expiresInDays: 3,
    notify: false,
  });
  assert.match(inv.id, /^inv_/);
  assert.equal(inv.emailAddress, emailOf('invitee', t));
  assert.deepEqual(inv.publicMetadata, { via: 'js' });
  assert.equal(inv.status, 'pending');
  assert.equal(inv.revoked, false);
  assert.ok(inv.url);

  await tick();
  // Items of one bulk create share their `created_at`.
  const bulk = await clerk.invitations.createInvitationBulk([
    { emailAddress: emailOf('bulk1', t) },
    { emailAddress: emailOf('bulk2', t), publicMetadata: { n: 2 } },
  ]);
  assert.ok(Array.isArray(bulk));
  assert.deepEqual(
    bulk.map(i => i.emailAddress),
    [emailOf('bulk1', t), emailOf('bulk2', t)],
  );
  assert.deepEqual(bulk[1].publicMetadata, { n: 2 });
  const bulkIds = new Set(bulk.map(i => i.id));

  // getInvitationList always adds `paginated=true` and expects `{data, total_count}`.
  const listed = await clerk.invitations.getInvitationList({ query: t });
  assert.equal(listed.totalCount, 3);
  assert.deepEqual(new Set(listed.data.slice(0, 2).map(i => i.id)), bulkIds);
  assert.equal(listed.data[2].id, inv.id);

  const asc = await clerk.invitations.getInvitationList({ query: t, orderBy: '+created_at', limit: 2 });
  assert.equal(asc.totalCount, 3);
  assert.equal(asc.data[0].id, inv.id);
  assert.ok(bulkIds.has(asc.data[1].id));

  const revoked = await clerk.invitations.revokeInvitation(inv.id);
  assert.equal(revoked.id, inv.id);
  assert.equal(revoked.revoked, true);
  assert.equal(revoked.status, 'revoked');
  await rejectsWith(clerk.invitations.revokeInvitation(inv.id), 400, 'invitation_already_revoked');

  const pending = await clerk.invitations.getInvitationList({ query: t, status: 'pending' });
  assert.deepEqual(new Set(pending.data.map(i => i.id)), bulkIds);
  const revokedList = await clerk.invitations.getInvitationList({ query: t, status: 'revoked' });
  assert.deepEqual(
    revokedList.data.map(i => i.id),
    [inv.id],
  );

  // DELETE /invitations/{id}: not in the vendored spec, but the SDK calls it (see docs/emulator.md).
  const deleted = await clerk.invitations.deleteInvitation(inv.id);
  assert.equal(kind(deleted), 'DeletedObject');
  assert.equal(deleted.object, 'invitation');
  assert.equal(deleted.id, inv.id);
  assert.equal(deleted.deleted, true);
  const left = await clerk.invitations.getInvitationList({ query: t, status: 'revoked' });
  assert.equal(left.totalCount, 0);
  await rejectsWith(clerk.invitations.deleteInvitation(inv.id), 404, 'resource_not_found');
});
