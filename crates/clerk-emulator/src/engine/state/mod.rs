//! The emulator's in-memory state: records, their indexes, lookups and cascades.
//!
//! Every lookup the Backend API needs by something other than an ID (email, username, external
//! ID, slug, membership by organization and user) has an index here, and the private
//! insert/remove helpers keep them in step with the records. Nothing outside this module
//! touches an index.
//!
//! - this file: the records, their indexes, and loading/serializing stored documents;
//! - `lookup.rs`: reads shared by several resources (a user, an organization or a membership
//!   or Clerk's not-found error, roles and administrators, an organization's counts, the
//!   membership limit);
//! - `write.rs`: every change to a record ([`State::save_user`], [`State::delete_org`], ...),
//!   with its cascades, recorded in [`Changes`] for the store with the webhook events it
//!   makes;
//! - `events.rs`: what those events carry about each record.

mod events;
mod lookup;
mod write;

use std::collections::{BTreeSet, HashMap};

pub use write::{Changes, Event};

use crate::config::Settings;
use crate::model::{
    Invitation, JwtTemplate, Membership, Organization, OrganizationInvitation, Role, Session,
    SignInToken, User,
};

/// A table of the store, named as in SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Users,
    Organizations,
    Memberships,
    OrganizationInvitations,
    Invitations,
    Sessions,
    JwtTemplates,
    SignInTokens,
}

impl Table {
    pub const ALL: [Table; 8] = [
        Table::Users,
        Table::Organizations,
        Table::Memberships,
        Table::OrganizationInvitations,
        Table::Invitations,
        Table::Sessions,
        Table::JwtTemplates,
        Table::SignInTokens,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::Organizations => "organizations",
            Table::Memberships => "memberships",
            Table::OrganizationInvitations => "organization_invitations",
            Table::Invitations => "invitations",
            Table::Sessions => "sessions",
            Table::JwtTemplates => "jwt_templates",
            Table::SignInTokens => "sign_in_tokens",
        }
    }
}

#[derive(Debug, Default)]
pub struct State {
    /// Boxed: a `User` is several hundred bytes, and a table of 100,000 of them inline would
    /// be reallocated whole (old and new table alive at once) each time it grows.
    pub users: HashMap<String, Box<User>>,
    /// Users in `(created_at, id)` order: the default sort and the `starting_after` cursor.
    pub user_order: BTreeSet<(i64, String)>,
    /// Sort keys of deleted users, so a cursor naming a user deleted mid-export still works.
    pub deleted_user_keys: HashMap<String, i64>,
    /// Lowercased email address -> user id.
    pub emails: HashMap<String, String>,
    pub phones: HashMap<String, String>,
    /// Lowercased wallet address -> user id.
    pub wallets: HashMap<String, String>,
    /// Lowercased username -> user id.
    pub usernames: HashMap<String, String>,
    pub external_ids: HashMap<String, String>,

    pub orgs: HashMap<String, Organization>,
    pub slugs: HashMap<String, String>,

    pub memberships: HashMap<String, Membership>,
    /// org id -> user id -> membership id.
    pub org_members: HashMap<String, HashMap<String, String>>,
    /// user id -> org ids.
    pub user_orgs: HashMap<String, BTreeSet<String>>,

    pub org_invitations: HashMap<String, OrganizationInvitation>,
    /// org id -> invitation ids.
    pub org_invitations_by_org: HashMap<String, BTreeSet<String>>,

    pub invitations: HashMap<String, Invitation>,

    pub sessions: HashMap<String, Session>,
    /// user id -> session ids.
    pub user_sessions: HashMap<String, BTreeSet<String>>,
    pub jwt_templates: HashMap<String, JwtTemplate>,
    /// template name -> template id.
    pub template_names: HashMap<String, String>,
    pub sign_in_tokens: HashMap<String, SignInToken>,

    pub roles: Vec<Role>,

    /// The instance's settings: organization defaults, slugs, lockout.
    pub settings: Settings,
}

impl State {
    pub fn new(roles: Vec<Role>) -> Self {
        State {
            roles,
            ..State::default()
        }
    }

