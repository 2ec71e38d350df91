//! What Clerk answers for each record: `*View` structs that borrow a record and serialize to
//! the spec's shape.

use serde::Serialize;
use serde_json::Value;

use super::{
    DEFAULT_IMAGE_URL, DEFAULT_PROFILE_IMAGE_URL, Identification, Invitation, InvitationStatus,
    Membership, Metadata, Organization, OrganizationInvitation, Role, TICKET_BASE_URL, User,
    UserContext, shown,
};

impl User {
    pub fn view(&self, ctx: UserContext) -> UserView<'_> {
        UserView::new(self, ctx)
    }
}

#[derive(Debug, Serialize)]
pub struct VerificationView {
    object: &'static str,
    status: &'static str,
    strategy: &'static str,
    attempts: Option<i64>,
    expire_at: Option<i64>,
}

const ADMIN_VERIFIED: VerificationView = VerificationView {
    object: "verification_admin",
    status: "verified",
    strategy: "admin",
    attempts: None,
    expire_at: None,
};

fn verification(i: &Identification) -> Option<&'static VerificationView> {
    (!i.reserved).then_some(&ADMIN_VERIFIED)
}

#[derive(Debug, Serialize)]
pub struct EmailAddressView<'a> {
    id: &'a str,
    object: &'static str,
    email_address: &'a str,
    reserved: bool,
    verification: Option<&'static VerificationView>,
    linked_to: [(); 0],
    matches_sso_connection: bool,
    created_at: i64,
    updated_at: i64,
}

#[derive(Debug, Serialize)]
pub struct PhoneNumberView<'a> {
    id: &'a str,
    object: &'static str,
    phone_number: &'a str,
    reserved_for_second_factor: bool,
    default_second_factor: bool,
    reserved: bool,
    verification: Option<&'static VerificationView>,
    linked_to: [(); 0],
    backup_codes: Option<()>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Debug, Serialize)]
pub struct Web3WalletView<'a> {
    id: &'a str,
    object: &'static str,
    web3_wallet: &'a str,
    verification: Option<&'static VerificationView>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Debug, Serialize)]
pub struct UserView<'a> {
    object: &'static str,
    id: &'a str,
    external_id: &'a Option<String>,
    primary_email_address_id: &'a Option<String>,
    primary_phone_number_id: &'a Option<String>,
    primary_web3_wallet_id: &'a Option<String>,
    username: &'a Option<String>,
    first_name: &'a Option<String>,
    last_name: &'a Option<String>,
    locale: &'a Option<String>,
    profile_image_url: &'static str,
    image_url: &'static str,
    has_image: bool,
    public_metadata: Option<&'a Metadata>,
    private_metadata: Option<&'a Metadata>,
    unsafe_metadata: Option<&'a Metadata>,
    email_addresses: Vec<EmailAddressView<'a>>,
    phone_numbers: Vec<PhoneNumberView<'a>>,
    web3_wallets: Vec<Web3WalletView<'a>>,
    passkeys: [(); 0],
    password_enabled: bool,
    two_factor_enabled: bool,
    totp_enabled: bool,
    backup_code_enabled: bool,
    mfa_enabled_at: Option<i64>,
    mfa_disabled_at: Option<i64>,
    password_last_updated_at: Option<i64>,
    external_accounts: &'a [Value],
    saml_accounts: [(); 0],
    enterprise_accounts: [(); 0],
    last_sign_in_at: Option<i64>,
    banned: bool,
    locked: bool,
    deprovisioned: bool,
    lockout_expires_in_seconds: Option<i64>,
    verification_attempts_remaining: Option<i64>,
    delete_self_enabled: bool,
    create_organization_enabled: bool,
    create_organizations_limit: Option<i64>,
    last_active_at: Option<i64>,
    legal_accepted_at: Option<i64>,
    bypass_client_trust: bool,
    created_at: i64,
    updated_at: i64,
}

