//! Every change to a record, with its cascades.
//!
//! The engine changes records only through these methods: each writes the record into memory
//! (keeping the indexes in step) and records it in [`Changes`], which [`crate::Engine`]'s write
//! path hands to the store once the operation succeeded. This is the one place every mutation
//! passes (API requests and seed files alike): something that must observe each change, such
//! as emitting one webhook event per created, updated or deleted record, belongs here.
//!
//! Cascades: deleting a user removes their memberships; deleting an organization removes its
//! memberships and invitations.

use super::{State, Table};
use crate::model::{Invitation, Membership, Organization, OrganizationInvitation, User};

/// What a mutation touched, so the store can write exactly those records.
#[derive(Debug, Default)]
pub struct Changes {
    touched: Vec<(Table, String)>,
}

impl Changes {
    fn touch(&mut self, table: Table, id: &str) {
        self.touched.push((table, id.to_owned()));
    }

    pub fn is_empty(&self) -> bool {
        self.touched.is_empty()
    }

    /// Forgets what was touched (a change undone in memory must not reach the store).
    pub fn clear(&mut self) {
        self.touched.clear();
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

    /// Creates or replaces a user.
    pub fn save_user(&mut self, ch: &mut Changes, user: User) {
        ch.touch(Table::Users, &user.id);
        self.insert_user(user);
    }

    /// Deletes a user and their memberships.
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
        let user = self.remove_user(id)?;
        ch.touch(Table::Users, id);
        Some(user)
    }

    // ---- organizations ---------------------------------------------------------------------------

    /// Creates or replaces an organization.
    pub fn save_org(&mut self, ch: &mut Changes, org: Organization) {
        ch.touch(Table::Organizations, &org.id);
        self.insert_org(org);
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
        Some(org)
    }

    // ---- memberships -----------------------------------------------------------------------------

    /// Creates or replaces a membership.
    pub fn save_membership(&mut self, ch: &mut Changes, m: Membership) {
        ch.touch(Table::Memberships, &m.id);
        self.insert_membership(m);
    }

    pub fn delete_membership(&mut self, ch: &mut Changes, id: &str) -> Option<Membership> {
        let m = self.remove_membership(id)?;
        ch.touch(Table::Memberships, id);
        Some(m)
    }

    // ---- invitations -----------------------------------------------------------------------------

    /// Creates or replaces an organization invitation.
    pub fn save_org_invitation(&mut self, ch: &mut Changes, inv: OrganizationInvitation) {
        ch.touch(Table::OrganizationInvitations, &inv.id);
        self.insert_org_invitation(inv);
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
}
