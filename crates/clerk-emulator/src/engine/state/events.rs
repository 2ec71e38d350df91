//! What a webhook event carries about a record: the record as the API answers it (the same
//! views the resource modules answer with), and deleted users and organizations as Clerk's
//! deleted objects.

use serde_json::Value;

use super::State;
use crate::model::{
    DeletedObject, Membership, Organization, OrganizationInvitation, Role, Session, User,
};

fn value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("views serialize to JSON")
}

impl State {
    pub(super) fn user_event_data(&self, id: &str) -> Value {
        self.users
            .get(id)
            .and_then(|u| serde_json::from_slice(&u.json(self.user_context())).ok())
            .unwrap_or(Value::Null)
    }

    /// As `DELETE /users/{id}` answers.
    pub(super) fn deleted_user_data(user: &User) -> Value {
        value(&DeletedObject {
            object: "user",
            id: user.id.clone(),
            slug: None,
            external_id: user.external_id.clone(),
            deleted: true,
        })
    }

    /// As `POST`, `PATCH` and `GET /organizations/{id}` answer (no member counts).
    pub(super) fn org_event_data(&self, org: &Organization) -> Value {
        value(&org.view(self.org_counts(org, false, false)))
    }

    /// As `DELETE /organizations/{id}` answers.
    pub(super) fn deleted_org_data(org: &Organization) -> Value {
        value(&DeletedObject {
            object: "organization",
            id: org.id.clone(),
            slug: Some(org.slug.clone()),
            external_id: None,
            deleted: true,
        })
    }

    /// As the membership endpoints answer: with the organization and the member's public data.
    pub(super) fn membership_event_data(&self, m: &Membership) -> Value {
        let Some(org) = self.orgs.get(&m.organization_id) else {
            return Value::Null;
        };
        let fallback = Role::unknown(&m.role);
        let role = self.role(&m.role).unwrap_or(&fallback);
        value(&m.view(
            role,
            org.view(self.org_counts(org, false, false)),
            self.user(&m.user_id),
        ))
    }

    /// As the organization invitation endpoints answer.
    pub(super) fn org_invitation_event_data(&self, inv: &OrganizationInvitation) -> Value {
        let role_name = self
            .role(&inv.role)
            .map_or(inv.role.as_str(), |r| r.name.as_str());
        let inviter = inv.inviter_id.as_deref().and_then(|id| self.user(id));
        value(&inv.view(role_name, inviter, None, crate::now_ms()))
    }

    /// The session as the API answers it, with its user (`null` once the user is gone), as
    /// `@clerk/backend`'s `SessionWebhookEventJSON` has it.
    pub(super) fn session_event_data(&self, s: &Session, now: i64) -> Value {
        let mut v = s.view(now);
        v["user"] = self
            .user(&s.user_id)
            .and_then(|u| serde_json::from_slice(&u.json(self.user_context())).ok())
            .unwrap_or(Value::Null);
        v
    }
}
