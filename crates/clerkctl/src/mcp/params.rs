//! The tools' inputs. Every field has a doc comment: it becomes the field's `description` in the
//! tool's JSON Schema, which is all an agent knows about it. Unknown fields are refused, so a
//! misspelt filter fails instead of being ignored. The lists' filters are `ops`'s filter sets,
//! flattened in: the same ones the command line's list commands take.
// The doc comments are the tools' JSON Schema descriptions, read by agents: their JSON examples
// (`["ada@example.com"]`) are not links.
#![allow(rustdoc::broken_intra_doc_links)]

use schemars::JsonSchema;
use serde::Deserialize;

pub use crate::ops::Object;
pub use crate::ops::invitations::AppInvitationFilters;
pub use crate::ops::memberships::MemberFilters;
pub use crate::ops::organization_invitations::InvitationFilters;
pub use crate::ops::organizations::OrganizationFilters;
pub use crate::ops::users::UserFilters;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListUsers {
    #[serde(flatten)]
    pub filters: UserFilters,
    /// Continue after this user (user_...): the cursor, with the default order.
    pub starting_after: Option<String>,
    /// Sort by a field, - for descending, + for ascending: -created_at (the default),
    /// +created_at, -last_sign_in_at, -last_active_at, +email_address, +first_name, ...
    pub order_by: Option<String>,
    /// Users per page, 1 to 500 (Clerk's default is 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many users (for the next page, add the limit to it).
    pub offset: Option<u64>,
    /// Keep only these fields of each user, to save tokens, e.g. ["id", "first_name",
    /// "last_name", "email_addresses"]; dots reach inside: "public_metadata.plan".
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetUser {
    /// The user: an ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
    /// Keep only these fields, e.g. ["id", "email_addresses", "public_metadata"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListUserMemberships {
    /// The user: an ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
    /// Memberships per page, 1 to 500 (Clerk's default is 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many memberships (for the next page, add the limit to it).
    pub offset: Option<u64>,
    /// Keep only these fields of each membership, e.g. ["role", "organization.id",
    /// "organization.name", "organization.slug"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Email addresses; the first becomes the primary one.
    pub email_address: Option<Vec<String>>,
    /// Phone numbers in E.164 form, e.g. +15555550100.
    pub phone_number: Option<Vec<String>>,
    /// Username, where the instance uses usernames.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Your own ID for this user (from another system).
    pub external_id: Option<String>,
    /// Public metadata: readable by the frontend and the backend.
    pub public_metadata: Option<Object>,
    /// Private metadata: readable only by the backend.
    pub private_metadata: Option<Object>,
    /// Unsafe metadata: the user can change it from the frontend.
    pub unsafe_metadata: Option<Object>,
    /// Skip Clerk's password requirement (the user signs in another way, or sets one later).
    pub skip_password_requirement: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// The user: an ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New username.
    pub username: Option<String>,
    /// New external ID (your own ID for this user).
    pub external_id: Option<String>,
    /// The ID (idn_...) of one of the user's verified email addresses, to make it primary.
    pub primary_email_address_id: Option<String>,
    /// The user's locale, e.g. en-US.
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserMetadata {
    /// The user: an ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
    /// Merged into the public metadata (deep merge; a key set to null is removed).
    pub public_metadata: Option<Object>,
    /// Merged into the private metadata (deep merge; a key set to null is removed).
    pub private_metadata: Option<Object>,
    /// Merged into the unsafe metadata (deep merge; a key set to null is removed).
    pub unsafe_metadata: Option<Object>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserId {
    /// The user: an ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListOrganizations {
    #[serde(flatten)]
    pub filters: OrganizationFilters,
    /// Sort by a field, - for descending, + for ascending: -created_at (the default),
    /// +name, -members_count.
    pub order_by: Option<String>,
    /// Organizations per page, 1 to 500 (Clerk's default is 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many organizations (for the next page, add the limit to it).
    pub offset: Option<u64>,
    /// Keep only these fields of each organization, e.g. ["id", "name", "slug"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetOrganization {
    /// The organization: an ID (org_...), a slug, or its exact name.
    pub organization: String,
    /// Add members_count.
    pub include_members_count: Option<bool>,
    /// Keep only these fields, e.g. ["id", "name", "slug", "members_count"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    /// The organization's name.
    pub name: String,
    /// A unique slug: lowercase letters, digits and -. Clerk makes one from the name if left out.
    pub slug: Option<String>,
    /// The user who becomes its first admin: an ID like user_2xhF..., an email address or a
    /// username.
    pub created_by: Option<String>,
    /// The most members it may have (pending invitations count too); 0 means no limit.
    pub max_allowed_memberships: Option<i64>,
    /// Public metadata: readable by the frontend and the backend.
    pub public_metadata: Option<Object>,
    /// Private metadata: readable only by the backend.
    pub private_metadata: Option<Object>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    /// New name.
    pub name: Option<String>,
    /// New slug: lowercase letters, digits and -.
    pub slug: Option<String>,
    /// New membership limit (pending invitations count too); 0 means no limit.
    pub max_allowed_memberships: Option<i64>,
    /// Whether the organization's admins may delete it.
    pub admin_delete_enabled: Option<bool>,
    /// Merged into the public metadata (deep merge; a key set to null is removed).
    pub public_metadata: Option<Object>,
    /// Merged into the private metadata (deep merge; a key set to null is removed).
    pub private_metadata: Option<Object>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationId {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMembers {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    #[serde(flatten)]
    pub filters: MemberFilters,
    /// Sort by a field, - for descending, + for ascending: -created_at, +first_name, ...
    pub order_by: Option<String>,
    /// Members per page, 1 to 500 (Clerk's default is 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many members (for the next page, add the limit to it).
    pub offset: Option<u64>,
    /// Keep only these fields of each membership, e.g. ["role",
    /// "public_user_data.user_id", "public_user_data.identifier"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    /// The user: an ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
    /// The role key: org:admin (or admin), org:member (or member), or a custom org:... role.
    pub role: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    /// The member: a user ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
    /// The new role key: org:admin (or admin), org:member (or member), or a custom org:... role.
    pub role: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveMember {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    /// The member: a user ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email address, or a username.
    pub user_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInvitations {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name; leave it out to list
    /// every organization's invitations.
    pub organization_id: Option<String>,
    #[serde(flatten)]
    pub filters: InvitationFilters,
    /// Sort by a field, - for descending, + for ascending: -created_at (the default),
    /// +created_at (oldest first), +email_address.
    pub order_by: Option<String>,
    /// Invitations per page, 1 to 500 (Clerk's default is 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many invitations (for the next page, add the limit to it).
    pub offset: Option<u64>,
    /// Keep only these fields of each invitation, e.g. ["id", "email_address", "role",
    /// "status", "created_at", "expires_at"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetInvitation {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    /// The invitation's ID, like orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk.
    pub invitation_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    /// The email address to invite.
    pub email_address: String,
    /// The role the person gets on accepting: org:admin, org:member, or a custom org:... role.
    pub role: String,
    /// An admin of the organization (a user ID, email address or username), shown as the inviter.
    pub inviter_user_id: Option<String>,
    /// Days until the invitation expires, 1 to 365 (Clerk's default is 30).
    #[schemars(range(min = 1, max = 365))]
    pub expires_in_days: Option<i64>,
    /// Where the link in the email leads (your sign-up or accept-invitation page).
    pub redirect_url: Option<String>,
    /// false: create the invitation without emailing it (true by default).
    pub notify: Option<bool>,
    /// Public metadata, copied to the membership when the invitation is accepted.
    pub public_metadata: Option<Object>,
    /// Private metadata, copied to the membership when the invitation is accepted.
    pub private_metadata: Option<Object>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeInvitation {
    /// The organization: an ID like org_2xhFjEI5X2qWRvtV13BzSj8H6Dk, a slug, or its exact name.
    pub organization_id: String,
    /// The invitation's ID, like orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk.
    pub invitation_id: String,
    /// An admin of the organization (a user ID, email address or username), recorded as revoking it.
    pub requesting_user_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListAppInvitations {
    #[serde(flatten)]
    pub filters: AppInvitationFilters,
    /// Sort by a field, - for descending, + for ascending: -created_at (the default),
    /// +created_at, +email_address.
    pub order_by: Option<String>,
    /// Invitations per page, 1 to 500 (Clerk's default is 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many invitations (for the next page, add the limit to it).
    pub offset: Option<u64>,
    /// Keep only these fields of each invitation, e.g. ["id", "email_address", "status",
    /// "created_at"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAppInvitation {
    /// The email address to invite to sign up.
    pub email_address: String,
    /// Public metadata given to the user when they sign up.
    pub public_metadata: Option<Object>,
    /// Where the link in the email leads (your sign-up page).
    pub redirect_url: Option<String>,
    /// Days until the invitation expires, 1 to 365 (Clerk's default is 30).
    #[schemars(range(min = 1, max = 365))]
    pub expires_in_days: Option<i64>,
    /// true: create it even if one is already pending for this address.
    pub ignore_existing: Option<bool>,
    /// false: create the invitation without emailing it (true by default).
    pub notify: Option<bool>,
    /// The email template: invitation (the default) or waitlist_invitation.
    pub template_slug: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppInvitationId {
    /// The invitation's ID, like inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk.
    pub invitation_id: String,
}

// ---- bulk jobs and exports ------------------------------------------------------------------

/// What every bulk tool takes besides its job: its rows (inline or in a file, named as the
/// tool's parameter gives it) and how the job runs.
pub struct BulkCall {
    pub rows: Option<Vec<Object>>,
    pub file: Option<String>,
    pub journal: Option<String>,
    pub dry_run: Option<bool>,
    pub max_seconds: Option<u64>,
    pub hourly_limits: bool,
}

/// Declares a bulk tool's parameters: the tool's own fields as written (`rows` and `file`
/// among them, each described for its job), then the fields every bulk tool shares, declared
/// and described here only; and `bulk_call`, the one place a tool's parameters become the
/// [`BulkCall`] the runner takes. `journal: files` or `journal: metadata` chooses how the
/// journal's default is described; `hourly_limits: optional` adds `ignore_hourly_limits`
/// (invitations), `hourly_limits: always` keeps Clerk's hourly limits without a way out.
///
/// The shared fields come last, in this order, so that each tool's JSON Schema lists its
/// properties as it always has.
macro_rules! bulk_params {
    (
        pub struct $name:ident { $($own:tt)* }
        journal: $journal:ident,
        hourly_limits: optional $(,)?
    ) => {
        bulk_params!(@journal $journal, $name { $($own)* } [
            /// Do not pace to Clerk's hourly limits on invitation creates (only for instances without
            /// them).
            pub ignore_hourly_limits: Option<bool>,
        ]);
        impl $name {
            fn hourly_limits(&self) -> bool {
                !self.ignore_hourly_limits.unwrap_or(false)
            }
        }
    };
    (
        pub struct $name:ident { $($own:tt)* }
        journal: $journal:ident,
        hourly_limits: always $(,)?
    ) => {
        bulk_params!(@journal $journal, $name { $($own)* } []);
        impl $name {
            fn hourly_limits(&self) -> bool {
                true
            }
        }
    };
    // Jobs whose inline rows are journaled under the name of the rows.
    (@journal files, $($rest:tt)*) => {
        bulk_params!(@struct [
            /// Where each row's outcome is recorded, inside the server's files directory [default:
            /// FILE.journal beside the file, or a journal under the state directory named after the
            /// rows].
        ] $($rest)*);
    };
    // Metadata jobs, whose journal's name covers the metadata given for every row too.
    (@journal metadata, $($rest:tt)*) => {
        bulk_params!(@struct [
            /// Where each row's outcome is recorded [default: FILE.journal beside the file, or a
            /// journal under the state directory named after the rows and the metadata].
        ] $($rest)*);
    };
    (@struct [$(#[$journal:meta])*] $name:ident { $($own:tt)* } [$($hourly:tt)*]) => {
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($own)*
            /// true: answer the requests the job would send, and send nothing. Show this plan to the
            /// person before the real run.
            pub dry_run: Option<bool>,
            $($hourly)*
            $(#[$journal])*
            pub journal: Option<String>,
            /// Stop after this many seconds (1 to 3600, default 240); calling again carries on.
            #[schemars(range(min = 1, max = 3600))]
            pub max_seconds: Option<u64>,
        }

        impl $name {
            /// The rows and the shared fields, taken out; the tool's own fields stay.
            pub fn bulk_call(&mut self) -> BulkCall {
                BulkCall {
                    hourly_limits: self.hourly_limits(),
                    rows: self.rows.take(),
                    file: self.file.take(),
                    journal: self.journal.take(),
                    dry_run: self.dry_run,
                    max_seconds: self.max_seconds,
                }
            }
        }
    };
}

bulk_params! {
    pub struct BulkInvitations {
        /// The organization: an ID like org_2xhF..., a slug, or its exact name.
        pub organization_id: String,
        /// The invitations, one object each, with the fields of Clerk's create-invitation request:
        /// {"email_address": "ada@example.com", "role": "org:admin", "public_metadata": {...}}.
        /// Give rows or file, not both.
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: CSV with a header of Clerk field names (email_address,role) or
        /// ndjson (.ndjson, .jsonl), inside the server's files directory (--files-dir).
        pub file: Option<String>,
        /// The role of rows that name none, e.g. org:member.
        pub role: Option<String>,
    }
    journal: files,
    hourly_limits: optional,
}

bulk_params! {
    pub struct BulkAppInvitations {
        /// The invitations, one object each, with the fields of Clerk's create-invitation request:
        /// {"email_address": "ada@example.com", "public_metadata": {...}, "redirect_url": "..."}.
        /// Give rows or file, not both.
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: CSV with a header of Clerk field names (email_address) or
        /// ndjson (.ndjson, .jsonl), inside the server's files directory (--files-dir).
        pub file: Option<String>,
    }
    journal: files,
    hourly_limits: optional,
}

bulk_params! {
    pub struct ImportUsers {
        /// The users, one object each, with the fields of Clerk's create-user request:
        /// {"email_address": ["ada@example.com"], "first_name": "Ada", "external_id": "crm-17"}.
        /// A user whose external_id or email address already exists is skipped. Give rows or
        /// file, not both.
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: CSV with a header of Clerk field names
        /// (email_address,first_name,external_id) or ndjson, inside the server's files directory
        /// (--files-dir).
        pub file: Option<String>,
    }
    journal: files,
    hourly_limits: always,
}

bulk_params! {
    pub struct BulkMembers {
        /// The organization: an ID like org_2xhF..., a slug, or its exact name.
        pub organization_id: String,
        /// The members to add, one object each: {"user_id": "user_2xhF...", "role": "org:member"}.
        /// A user who is already a member is skipped. Give rows or file, not both.
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: CSV with a header (user_id,role) or ndjson, inside the server's
        /// files directory (--files-dir).
        pub file: Option<String>,
        /// The role of rows that name none, e.g. org:member.
        pub role: Option<String>,
    }
    journal: files,
    hourly_limits: always,
}

bulk_params! {
    pub struct ImportOrganizations {
        /// The organizations, one object each, as an organizations export holds them (Clerk's
        /// organization objects) or with the fields of Clerk's create-organization request:
        /// {"name": "Acme", "slug": "acme", "created_by": "user_2xhF...",
        /// "max_allowed_memberships": 10, "public_metadata": {...}}. An organization whose slug
        /// is taken here is skipped. Give rows or file, not both.
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: an export_organizations file (ndjson or CSV) of the instance
        /// they come from, inside the server's files directory (--files-dir).
        pub file: Option<String>,
        /// The users export (export_users, ndjson or CSV) of the instance the organizations come
        /// from, inside the server's files directory, its users imported here first
        /// (import_users): each organization's creator (created_by, a user ID there) becomes the
        /// same user here, whom Clerk makes the organization's admin. Without it the
        /// organizations are created without their creator.
        pub users: Option<String>,
    }
    journal: files,
    hourly_limits: always,
}

bulk_params! {
    pub struct ImportMembers {
        /// The memberships, one object each, as a members export holds them (Clerk's
        /// membership objects) or as {"organization_slug": "acme", "user_id": "user_2xhF...",
        /// "role": "org:admin", "public_metadata": {...}}. Give rows or file, not both.
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: an export_members file (ndjson or CSV) of the instance they
        /// come from, inside the server's files directory (--files-dir).
        pub file: Option<String>,
        /// The users export (export_users, ndjson or CSV) of the instance the memberships come
        /// from, inside the server's files directory, its users imported here first
        /// (import_users): each row's user is the one here with the same external ID, email
        /// address, username or phone number. Without it a row's user is found by its
        /// identifier (email address, username or phone number).
        pub users: Option<String>,
        /// Put every membership in this organization of this instance (an ID like org_2xhF...,
        /// a slug, or its exact name), whatever organization the rows name. Without it each
        /// row's organization is the one here with the same slug (import_organizations first).
        pub organization_id: Option<String>,
    }
    journal: files,
    hourly_limits: always,
}

bulk_params! {
    pub struct UsersMetadataBulk {
        /// The users, each given the metadata below: IDs like user_2xhF..., email addresses or
        /// usernames. Give user_ids, rows or file, one of them.
        pub user_ids: Option<Vec<String>>,
        /// One object per user instead: {"user_id": "user_2xhF...", "public_metadata": {...},
        /// "private_metadata": {...}, "unsafe_metadata": {...}} (user IDs only).
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: CSV with a header (user_id,public_metadata,...; metadata cells
        /// are JSON objects) or ndjson (a `users export` works), inside the server's files
        /// directory (--files-dir).
        pub file: Option<String>,
        /// Merged into each user's public metadata (deep merge: a key set to null is removed,
        /// other keys stay); with rows or file, for the rows that give none.
        pub public_metadata: Option<Object>,
        /// Merged into each user's private metadata, as public_metadata is.
        pub private_metadata: Option<Object>,
        /// Merged into each user's unsafe metadata, as public_metadata is.
        pub unsafe_metadata: Option<Object>,
    }
    journal: metadata,
    hourly_limits: always,
}

bulk_params! {
    pub struct OrganizationsMetadataBulk {
        /// The organizations, each given the metadata below: IDs like org_2xhF..., slugs or exact
        /// names. Give organization_ids, rows or file, one of them.
        pub organization_ids: Option<Vec<String>>,
        /// One object per organization instead: {"organization_id": "org_2xhF...",
        /// "public_metadata": {...}, "private_metadata": {...}} (organization IDs only).
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: CSV with a header (organization_id,public_metadata,...) or
        /// ndjson (an `orgs export` works), inside the server's files directory (--files-dir).
        pub file: Option<String>,
        /// Merged into each organization's public metadata (deep merge: a key set to null is
        /// removed, other keys stay); with rows or file, for the rows that give none.
        pub public_metadata: Option<Object>,
        /// Merged into each organization's private metadata, as public_metadata is.
        pub private_metadata: Option<Object>,
    }
    journal: metadata,
    hourly_limits: always,
}

bulk_params! {
    pub struct MembersMetadataBulk {
        /// The organization: an ID like org_2xhF..., a slug, or its exact name.
        pub organization_id: String,
        /// The members, each given the metadata below: user IDs like user_2xhF..., email
        /// addresses or usernames. Give user_ids, rows or file, one of them.
        pub user_ids: Option<Vec<String>>,
        /// One object per member instead: {"user_id": "user_2xhF...", "public_metadata": {...},
        /// "private_metadata": {...}} (user IDs only).
        pub rows: Option<Vec<Object>>,
        /// A file of rows instead: CSV with a header (user_id,public_metadata,...) or ndjson (a
        /// `members export` works), inside the server's files directory (--files-dir).
        pub file: Option<String>,
        /// Merged into each membership's public metadata (deep merge: a key set to null is
        /// removed, other keys stay); with rows or file, for the rows that give none. A user's
        /// own metadata is update_users_metadata_bulk's.
        pub public_metadata: Option<Object>,
        /// Merged into each membership's private metadata, as public_metadata is.
        pub private_metadata: Option<Object>,
    }
    journal: metadata,
    hourly_limits: always,
}

/// An export file's format.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// Clerk's objects, one JSON object a line.
    Ndjson,
    /// The main fields, one row each; metadata as JSON text.
    Csv,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportUsers {
    /// The file to write: a name inside the server's files directory (--files-dir, by default
    /// ~/.local/state/clerkctl/files), where relative names are put; paths leading outside it
    /// are refused. It must not exist yet.
    pub out: String,
    /// ndjson or csv; by default the file's extension decides (.csv, .ndjson), else ndjson. A
    /// format that contradicts the extension is refused.
    pub format: Option<ExportFormat>,
    /// Include private_metadata: true needs a server started with --allow-private-metadata;
    /// left out, the server's setting decides.
    pub include_private_metadata: Option<bool>,
    #[serde(flatten)]
    pub filters: UserFilters,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportOrganizations {
    /// The file to write: a name inside the server's files directory (--files-dir, by default
    /// ~/.local/state/clerkctl/files), where relative names are put; paths leading outside it
    /// are refused. It must not exist yet.
    pub out: String,
    /// ndjson or csv; by default the file's extension decides (.csv, .ndjson), else ndjson. A
    /// format that contradicts the extension is refused.
    pub format: Option<ExportFormat>,
    /// Include private_metadata: true needs a server started with --allow-private-metadata;
    /// left out, the server's setting decides.
    pub include_private_metadata: Option<bool>,
    #[serde(flatten)]
    pub filters: OrganizationFilters,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportMembers {
    /// The organization: an ID like org_2xhF..., a slug, or its exact name.
    pub organization_id: String,
    /// The file to write: a name inside the server's files directory (--files-dir, by default
    /// ~/.local/state/clerkctl/files), where relative names are put; paths leading outside it
    /// are refused. It must not exist yet.
    pub out: String,
    /// ndjson or csv; by default the file's extension decides (.csv, .ndjson), else ndjson. A
    /// format that contradicts the extension is refused.
    pub format: Option<ExportFormat>,
    /// Include private_metadata: true needs a server started with --allow-private-metadata;
    /// left out, the server's setting decides.
    pub include_private_metadata: Option<bool>,
    #[serde(flatten)]
    pub filters: MemberFilters,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsersMatching {
    #[serde(flatten)]
    pub filters: UserFilters,
    #[serde(flatten)]
    pub matching: crate::ops::users::MatchFilters,
    /// How many users the person agreed to change: the call refuses if a different number
    /// match. Without it, nothing is changed and the answer says how many match (see them
    /// first with dry_run).
    pub expect_count: Option<u64>,
    /// Where to back up the matched users first (a new ndjson file inside the server's files
    /// directory, --files-dir); by default under the state directory.
    pub backup: Option<String>,
    /// The job's journal, inside the server's files directory: calling again with the same
    /// journal carries on [default: beside the
    /// backup].
    pub journal: Option<String>,
    /// true: answer the matching users' IDs and change nothing.
    pub dry_run: Option<bool>,
}

pub use crate::ops::sessions::SessionFilters;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSessions {
    #[serde(flatten)]
    pub filters: SessionFilters,
    /// Sort by a field, - for descending, + for ascending: -created_at (the default).
    pub order_by: Option<String>,
    /// Sessions per page, 1 to 500 (Clerk's default is 10).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many sessions.
    pub offset: Option<u64>,
    /// Keep only these fields of each session, e.g. ["id", "status", "last_active_organization_id"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionId {
    /// The session's ID, like sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk.
    pub session_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionToken {
    /// The user the token speaks for: an ID like user_2xhFjEI5X2qWRvtV13BzSj8H6Dk, an email
    /// address, or a username.
    pub user_id: String,
    /// A JWT template's name: that template's token instead of a session token.
    pub template: Option<String>,
    /// Use this session of the user (sess_...) instead of their newest active one or a new one.
    pub session_id: Option<String>,
    /// An organization of the user's (org_...) active in the session, so the token carries it.
    /// On Clerk only when a session is made now; the emulator can also switch session_id's.
    pub organization_id: Option<String>,
    /// The token's lifetime in seconds, 30 to 315360000 (the default is the instance's: 60).
    #[schemars(range(min = 30, max = 315360000))]
    pub ttl: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListJwtTemplates {
    /// Templates per page, 1 to 500.
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// Skip this many templates.
    pub offset: Option<u64>,
    /// Keep only these fields of each template, e.g. ["id", "name"].
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JwtTemplateId {
    /// The template's ID, like jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk.
    pub template_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetJwks {
    /// Also answer the signing key as PEM (what CLERK_JWT_KEY takes), under "pem".
    pub pem: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetStatus {
    /// Also count the instance's users and organizations (two more reads) [default: true].
    pub counts: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyWebhook {
    /// The delivery's body exactly as received (a changed byte fails it).
    pub body: String,
    /// Its headers, names and values: svix-id, svix-timestamp and svix-signature.
    pub headers: std::collections::BTreeMap<String, String>,
    /// Check the signature alone, whatever the timestamp (a delivery saved long ago).
    pub ignore_timestamp: Option<bool>,
}
