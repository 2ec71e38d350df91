//! The emulator's in-memory state and its indexes.
//!
//! Every lookup the Backend API needs by something other than an ID (email, username, external
//! ID, slug, membership by organization and user) has an index here, and the insert/remove
//! helpers keep them in step with the records. Nothing outside this module touches an index.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::sessions::Session;
use super::sign_in_tokens::SignInToken;
use super::templates::JwtTemplate;
use crate::model::{Invitation, Membership, Organization, OrganizationInvitation, Role, User};

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

/// A change a webhook tells about: Clerk's event type, the object it is about (deliveries
/// about one object keep their order), and the object as the API answers it.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: &'static str,
    pub object_id: String,
    pub data: Value,
}

/// What a mutation touched, so the store can write exactly those records, and the events it
/// makes (recorded only when webhooks are configured).
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

    /// Records an event; `data` is only built when events are recorded.
    pub fn event(&mut self, kind: &'static str, object_id: &str, data: impl FnOnce() -> Value) {
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

    pub fn touch(&mut self, table: Table, id: &str) {
        self.touched.push((table, id.to_owned()));
    }

    pub fn is_empty(&self) -> bool {
        self.touched.is_empty()
    }

    /// Forgets what was touched (a change undone in memory must not reach the store).
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
}

impl State {
    pub fn new(roles: Vec<Role>) -> Self {
        State {
            roles,
            ..State::default()
        }
    }

    pub fn role(&self, key: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.key == key)
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
        *self = State::new(roles);
    }

    // ---- users ---------------------------------------------------------------------------

    pub fn insert_user(&mut self, mut user: User) {
        user.shrink_to_fit();
        if let Some(old) = self.users.remove(&user.id) {
            self.unindex_user(&old);
        }
        self.deleted_user_keys.remove(&user.id);
        self.index_user(&user);
        self.users.insert(user.id.clone(), Box::new(user));
    }

    pub fn remove_user(&mut self, id: &str) -> Option<Box<User>> {
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

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(id).map(|u| &**u)
    }

    /// The sort key of a user, or of a deleted one (for cursors).
    pub fn user_key(&self, id: &str) -> Option<(i64, String)> {
        self.users
            .get(id)
            .map(|u| u.created_at)
            .or_else(|| self.deleted_user_keys.get(id).copied())
            .map(|at| (at, id.to_owned()))
    }

    // ---- organizations -----------------------------------------------------------------------

    pub fn insert_org(&mut self, org: Organization) {
        if let Some(old) = self.orgs.get(&org.id) {
            let old_slug = old.slug.clone();
            self.slugs.remove(&old_slug);
        }
        self.slugs.insert(org.slug.clone(), org.id.clone());
        self.orgs.insert(org.id.clone(), org);
    }

    pub fn remove_org(&mut self, id: &str) -> Option<Organization> {
        let org = self.orgs.remove(id)?;
        self.slugs.remove(&org.slug);
        Some(org)
    }

    /// An organization by ID or slug.
    pub fn find_org(&self, id_or_slug: &str) -> Option<&Organization> {
        self.orgs
            .get(id_or_slug)
            .or_else(|| self.slugs.get(id_or_slug).and_then(|id| self.orgs.get(id)))
    }

    pub fn members_count(&self, org_id: &str) -> i64 {
        self.org_members.get(org_id).map_or(0, |m| m.len() as i64)
    }

    // ---- memberships ---------------------------------------------------------------------------

    pub fn insert_membership(&mut self, m: Membership) {
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

    pub fn remove_membership(&mut self, id: &str) -> Option<Membership> {
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

    pub fn membership_of(&self, org_id: &str, user_id: &str) -> Option<&Membership> {
        self.org_members
            .get(org_id)
            .and_then(|m| m.get(user_id))
            .and_then(|id| self.memberships.get(id))
    }

    // ---- organization invitations -----------------------------------------------------------------

    pub fn insert_org_invitation(&mut self, inv: OrganizationInvitation) {
        self.org_invitations_by_org
            .entry(inv.organization_id.clone())
            .or_default()
            .insert(inv.id.clone());
        self.org_invitations.insert(inv.id.clone(), inv);
    }

    pub fn remove_org_invitation(&mut self, id: &str) -> Option<OrganizationInvitation> {
        let inv = self.org_invitations.remove(id)?;
        if let Some(ids) = self.org_invitations_by_org.get_mut(&inv.organization_id) {
            ids.remove(id);
            if ids.is_empty() {
                self.org_invitations_by_org.remove(&inv.organization_id);
            }
        }
        Some(inv)
    }

    pub fn org_invitations_of<'a>(
        &'a self,
        org_id: &str,
    ) -> impl Iterator<Item = &'a OrganizationInvitation> + 'a {
        self.org_invitations_by_org
            .get(org_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.org_invitations.get(id))
    }

    // ---- sessions, JWT templates, sign-in tokens ------------------------------------------------

    pub fn insert_session(&mut self, s: Session) {
        self.user_sessions
            .entry(s.user_id.clone())
            .or_default()
            .insert(s.id.clone());
        self.sessions.insert(s.id.clone(), s);
    }

    pub fn insert_jwt_template(&mut self, t: JwtTemplate) {
        if let Some(old) = self.jwt_templates.get(&t.id) {
            let old_name = old.name.clone();
            self.template_names.remove(&old_name);
        }
        self.template_names.insert(t.name.clone(), t.id.clone());
        self.jwt_templates.insert(t.id.clone(), t);
    }

    pub fn remove_jwt_template(&mut self, id: &str) -> Option<JwtTemplate> {
        let t = self.jwt_templates.remove(id)?;
        self.template_names.remove(&t.name);
        Some(t)
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
            Table::Invitations => {
                let inv: Invitation = serde_json::from_str(doc)?;
                self.invitations.insert(inv.id.clone(), inv);
            }
            Table::Sessions => self.insert_session(serde_json::from_str(doc)?),
            Table::JwtTemplates => self.insert_jwt_template(serde_json::from_str(doc)?),
            Table::SignInTokens => {
                let t: SignInToken = serde_json::from_str(doc)?;
                self.sign_in_tokens.insert(t.id.clone(), t);
            }
        }
        Ok(())
    }
}
