//! Every change to a record, with its cascades.
//!
//! The engine changes records only through these methods: each writes the record into memory
//! (keeping the indexes in step) and records it in [`Changes`], which [`crate::Engine`]'s write
//! path hands to the store once the operation succeeded. This is the one place every mutation
//! passes (API requests and seed files alike): something that must observe each change, such
//! as emitting one webhook event per created, updated or deleted record, belongs here.
//!
//! Cascades: deleting a user removes their memberships and revokes their sessions; banning one
//! revokes their sessions; deleting an organization removes its memberships and invitations;
//! a removed membership is no longer its sessions' active organization.
//!
//! Webhook events are made here, one per change Clerk reports (`user.created`,
//! `organizationMembership.deleted`, `session.revoked`, ...), with `data` as the API answers
//! the record (`events.rs`). They are recorded only when webhooks are configured, and never
//! for seed files.

use serde_json::Value;

use super::{State, Table};
use crate::model::{
    Invitation, InvitationStatus, JwtTemplate, Membership, Organization, OrganizationInvitation,
    Session, SessionStatus, SignInToken, User,
};

/// A change a webhook tells about: Clerk's event type, the object it is about (deliveries
/// about one object keep their order), and the object as the API answers it.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: &'static str,
    pub object_id: String,
    pub data: Value,
}

/// What a mutation touched, so the store can write exactly those records, and the events it
/// makes.
#[derive(Debug, Default)]
pub struct Changes {
    touched: Vec<(Table, String)>,
    record_events: bool,
    events: Vec<Event>,
}

impl Changes {
    /// Changes that also record webhook events.
    pub fn recording_events() -> Changes {
        Changes {
            record_events: true,
            ..Changes::default()
        }
    }

    fn touch(&mut self, table: Table, id: &str) {
        self.touched.push((table, id.to_owned()));
    }

    /// Records an event; `data` is only built when events are recorded.
    fn event(&mut self, kind: &'static str, object_id: &str, data: impl FnOnce() -> Value) {
        if self.record_events {
            self.events.push(Event {
                kind,
                object_id: object_id.to_owned(),
                data: data(),
            });
        }
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub fn is_empty(&self) -> bool {
        self.touched.is_empty()
    }

    /// Forgets what was touched (a change undone in memory must not reach the store), and
    /// its events.
    pub fn clear(&mut self) {
        self.touched.clear();
        self.events.clear();
    }

    /// Touched records, each once, in key order: the store writes each record's current
    /// document (or deletes it), so the order of the writes does not matter, and sorting
    /// needs no second copy of every ID as a set of seen entries would (a seed touches
    /// 100,000 records at once).
    pub fn drain_unique(&mut self) -> Vec<(Table, String)> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        touched
    }
}

impl State {
    // ---- users -----------------------------------------------------------------------------------

    /// Creates or replaces a user; banning one revokes their sessions.
    pub fn save_user(&mut self, ch: &mut Changes, user: User) {
        let id = user.id.clone();
        let before = self.users.get(&id).map(|u| u.banned);
        let now = user.updated_at;
        ch.touch(Table::Users, &id);
        self.insert_user(user);
        let kind = if before.is_some() {
            "user.updated"
        } else {
            "user.created"
        };
        ch.event(kind, &id, || self.user_event_data(&id));
        if before == Some(false) && self.users[&id].banned {
            self.revoke_sessions_of(ch, &id, now);
        }
    }

    /// Records a sign-in (a new session): the user's sign-in and activity times move. Activity
    /// is not a change Clerk's webhooks report, so this makes no event.
    pub fn record_sign_in(&mut self, ch: &mut Changes, id: &str, now: i64) {
        let Some(user) = self.users.get(id) else {
            return;
        };
        let mut user = (**user).clone();
        user.last_sign_in_at = Some(now);
        user.last_active_at = Some(now);
        ch.touch(Table::Users, id);
        self.insert_user(user);
    }

    /// Deletes a user, their memberships, and revokes their sessions.
    pub fn delete_user(&mut self, ch: &mut Changes, id: &str) -> Option<Box<User>> {
        let org_ids: Vec<String> = self
            .user_orgs
            .get(id)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for org in org_ids {
            if let Some(mem) = self.membership_of(&org, id).map(|m| m.id.clone()) {
                self.delete_membership(ch, &mem);
            }
        }
        if let Some(now) = self.users.get(id).map(|_| crate::now_ms()) {
            self.revoke_sessions_of(ch, id, now);
        }
        let user = self.remove_user(id)?;
        ch.touch(Table::Users, id);
        ch.event("user.deleted", id, || Self::deleted_user_data(&user));
        Some(user)
    }

    // ---- organizations ---------------------------------------------------------------------------

    /// Creates or replaces an organization.
    pub fn save_org(&mut self, ch: &mut Changes, org: Organization) {
        let id = org.id.clone();
        let kind = if self.orgs.contains_key(&id) {
            "organization.updated"
        } else {
            "organization.created"
        };
        ch.touch(Table::Organizations, &id);
        self.insert_org(org);
        ch.event(kind, &id, || self.org_event_data(&self.orgs[&id]));
    }

    /// Deletes an organization with all its memberships and invitations.
    pub fn delete_org(&mut self, ch: &mut Changes, id: &str) -> Option<Organization> {
        let mems: Vec<String> = self
            .org_members
            .get(id)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        for m in mems {
            self.delete_membership(ch, &m);
        }
        let invs: Vec<String> = self.org_invitations_of(id).map(|i| i.id.clone()).collect();
        for inv in invs {
            self.remove_org_invitation(&inv);
            ch.touch(Table::OrganizationInvitations, &inv);
        }
        let org = self.remove_org(id)?;
        ch.touch(Table::Organizations, id);
        ch.event("organization.deleted", id, || Self::deleted_org_data(&org));
        Some(org)
    }