    /// Adds roles, each replacing any role with the same key.
    pub fn add_roles(&mut self, roles: Vec<Role>) {
        for role in roles {
            self.roles.retain(|r| r.key != role.key);
            self.roles.push(role);
        }
    }

    /// Whether the instance holds no records (roles aside).
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
            && self.orgs.is_empty()
            && self.memberships.is_empty()
            && self.org_invitations.is_empty()
            && self.invitations.is_empty()
    }

    /// Removes every record, keeping the roles.
    pub fn clear_records(&mut self) {
        let roles = std::mem::take(&mut self.roles);
        let settings = std::mem::take(&mut self.settings);
        *self = State {
            settings,
            ..State::new(roles)
        };
    }

    // ---- users ---------------------------------------------------------------------------

    fn insert_user(&mut self, mut user: User) {
        user.shrink_to_fit();
        if let Some(old) = self.users.remove(&user.id) {
            self.unindex_user(&old);
        }
        self.deleted_user_keys.remove(&user.id);
        self.index_user(&user);
        self.users.insert(user.id.clone(), Box::new(user));
    }

    fn remove_user(&mut self, id: &str) -> Option<Box<User>> {
        let user = self.users.remove(id)?;
        self.unindex_user(&user);
        self.deleted_user_keys
            .insert(user.id.clone(), user.created_at);
        Some(user)
    }

    fn index_user(&mut self, u: &User) {
        self.user_order.insert((u.created_at, u.id.clone()));
        for e in &u.email_addresses {
            self.emails.insert(e.value.to_lowercase(), u.id.clone());
        }
        for p in &u.phone_numbers {
            self.phones.insert(p.value.clone(), u.id.clone());
        }
        for w in &u.web3_wallets {
            self.wallets.insert(w.value.to_lowercase(), u.id.clone());
        }
        if let Some(name) = &u.username {
            self.usernames.insert(name.to_lowercase(), u.id.clone());
        }
        if let Some(ext) = &u.external_id {
            self.external_ids.insert(ext.clone(), u.id.clone());
        }
    }

    fn unindex_user(&mut self, u: &User) {
        self.user_order.remove(&(u.created_at, u.id.clone()));
        for e in &u.email_addresses {
            self.emails.remove(&e.value.to_lowercase());
        }
        for p in &u.phone_numbers {
            self.phones.remove(&p.value);
        }
        for w in &u.web3_wallets {
            self.wallets.remove(&w.value.to_lowercase());
        }
        if let Some(name) = &u.username {
            self.usernames.remove(&name.to_lowercase());
        }
        if let Some(ext) = &u.external_id {
            self.external_ids.remove(ext);
        }
    }

    // ---- organizations -----------------------------------------------------------------------

    fn insert_org(&mut self, org: Organization) {
        if let Some(old) = self.orgs.get(&org.id) {
            let old_slug = old.slug.clone();
            self.slugs.remove(&old_slug);
        }
        self.slugs.insert(org.slug.clone(), org.id.clone());
        self.orgs.insert(org.id.clone(), org);
    }

    fn remove_org(&mut self, id: &str) -> Option<Organization> {
        let org = self.orgs.remove(id)?;
        self.slugs.remove(&org.slug);
        Some(org)
    }

    // ---- memberships ---------------------------------------------------------------------------

    fn insert_membership(&mut self, m: Membership) {
        self.org_members
            .entry(m.organization_id.clone())
            .or_default()
            .insert(m.user_id.clone(), m.id.clone());
        self.user_orgs
            .entry(m.user_id.clone())
            .or_default()
            .insert(m.organization_id.clone());
        self.memberships.insert(m.id.clone(), m);
    }

    fn remove_membership(&mut self, id: &str) -> Option<Membership> {
        let m = self.memberships.remove(id)?;
        if let Some(members) = self.org_members.get_mut(&m.organization_id) {
            members.remove(&m.user_id);
            if members.is_empty() {
                self.org_members.remove(&m.organization_id);
            }
        }
        if let Some(orgs) = self.user_orgs.get_mut(&m.user_id) {
            orgs.remove(&m.organization_id);
            if orgs.is_empty() {
                self.user_orgs.remove(&m.user_id);
            }
        }
        Some(m)
    }

    // ---- organization invitations -----------------------------------------------------------------

    fn insert_org_invitation(&mut self, inv: OrganizationInvitation) {
        self.org_invitations_by_org
            .entry(inv.organization_id.clone())
            .or_default()
            .insert(inv.id.clone());
        self.org_invitations.insert(inv.id.clone(), inv);
    }

    fn remove_org_invitation(&mut self, id: &str) -> Option<OrganizationInvitation> {
        let inv = self.org_invitations.remove(id)?;
        if let Some(ids) = self.org_invitations_by_org.get_mut(&inv.organization_id) {
            ids.remove(id);
            if ids.is_empty() {
                self.org_invitations_by_org.remove(&inv.organization_id);
            }
        }
        Some(inv)
    }

    // ---- application invitations --------------------------------------------------------------

    fn insert_invitation(&mut self, inv: Invitation) {
        self.invitations.insert(inv.id.clone(), inv);
    }

    fn remove_invitation(&mut self, id: &str) -> Option<Invitation> {
        self.invitations.remove(id)
    }

    // ---- sessions, JWT templates, sign-in tokens ------------------------------------------------

    fn insert_session(&mut self, s: Session) {
        self.user_sessions
            .entry(s.user_id.clone())
            .or_default()
            .insert(s.id.clone());
        self.sessions.insert(s.id.clone(), s);
    }

    fn insert_jwt_template(&mut self, t: JwtTemplate) {
        if let Some(old) = self.jwt_templates.get(&t.id) {
            let old_name = old.name.clone();
            self.template_names.remove(&old_name);
        }
        self.template_names.insert(t.name.clone(), t.id.clone());
        self.jwt_templates.insert(t.id.clone(), t);
    }

    fn remove_jwt_template(&mut self, id: &str) -> Option<JwtTemplate> {
        let t = self.jwt_templates.remove(id)?;
        self.template_names.remove(&t.name);
        Some(t)
    }

    fn insert_sign_in_token(&mut self, t: SignInToken) {
        self.sign_in_tokens.insert(t.id.clone(), t);
    }

    /// The JSON document of a record, as the store keeps it; `None` when it no longer exists.
    pub fn document(&self, table: Table, id: &str) -> Option<String> {
        let doc = match table {
            Table::Users => self.users.get(id).map(serde_json::to_string),
            Table::Organizations => self.orgs.get(id).map(serde_json::to_string),
            Table::Memberships => self.memberships.get(id).map(serde_json::to_string),
            Table::OrganizationInvitations => {
                self.org_invitations.get(id).map(serde_json::to_string)
            }
            Table::Invitations => self.invitations.get(id).map(serde_json::to_string),
            Table::Sessions => self.sessions.get(id).map(serde_json::to_string),
            Table::JwtTemplates => self.jwt_templates.get(id).map(serde_json::to_string),
            Table::SignInTokens => self.sign_in_tokens.get(id).map(serde_json::to_string),
        };
        doc.map(|d| d.expect("records serialize to JSON"))
    }

    /// Loads one stored document (used when opening a data file).
    pub fn load_document(&mut self, table: Table, doc: &str) -> Result<(), serde_json::Error> {
        match table {
            Table::Users => self.insert_user(serde_json::from_str(doc)?),
            Table::Organizations => self.insert_org(serde_json::from_str(doc)?),
            Table::Memberships => self.insert_membership(serde_json::from_str(doc)?),
            Table::OrganizationInvitations => {
                self.insert_org_invitation(serde_json::from_str(doc)?)
            }
            Table::Invitations => self.insert_invitation(serde_json::from_str(doc)?),
            Table::Sessions => self.insert_session(serde_json::from_str(doc)?),
            Table::JwtTemplates => self.insert_jwt_template(serde_json::from_str(doc)?),
            Table::SignInTokens => self.insert_sign_in_token(serde_json::from_str(doc)?),
        }
        Ok(())
    }
}