impl<'a> UserView<'a> {
    fn new(u: &'a User, ctx: UserContext) -> Self {
        UserView {
            object: "user",
            id: &u.id,
            external_id: &u.external_id,
            primary_email_address_id: &u.primary_email_address_id,
            primary_phone_number_id: &u.primary_phone_number_id,
            primary_web3_wallet_id: &u.primary_web3_wallet_id,
            username: &u.username,
            first_name: &u.first_name,
            last_name: &u.last_name,
            locale: &u.locale,
            profile_image_url: DEFAULT_PROFILE_IMAGE_URL,
            image_url: DEFAULT_IMAGE_URL,
            has_image: false,
            public_metadata: shown(&u.public_metadata, u.null_metadata.public),
            private_metadata: shown(&u.private_metadata, u.null_metadata.private),
            unsafe_metadata: shown(&u.unsafe_metadata, u.null_metadata.unsafe_),
            email_addresses: u
                .email_addresses
                .iter()
                .map(|e| EmailAddressView {
                    id: &e.id,
                    object: "email_address",
                    email_address: &e.value,
                    reserved: e.reserved,
                    verification: verification(e),
                    linked_to: [],
                    matches_sso_connection: false,
                    created_at: e.created_at,
                    updated_at: e.updated_at,
                })
                .collect(),
            phone_numbers: u
                .phone_numbers
                .iter()
                .map(|e| PhoneNumberView {
                    id: &e.id,
                    object: "phone_number",
                    phone_number: &e.value,
                    reserved_for_second_factor: false,
                    default_second_factor: false,
                    reserved: e.reserved,
                    verification: verification(e),
                    linked_to: [],
                    backup_codes: None,
                    created_at: e.created_at,
                    updated_at: e.updated_at,
                })
                .collect(),
            web3_wallets: u
                .web3_wallets
                .iter()
                .map(|e| Web3WalletView {
                    id: &e.id,
                    object: "web3_wallet",
                    web3_wallet: &e.value,
                    verification: verification(e),
                    created_at: e.created_at,
                    updated_at: e.updated_at,
                })
                .collect(),
            passkeys: [],
            password_enabled: u.password_enabled,
            two_factor_enabled: u.totp_enabled || u.backup_code_enabled,
            totp_enabled: u.totp_enabled,
            backup_code_enabled: u.backup_code_enabled,
            mfa_enabled_at: u.mfa_enabled_at,
            mfa_disabled_at: u.mfa_disabled_at,
            password_last_updated_at: u.password_last_updated_at,
            external_accounts: &u.external_accounts,
            saml_accounts: [],
            enterprise_accounts: [],
            last_sign_in_at: u.last_sign_in_at,
            banned: u.banned,
            locked: u.is_locked(ctx.now),
            deprovisioned: false,
            lockout_expires_in_seconds: u.lockout_seconds(ctx.now),
            verification_attempts_remaining: u.attempts_remaining(ctx),
            delete_self_enabled: u.delete_self_enabled,
            create_organization_enabled: u.create_organization_enabled,
            create_organizations_limit: u.create_organizations_limit,
            last_active_at: u.last_active_at,
            legal_accepted_at: u.legal_accepted_at,
            bypass_client_trust: u.bypass_client_trust,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// Counts that some organization answers carry.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrgCounts {
    /// `members_count`, present only when the caller asked for it.
    pub members: Option<i64>,
    pub pending_invitations: i64,
    /// `missing_member_with_elevated_permissions`, present only when asked for.
    pub missing_admin: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct OrganizationView<'a> {
    object: &'static str,
    id: &'a str,
    name: &'a str,
    slug: &'a str,
    image_url: &'static str,
    has_image: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    members_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    missing_member_with_elevated_permissions: Option<bool>,
    pending_invitations_count: i64,
    max_allowed_memberships: i64,
    admin_delete_enabled: bool,
    public_metadata: Option<&'a Metadata>,
    private_metadata: Option<&'a Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by: Option<&'a str>,
    role_set_key: &'a Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl Organization {
    pub fn view(&self, counts: OrgCounts) -> OrganizationView<'_> {
        OrganizationView {
            object: "organization",
            id: &self.id,
            name: &self.name,
            slug: &self.slug,
            image_url: DEFAULT_IMAGE_URL,
            has_image: false,
            members_count: counts.members,
            missing_member_with_elevated_permissions: counts.missing_admin,
            pending_invitations_count: counts.pending_invitations,
            max_allowed_memberships: self.max_allowed_memberships,
            admin_delete_enabled: self.admin_delete_enabled,
            public_metadata: shown(&self.public_metadata, self.null_metadata.public),
            private_metadata: shown(&self.private_metadata, self.null_metadata.private),
            created_by: self.created_by.as_deref(),
            role_set_key: &self.role_set_key,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MemberUserView<'a> {
    user_id: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    profile_image_url: &'static str,
    image_url: &'static str,
    has_image: bool,
    identifier: Option<&'a str>,
    username: Option<&'a str>,
    banned: bool,
    deprovisioned: bool,
}

impl<'a> MemberUserView<'a> {
    pub fn new(user_id: &'a str, user: Option<&'a User>) -> Self {
        MemberUserView {
            user_id,
            first_name: user.and_then(|u| u.first_name.as_deref()),
            last_name: user.and_then(|u| u.last_name.as_deref()),
            profile_image_url: DEFAULT_PROFILE_IMAGE_URL,
            image_url: DEFAULT_IMAGE_URL,
            has_image: false,
            identifier: user.and_then(User::identifier),
            username: user.and_then(|u| u.username.as_deref()),
            banned: user.is_some_and(|u| u.banned),
            deprovisioned: false,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MembershipView<'a> {
    id: &'a str,
    object: &'static str,
    role: &'a str,
    role_name: &'a str,
    permissions: &'a [String],
    public_metadata: &'a Metadata,
    private_metadata: &'a Metadata,
    organization: OrganizationView<'a>,
    public_user_data: MemberUserView<'a>,
    created_at: i64,
    updated_at: i64,
}

impl Membership {
    pub fn view<'a>(
        &'a self,
        role: &'a Role,
        org: OrganizationView<'a>,
        user: Option<&'a User>,
    ) -> MembershipView<'a> {
        MembershipView {
            id: &self.id,
            object: "organization_membership",
            role: &self.role,
            role_name: &role.name,
            permissions: &role.permissions,
            public_metadata: &self.public_metadata,
            private_metadata: &self.private_metadata,
            organization: org,
            public_user_data: MemberUserView::new(&self.user_id, user),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct InviterView<'a> {
    user_id: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    image_url: &'static str,
    has_image: bool,
    identifier: &'a str,
}

#[derive(Debug, Serialize)]
pub struct PublicOrganizationView<'a> {
    id: &'a str,
    name: &'a str,
    slug: &'a str,
    image_url: &'static str,
    has_image: bool,
}

#[derive(Debug, Serialize)]
pub struct OrganizationInvitationView<'a> {
    object: &'static str,
    id: &'a str,
    email_address: &'a str,
    role: &'a str,
    role_name: &'a str,
    organization_id: &'a str,
    inviter_id: &'a Option<String>,
    public_inviter_data: Option<InviterView<'a>>,
    status: &'static str,
    public_metadata: &'a Metadata,
    private_metadata: &'a Metadata,
    url: Option<String>,
    expires_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_organization_data: Option<PublicOrganizationView<'a>>,
}

impl OrganizationInvitation {
    /// `org` adds `public_organization_data` (instance-wide and per-user lists).
    pub fn view<'a>(
        &'a self,
        role_name: &'a str,
        inviter: Option<&'a User>,
        org: Option<&'a Organization>,
        now: i64,
    ) -> OrganizationInvitationView<'a> {
        let status = self.status_at(now);
        OrganizationInvitationView {
            object: "organization_invitation",
            id: &self.id,
            email_address: &self.email_address,
            role: &self.role,
            role_name,
            organization_id: &self.organization_id,
            inviter_id: &self.inviter_id,
            public_inviter_data: inviter.map(|u| InviterView {
                user_id: &u.id,
                first_name: u.first_name.as_deref(),
                last_name: u.last_name.as_deref(),
                image_url: DEFAULT_IMAGE_URL,
                has_image: false,
                identifier: u.identifier().unwrap_or(""),
            }),
            status: status.as_str(),
            public_metadata: &self.public_metadata,
            private_metadata: &self.private_metadata,
            url: (status == InvitationStatus::Pending)
                .then(|| format!("{TICKET_BASE_URL}{}", self.ticket)),
            expires_at: self.expires_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            public_organization_data: org.map(|o| PublicOrganizationView {
                id: &o.id,
                name: &o.name,
                slug: &o.slug,
                image_url: DEFAULT_IMAGE_URL,
                has_image: false,
            }),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct InvitationView<'a> {
    object: &'static str,
    id: &'a str,
    email_address: &'a str,
    public_metadata: &'a Metadata,
    revoked: bool,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    expires_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl Invitation {
    pub fn view(&self, now: i64) -> InvitationView<'_> {
        let status = self.status_at(now);
        InvitationView {
            object: "invitation",
            id: &self.id,
            email_address: &self.email_address,
            public_metadata: &self.public_metadata,
            revoked: status == InvitationStatus::Revoked,
            status: status.as_str(),
            url: (status == InvitationStatus::Pending)
                .then(|| format!("{TICKET_BASE_URL}{}", self.ticket)),
            expires_at: self.expires_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The answer to a delete: `{"object": "user", "id": "...", "deleted": true}`.
#[derive(Debug, Serialize)]
pub struct DeletedObject {
    pub object: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub deleted: bool,
}