    // ---- memberships -----------------------------------------------------------------------------

    /// Creates or replaces a membership.
    pub fn save_membership(&mut self, ch: &mut Changes, m: Membership) {
        let id = m.id.clone();
        let kind = if self.memberships.contains_key(&id) {
            "organizationMembership.updated"
        } else {
            "organizationMembership.created"
        };
        ch.touch(Table::Memberships, &id);
        self.insert_membership(m);
        ch.event(kind, &id, || {
            self.membership_event_data(&self.memberships[&id])
        });
    }

    /// Deletes a membership; its organization stops being its user's sessions' active one.
    pub fn delete_membership(&mut self, ch: &mut Changes, id: &str) -> Option<Membership> {
        let m = self.remove_membership(id)?;
        ch.touch(Table::Memberships, id);
        ch.event("organizationMembership.deleted", id, || {
            self.membership_event_data(&m)
        });
        self.clear_active_org(ch, &m);
        Some(m)
    }

    // ---- invitations -----------------------------------------------------------------------------

    /// Creates or replaces an organization invitation. Clerk reports its creation, its
    /// revocation and its acceptance, not other changes.
    pub fn save_org_invitation(&mut self, ch: &mut Changes, inv: OrganizationInvitation) {
        let id = inv.id.clone();
        let before = self.org_invitations.get(&id).map(|i| i.status);
        let kind = match (before, inv.status) {
            (None, _) => Some("organizationInvitation.created"),
            (Some(old), InvitationStatus::Revoked) if old != InvitationStatus::Revoked => {
                Some("organizationInvitation.revoked")
            }
            (Some(old), InvitationStatus::Accepted) if old != InvitationStatus::Accepted => {
                Some("organizationInvitation.accepted")
            }
            _ => None,
        };
        ch.touch(Table::OrganizationInvitations, &id);
        self.insert_org_invitation(inv);
        if let Some(kind) = kind {
            ch.event(kind, &id, || {
                self.org_invitation_event_data(&self.org_invitations[&id])
            });
        }
    }

    /// Creates or replaces an application invitation.
    pub fn save_invitation(&mut self, ch: &mut Changes, inv: Invitation) {
        ch.touch(Table::Invitations, &inv.id);
        self.insert_invitation(inv);
    }

    pub fn delete_invitation(&mut self, ch: &mut Changes, id: &str) -> Option<Invitation> {
        let inv = self.remove_invitation(id)?;
        ch.touch(Table::Invitations, id);
        Some(inv)
    }

    // ---- sessions ------------------------------------------------------------------------------

    /// Creates or replaces a session: `session.created` for a new one, `session.revoked` when
    /// an active one is revoked.
    pub fn save_session(&mut self, ch: &mut Changes, s: Session) {
        let id = s.id.clone();
        let now = s.updated_at;
        let before = self.sessions.get(&id).map(|old| old.status_at(now));
        let kind = match (before, s.status) {
            (None, _) => Some("session.created"),
            (Some(SessionStatus::Active), SessionStatus::Revoked) => Some("session.revoked"),
            _ => None,
        };
        ch.touch(Table::Sessions, &id);
        self.insert_session(s);
        if let Some(kind) = kind {
            ch.event(kind, &id, || {
                self.session_event_data(&self.sessions[&id], now)
            });
        }
    }

    /// Revokes every active session of a user (banned or deleted).
    fn revoke_sessions_of(&mut self, ch: &mut Changes, user_id: &str, now: i64) {
        let ids: Vec<String> = self
            .user_sessions
            .get(user_id)
            .into_iter()
            .flatten()
            .filter(|id| {
                self.sessions
                    .get(*id)
                    .is_some_and(|s| s.status_at(now) == SessionStatus::Active)
            })
            .cloned()
            .collect();
        for id in ids {
            let mut s = self.sessions[&id].clone();
            s.status = SessionStatus::Revoked;
            s.updated_at = now;
            self.save_session(ch, s);
        }
    }

    /// A removed membership's organization is no longer its user's sessions' active one.
    fn clear_active_org(&mut self, ch: &mut Changes, m: &Membership) {
        let ids: Vec<String> = self
            .user_sessions
            .get(&m.user_id)
            .into_iter()
            .flatten()
            .filter(|id| {
                self.sessions.get(*id).is_some_and(|s| {
                    s.last_active_organization_id.as_deref() == Some(&m.organization_id)
                })
            })
            .cloned()
            .collect();
        let now = crate::now_ms();
        for id in ids {
            let mut s = self.sessions[&id].clone();
            s.last_active_organization_id = None;
            s.updated_at = now;
            self.save_session(ch, s);
        }
    }

    // ---- JWT templates and sign-in tokens ---------------------------------------------------------

    pub fn save_jwt_template(&mut self, ch: &mut Changes, t: JwtTemplate) {
        ch.touch(Table::JwtTemplates, &t.id);
        self.insert_jwt_template(t);
    }

    pub fn delete_jwt_template(&mut self, ch: &mut Changes, id: &str) -> Option<JwtTemplate> {
        let t = self.remove_jwt_template(id)?;
        ch.touch(Table::JwtTemplates, id);
        Some(t)
    }

    pub fn save_sign_in_token(&mut self, ch: &mut Changes, t: SignInToken) {
        ch.touch(Table::SignInTokens, &t.id);
        self.insert_sign_in_token(t);
    }
}
