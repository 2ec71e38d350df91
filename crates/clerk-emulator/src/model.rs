//! Stored records and their Clerk JSON shapes.
//!
//! Records are what the emulator keeps (in memory, and as JSON documents in SQLite). Views are
//! what Clerk returns: `*View` structs borrow a record and serialize to exactly the shape the
//! spec gives, with derived fields (`object`, `image_url`, `role_name`, computed `status`, ...).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub type Metadata = Map<String, Value>;

/// Placeholder image URLs, as Clerk returns for users and organizations with no uploaded image.
pub const DEFAULT_IMAGE_URL: &str = "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9";
pub const DEFAULT_PROFILE_IMAGE_URL: &str = "https://www.gravatar.com/avatar?d=mp";
/// Host used in invitation links. `.invalid` is reserved (RFC 2606): no link can reach a real site.
pub const TICKET_BASE_URL: &str = "https://accounts.emulator.invalid/v1/tickets/accept?ticket=";

/// An email address, phone number or web3 wallet of a user (all `idn_` identifications).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identification {
    pub id: String,
    pub value: String,
    /// Created with identification status `reserved` rather than `verified`.
    #[serde(default)]
    pub reserved: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub external_id: Option<String>,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub locale: Option<String>,
    pub email_addresses: Vec<Identification>,
    pub phone_numbers: Vec<Identification>,
    pub web3_wallets: Vec<Identification>,
    pub primary_email_address_id: Option<String>,
    pub primary_phone_number_id: Option<String>,
    pub primary_web3_wallet_id: Option<String>,
    pub password_enabled: bool,
    pub password_last_updated_at: Option<i64>,
    pub totp_enabled: bool,
    pub backup_code_enabled: bool,
    pub mfa_enabled_at: Option<i64>,
    pub mfa_disabled_at: Option<i64>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub unsafe_metadata: Metadata,
    pub banned: bool,
    pub locked: bool,
    pub delete_self_enabled: bool,
    pub create_organization_enabled: bool,
    pub create_organizations_limit: Option<i64>,
    pub bypass_client_trust: bool,
    /// External (OAuth) accounts, only ever set by a seed file: the Backend API cannot create them.
    #[serde(default)]
    pub external_accounts: Vec<Value>,
    pub last_sign_in_at: Option<i64>,
    pub last_active_at: Option<i64>,
    pub legal_accepted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl User {
    pub fn primary_email(&self) -> Option<&str> {
        let primary = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.value.as_str())
    }

    pub fn primary_phone(&self) -> Option<&str> {
        let primary = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.value.as_str())
    }

    pub fn primary_web3(&self) -> Option<&str> {
        let primary = self.primary_web3_wallet_id.as_deref()?;
        self.web3_wallets
            .iter()
            .find(|e| e.id == primary)
            .map(|e| e.value.as_str())
    }

    /// What Clerk shows as a member's or inviter's `identifier`: primary email, phone, wallet or
    /// username, in that order.
    pub fn identifier(&self) -> Option<&str> {
        self.primary_email()
            .or_else(|| self.primary_phone())
            .or_else(|| self.primary_web3())
            .or(self.username.as_deref())
    }

    pub fn view(&self) -> UserView<'_> {
        UserView::new(self)
    }

    /// Gives back spare capacity. A deserialized `Vec` or map starts with room for four
    /// entries, where users mostly have one email address and one or two metadata keys: with
    /// 100,000 users that spare room is tens of megabytes.
    pub fn shrink_to_fit(&mut self) {
        for ids in [
            &mut self.email_addresses,
            &mut self.phone_numbers,
            &mut self.web3_wallets,
        ] {
            ids.shrink_to_fit();
        }
        self.external_accounts.shrink_to_fit();
        for map in [
            &mut self.public_metadata,
            &mut self.private_metadata,
            &mut self.unsafe_metadata,
        ] {
            if !map.is_empty() {
                // `Map` has no `shrink_to_fit`; collecting an exact-size iterator sizes it exactly.
                *map = std::mem::take(map).into_iter().collect();
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub max_allowed_memberships: i64,
    pub admin_delete_enabled: bool,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub created_by: Option<String>,
    pub role_set_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub role: String,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Membership {
    /// A new membership, with a fresh ID.
    pub fn new(
        organization_id: &str,
        user_id: &str,
        role: &str,
        public_metadata: Metadata,
        private_metadata: Metadata,
        now: i64,
    ) -> Membership {
        Membership {
            id: crate::ids::new_id("orgmem"),
            organization_id: organization_id.to_owned(),
            user_id: user_id.to_owned(),
            role: role.to_owned(),
            public_metadata,
            private_metadata,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "accepted" => Self::Accepted,
            "revoked" => Self::Revoked,
            "expired" => Self::Expired,
            _ => return None,
        })
    }

    /// The status as seen now: a pending invitation past its expiry reads as expired.
    pub fn effective(self, expires_at: Option<i64>, now: i64) -> Self {
        match (self, expires_at) {
            (Self::Pending, Some(at)) if at <= now => Self::Expired,
            (s, _) => s,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrganizationInvitation {
    pub id: String,
    pub organization_id: String,
    pub email_address: String,
    pub role: String,
    pub inviter_id: Option<String>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub redirect_url: Option<String>,
    pub status: InvitationStatus,
    pub ticket: String,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl OrganizationInvitation {
    pub fn status_at(&self, now: i64) -> InvitationStatus {
        self.status.effective(self.expires_at, now)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub email_address: String,
    pub public_metadata: Metadata,
    pub redirect_url: Option<String>,
    pub template_slug: String,
    pub status: InvitationStatus,
    pub ticket: String,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Invitation {
    pub fn status_at(&self, now: i64) -> InvitationStatus {
        self.status.effective(self.expires_at, now)
    }
}

/// An organization role: its key (`org:admin`), display name and permissions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Role {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl Role {
    /// Clerk's two default roles and their system permissions.
    pub fn defaults() -> Vec<Role> {
        let p = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect();
        vec![
            Role {
                key: "org:admin".into(),
                name: "Admin".into(),
                permissions: p(&[
                    "org:sys_profile:manage",
                    "org:sys_profile:delete",
                    "org:sys_memberships:read",
                    "org:sys_memberships:manage",
                    "org:sys_domains:read",
                    "org:sys_domains:manage",
                ]),
            },
            Role {
                key: "org:member".into(),
                name: "Member".into(),
                permissions: p(&["org:sys_memberships:read"]),
            },
        ]
    }
}

// ---- views ---------------------------------------------------------------------------------

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
    public_metadata: &'a Metadata,
    private_metadata: &'a Metadata,
    unsafe_metadata: &'a Metadata,
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
    fn new(u: &'a User) -> Self {
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
            public_metadata: &u.public_metadata,
            private_metadata: &u.private_metadata,
            unsafe_metadata: &u.unsafe_metadata,
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
            locked: u.locked,
            deprovisioned: false,
            lockout_expires_in_seconds: None,
            verification_attempts_remaining: Some(if u.locked { 0 } else { 100 }),
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

// ---- the user view, written directly -------------------------------------------------------------
//
// Users are most of what the emulator sends (a page of 500 is about 1 MB), and rendering them
// through `serde_json` cost more than everything else a list does: it escapes each of a
// user's ~70 field names byte by byte, and `UserView` first collects each user's
// identifications into vectors. `User::write_json` writes the same bytes with the field names
// as literals; strings, numbers and metadata still go through `serde_json`. A test checks it
// against `serde_json::to_vec(&user.view())`, which stays the definition of the shape.

fn raw(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

fn value<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    serde_json::to_writer(&mut *out, v).expect("user fields serialize to JSON");
}

fn opt_str(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(s) => value(out, s),
        None => raw(out, "null"),
    }
}

fn opt_int(out: &mut Vec<u8>, v: Option<i64>) {
    match v {
        Some(n) => value(out, &n),
        None => raw(out, "null"),
    }
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    raw(out, if b { "true" } else { "false" });
}

fn write_verification(out: &mut Vec<u8>, i: &Identification) {
    raw(
        out,
        if i.reserved {
            "null"
        } else {
            r#"{"object":"verification_admin","status":"verified","strategy":"admin","attempts":null,"expire_at":null}"#
        },
    );
}

impl User {
    /// Appends this user's JSON, byte for byte `serde_json::to_vec(&self.view())`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let u = self;
        raw(out, r#"{"object":"user","id":"#);
        value(out, u.id.as_str());
        for (key, v) in [
            (r#","external_id":"#, &u.external_id),
            (
                r#","primary_email_address_id":"#,
                &u.primary_email_address_id,
            ),
            (r#","primary_phone_number_id":"#, &u.primary_phone_number_id),
            (r#","primary_web3_wallet_id":"#, &u.primary_web3_wallet_id),
            (r#","username":"#, &u.username),
            (r#","first_name":"#, &u.first_name),
            (r#","last_name":"#, &u.last_name),
            (r#","locale":"#, &u.locale),
        ] {
            raw(out, key);
            opt_str(out, v.as_deref());
        }
        raw(out, r#","profile_image_url":"#);
        value(out, DEFAULT_PROFILE_IMAGE_URL);
        raw(out, r#","image_url":"#);
        value(out, DEFAULT_IMAGE_URL);
        raw(out, r#","has_image":false,"public_metadata":"#);
        value(out, &u.public_metadata);
        raw(out, r#","private_metadata":"#);
        value(out, &u.private_metadata);
        raw(out, r#","unsafe_metadata":"#);
        value(out, &u.unsafe_metadata);

        raw(out, r#","email_addresses":["#);
        for (i, e) in u.email_addresses.iter().enumerate() {
            raw(out, if i == 0 { r#"{"id":"# } else { r#",{"id":"# });
            value(out, e.id.as_str());
            raw(out, r#","object":"email_address","email_address":"#);
            value(out, e.value.as_str());
            raw(out, r#","reserved":"#);
            boolean(out, e.reserved);
            raw(out, r#","verification":"#);
            write_verification(out, e);
            raw(
                out,
                r#","linked_to":[],"matches_sso_connection":false,"created_at":"#,
            );
            value(out, &e.created_at);
            raw(out, r#","updated_at":"#);
            value(out, &e.updated_at);
            raw(out, "}");
        }
        raw(out, r#"],"phone_numbers":["#);
        for (i, e) in u.phone_numbers.iter().enumerate() {
            raw(out, if i == 0 { r#"{"id":"# } else { r#",{"id":"# });
            value(out, e.id.as_str());
            raw(out, r#","object":"phone_number","phone_number":"#);
            value(out, e.value.as_str());
            raw(
                out,
                r#","reserved_for_second_factor":false,"default_second_factor":false,"reserved":"#,
            );
            boolean(out, e.reserved);
            raw(out, r#","verification":"#);
            write_verification(out, e);
            raw(out, r#","linked_to":[],"backup_codes":null,"created_at":"#);
            value(out, &e.created_at);
            raw(out, r#","updated_at":"#);
            value(out, &e.updated_at);
            raw(out, "}");
        }
        raw(out, r#"],"web3_wallets":["#);
        for (i, e) in u.web3_wallets.iter().enumerate() {
            raw(out, if i == 0 { r#"{"id":"# } else { r#",{"id":"# });
            value(out, e.id.as_str());
            raw(out, r#","object":"web3_wallet","web3_wallet":"#);
            value(out, e.value.as_str());
            raw(out, r#","verification":"#);
            write_verification(out, e);
            raw(out, r#","created_at":"#);
            value(out, &e.created_at);
            raw(out, r#","updated_at":"#);
            value(out, &e.updated_at);
            raw(out, "}");
        }

        raw(out, r#"],"passkeys":[],"password_enabled":"#);
        boolean(out, u.password_enabled);
        raw(out, r#","two_factor_enabled":"#);
        boolean(out, u.totp_enabled || u.backup_code_enabled);
        raw(out, r#","totp_enabled":"#);
        boolean(out, u.totp_enabled);
        raw(out, r#","backup_code_enabled":"#);
        boolean(out, u.backup_code_enabled);
        raw(out, r#","mfa_enabled_at":"#);
        opt_int(out, u.mfa_enabled_at);
        raw(out, r#","mfa_disabled_at":"#);
        opt_int(out, u.mfa_disabled_at);
        raw(out, r#","password_last_updated_at":"#);
        opt_int(out, u.password_last_updated_at);
        raw(out, r#","external_accounts":"#);
        value(out, u.external_accounts.as_slice());
        raw(
            out,
            r#","saml_accounts":[],"enterprise_accounts":[],"last_sign_in_at":"#,
        );
        opt_int(out, u.last_sign_in_at);
        raw(out, r#","banned":"#);
        boolean(out, u.banned);
        raw(out, r#","locked":"#);
        boolean(out, u.locked);
        raw(
            out,
            r#","deprovisioned":false,"lockout_expires_in_seconds":null,"verification_attempts_remaining":"#,
        );
        raw(out, if u.locked { "0" } else { "100" });
        raw(out, r#","delete_self_enabled":"#);
        boolean(out, u.delete_self_enabled);
        raw(out, r#","create_organization_enabled":"#);
        boolean(out, u.create_organization_enabled);
        raw(out, r#","create_organizations_limit":"#);
        opt_int(out, u.create_organizations_limit);
        raw(out, r#","last_active_at":"#);
        opt_int(out, u.last_active_at);
        raw(out, r#","legal_accepted_at":"#);
        opt_int(out, u.legal_accepted_at);
        raw(out, r#","bypass_client_trust":"#);
        boolean(out, u.bypass_client_trust);
        raw(out, r#","created_at":"#);
        value(out, &u.created_at);
        raw(out, r#","updated_at":"#);
        value(out, &u.updated_at);
        raw(out, "}");
    }

    /// This user's JSON answer.
    pub fn json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(USER_JSON_CAPACITY);
        self.write_json(&mut out);
        out
    }
}

/// About the size of a user with one email address and a little metadata.
const USER_JSON_CAPACITY: usize = 2048;

/// A JSON array of users.
pub fn users_json<'a>(users: impl ExactSizeIterator<Item = &'a User>) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + users.len() * USER_JSON_CAPACITY);
    out.push(b'[');
    for (i, u) in users.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        u.write_json(&mut out);
    }
    out.push(b']');
    out
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
    public_metadata: &'a Metadata,
    private_metadata: &'a Metadata,
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
            public_metadata: &self.public_metadata,
            private_metadata: &self.private_metadata,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ident(id: &str, value: &str, reserved: bool) -> Identification {
        Identification {
            id: id.into(),
            value: value.into(),
            reserved,
            created_at: 1_700_000_000_001,
            updated_at: 1_700_000_000_002,
        }
    }

    fn bare() -> User {
        serde_json::from_value(json!({
            "id": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "external_id": null, "username": null,
            "first_name": null, "last_name": null, "locale": null, "email_addresses": [],
            "phone_numbers": [], "web3_wallets": [], "primary_email_address_id": null,
            "primary_phone_number_id": null, "primary_web3_wallet_id": null,
            "password_enabled": false, "password_last_updated_at": null, "totp_enabled": false,
            "backup_code_enabled": false, "mfa_enabled_at": null, "mfa_disabled_at": null,
            "public_metadata": {}, "private_metadata": {}, "unsafe_metadata": {},
            "banned": false, "locked": false, "delete_self_enabled": true,
            "create_organization_enabled": true, "create_organizations_limit": null,
            "bypass_client_trust": false, "last_sign_in_at": null, "last_active_at": null,
            "legal_accepted_at": null, "created_at": 0, "updated_at": 0
        }))
        .unwrap()
    }

    fn full() -> User {
        let mut u = bare();
        u.external_id = Some("ext-\"quoted\"\\".into());
        u.username = Some("ada_l".into());
        u.first_name = Some("Ada \u{1F600} \u{7} tab\there".into());
        u.last_name = Some("Lovelace </script> é".into());
        u.locale = Some("en-GB".into());
        u.email_addresses = vec![
            ident("idn_1", "ada@example.com", false),
            ident("idn_2", "held@example.com", true),
        ];
        u.phone_numbers = vec![ident("idn_3", "+15550000001", false)];
        u.web3_wallets = vec![
            ident("idn_4", "0x0000000000000000000000000000000000000001", true),
            ident("idn_5", "0x0000000000000000000000000000000000000002", false),
        ];
        u.primary_email_address_id = Some("idn_1".into());
        u.primary_phone_number_id = Some("idn_3".into());
        u.primary_web3_wallet_id = Some("idn_5".into());
        u.password_enabled = true;
        u.password_last_updated_at = Some(-5);
        u.totp_enabled = true;
        u.mfa_enabled_at = Some(i64::MAX);
        u.mfa_disabled_at = Some(i64::MIN);
        u.public_metadata = json!({"plan": "pro", "n": 1.5, "nested": {"a": [1, null, true]}})
            .as_object()
            .unwrap()
            .clone();
        u.private_metadata = json!({"k\"ey": "v\nal"}).as_object().unwrap().clone();
        u.unsafe_metadata = json!({"z": "last", "a": "first"})
            .as_object()
            .unwrap()
            .clone();
        u.banned = true;
        u.locked = true;
        u.delete_self_enabled = false;
        u.create_organization_enabled = false;
        u.create_organizations_limit = Some(3);
        u.bypass_client_trust = true;
        u.external_accounts = vec![json!({"provider": "oauth_google", "provider_user_id": "1"})];
        u.last_sign_in_at = Some(1);
        u.last_active_at = Some(2);
        u.legal_accepted_at = Some(3);
        u.created_at = 1_600_000_000_000;
        u.updated_at = 1_800_000_000_000;
        u
    }

    #[test]
    fn written_user_json_is_the_serialized_view() {
        let mut backup_only = bare();
        backup_only.backup_code_enabled = true;
        let users = [bare(), full(), backup_only];
        for u in &users {
            let expected = serde_json::to_vec(&u.view()).unwrap();
            assert_eq!(
                String::from_utf8(u.json()).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
        let expected =
            serde_json::to_vec(&users.iter().map(User::view).collect::<Vec<_>>()).unwrap();
        assert_eq!(users_json(users.iter()), expected);
        assert_eq!(users_json([].iter()), b"[]");
    }
}
