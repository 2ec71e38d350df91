//! Reads of the state that several resources share: records by ID (or Clerk's not-found
//! error), roles and administrators, an organization's counts and its membership limit.

use super::State;
use crate::error::{ApiError, ApiResult};
use crate::model::{
    InvitationStatus, Membership, OrgCounts, Organization, OrganizationInvitation, Role, User,
    UserContext,
};

/// The permission that makes a member an administrator.
const MANAGE_MEMBERS: &str = "org:sys_memberships:manage";

impl State {
    // ---- users -----------------------------------------------------------------------------------

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(id).map(|u| &**u)
    }

    /// A user, or Clerk's `resource_not_found` for it.
    pub fn get_user(&self, id: &str) -> ApiResult<&User> {
        self.user(id).ok_or_else(|| ApiError::user_not_found(id))
    }

    /// The ID of the user holding an email address, in any case.
    pub fn user_with_email(&self, email: &str) -> Option<&String> {
        self.emails.get(&email.to_lowercase())
    }

    /// What rendering a user needs from the instance: the time and the lockout policy.
    pub fn user_context(&self) -> UserContext {
        UserContext {
            now: crate::now_ms(),
            max_attempts: self.settings.lockout.map(|l| l.max_attempts),
        }
    }

    /// When a lock made at `now` lifts under the lockout policy (`None`: until unlocked).
    pub fn lockout_end(&self, now: i64) -> Option<i64> {
        let duration = self.settings.lockout?.duration?;
        Some(now.saturating_add(duration.as_millis() as i64))
    }

    /// The sort key of a user, or of a deleted one (for cursors).
    pub fn user_key(&self, id: &str) -> Option<(i64, String)> {
        self.users
            .get(id)
            .map(|u| u.created_at)
            .or_else(|| self.deleted_user_keys.get(id).copied())
            .map(|at| (at, id.to_owned()))
    }

    // ---- organizations ---------------------------------------------------------------------------

    /// An organization by ID, or Clerk's `resource_not_found`.
    pub fn get_org(&self, id: &str) -> ApiResult<&Organization> {
        self.orgs
            .get(id)
            .ok_or_else(ApiError::organization_not_found)
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

    /// The counts an organization answer may carry: members and whether it lacks an
    /// administrator only when asked for, pending invitations always.
    pub fn org_counts(
        &self,
        org: &Organization,
        with_members: bool,
        with_missing_admin: bool,
    ) -> OrgCounts {
        let now = crate::now_ms();
        OrgCounts {
            members: with_members.then(|| self.members_count(&org.id)),
            pending_invitations: self.pending_org_invitations(&org.id, now) as i64,
            missing_admin: with_missing_admin.then(|| !self.has_admin(&org.id)),
        }
    }

    /// Memberships plus pending invitations may not exceed `max_allowed_memberships` (0: no
    /// limit).
    pub fn check_membership_quota(&self, org_id: &str, adding: usize) -> ApiResult<()> {
        let org = self.get_org(org_id)?;
        let max = org.max_allowed_memberships;
        if max <= 0 {
            return Ok(());
        }
        let now = crate::now_ms();
        let used = self.members_count(org_id) as usize + self.pending_org_invitations(org_id, now);
        if used + adding > max as usize {
            return Err(ApiError::membership_quota_exceeded(max));
        }
        Ok(())
    }

    // ---- memberships -----------------------------------------------------------------------------

    pub fn membership_of(&self, org_id: &str, user_id: &str) -> Option<&Membership> {
        self.org_members
            .get(org_id)
            .and_then(|m| m.get(user_id))
            .and_then(|id| self.memberships.get(id))
    }

    /// A membership by organization and user: the organization's not-found error first, then
    /// the membership's.
    pub fn get_membership(&self, org_id: &str, user_id: &str) -> ApiResult<&Membership> {
        self.get_org(org_id)?;
        self.membership_of(org_id, user_id)
            .ok_or_else(ApiError::membership_not_found)
    }

    /// The memberships of an organization, in no particular order.
    pub fn memberships_of<'a>(&'a self, org_id: &str) -> impl Iterator<Item = &'a Membership> + 'a {
        self.org_members
            .get(org_id)
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|id| self.memberships.get(id))
    }

    // ---- roles -----------------------------------------------------------------------------------

    pub fn role(&self, key: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.key == key)
    }

    /// A role of the instance, or Clerk's error naming the roles there are.
    pub fn check_role(&self, param: &str, role: &str) -> ApiResult<&Role> {
        self.role(role).ok_or_else(|| {
            let known: Vec<&str> = self.roles.iter().map(|r| r.key.as_str()).collect();
            ApiError::role_not_found(param, role, &known)
        })
    }

    /// Whether a role may manage members (what Clerk calls an administrator).
    pub fn is_admin_role(&self, role: &str) -> bool {
        self.role(role)
            .is_some_and(|r| r.permissions.iter().any(|p| p == MANAGE_MEMBERS))
    }

    /// Whether an organization has at least one administrator.
    pub fn has_admin(&self, org_id: &str) -> bool {
        self.memberships_of(org_id)
            .any(|m| self.is_admin_role(&m.role))
    }

    /// Whether `user_id` is an administrator of `org_id`.
    pub fn is_org_admin(&self, org_id: &str, user_id: &str) -> bool {
        self.membership_of(org_id, user_id)
            .is_some_and(|m| self.is_admin_role(&m.role))
    }

    // ---- organization invitations ----------------------------------------------------------------

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

    /// How many of an organization's invitations are pending at `now`.
    pub fn pending_org_invitations(&self, org_id: &str, now: i64) -> usize {
        self.org_invitations_of(org_id)
            .filter(|i| i.status_at(now) == InvitationStatus::Pending)
            .count()
    }
}
