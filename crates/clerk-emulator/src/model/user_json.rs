//! The user view, written directly.
//!
//! Users are most of what the emulator sends (a page of 500 is about 1 MB), and rendering them
//! through `serde_json` cost more than everything else a list does: it escapes each of a
//! user's ~70 field names byte by byte, and `UserView` first collects each user's
//! identifications into vectors. `User::write_json` writes the same bytes with the field names
//! as literals; strings, numbers and metadata still go through `serde_json`. A test checks it
//! against `serde_json::to_vec(&user.view())`, which stays the definition of the shape.

use serde::Serialize;

use super::{
    DEFAULT_IMAGE_URL, DEFAULT_PROFILE_IMAGE_URL, Identification, User, UserContext, shown,
};

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
    /// Appends this user's JSON, byte for byte `serde_json::to_vec(&self.view(ctx))`.
    pub fn write_json(&self, out: &mut Vec<u8>, ctx: UserContext) {
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
        let nulls = u.null_metadata;
        raw(out, r#","has_image":false,"public_metadata":"#);
        value(out, &shown(&u.public_metadata, nulls.public));
        raw(out, r#","private_metadata":"#);
        value(out, &shown(&u.private_metadata, nulls.private));
        raw(out, r#","unsafe_metadata":"#);
        value(out, &shown(&u.unsafe_metadata, nulls.unsafe_));

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
        boolean(out, u.is_locked(ctx.now));
        raw(
            out,
            r#","deprovisioned":false,"lockout_expires_in_seconds":"#,
        );
        opt_int(out, u.lockout_seconds(ctx.now));
        raw(out, r#","verification_attempts_remaining":"#);
        opt_int(out, u.attempts_remaining(ctx));
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
    pub fn json(&self, ctx: UserContext) -> Vec<u8> {
        let mut out = Vec::with_capacity(USER_JSON_CAPACITY);
        self.write_json(&mut out, ctx);
        out
    }
}

/// About the size of a user with one email address and a little metadata.
const USER_JSON_CAPACITY: usize = 2048;

/// A JSON array of users.
pub fn users_json<'a>(users: impl ExactSizeIterator<Item = &'a User>, ctx: UserContext) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + users.len() * USER_JSON_CAPACITY);
    out.push(b'[');
    for (i, u) in users.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        u.write_json(&mut out, ctx);
    }
    out.push(b']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Identification;
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

    const CTX: UserContext = UserContext {
        now: 1_700_000_000_000,
        max_attempts: Some(10),
    };

    #[test]
    fn written_user_json_is_the_serialized_view() {
        let mut backup_only = bare();
        backup_only.backup_code_enabled = true;
        let mut counting_down = bare();
        counting_down.set_locked(true, Some(CTX.now + 1_500));
        let mut nulled = full();
        nulled.null_metadata.public = true;
        nulled.null_metadata.unsafe_ = true;
        let users = [bare(), full(), backup_only, counting_down, nulled];
        for ctx in [
            CTX,
            UserContext {
                max_attempts: None,
                ..CTX
            },
        ] {
            for u in &users {
                let expected = serde_json::to_vec(&u.view(ctx)).unwrap();
                assert_eq!(
                    String::from_utf8(u.json(ctx)).unwrap(),
                    String::from_utf8(expected).unwrap()
                );
            }
            let expected =
                serde_json::to_vec(&users.iter().map(|u| u.view(ctx)).collect::<Vec<_>>()).unwrap();
            assert_eq!(users_json(users.iter(), ctx), expected);
        }
        assert_eq!(users_json([].iter(), CTX), b"[]");
    }

    /// A new instance locks for an hour (docs/guides/secure/user-lockout.mdx), and
    /// `lockout_expires_in_seconds` is the live count of seconds left (clerk-docs pull 523).
    #[test]
    fn a_lockout_counts_down_and_lifts() {
        let json = |u: &User, now: i64| -> serde_json::Value {
            serde_json::from_slice(&u.json(UserContext { now, ..CTX })).unwrap()
        };
        let mut u = bare();
        let locked_at = CTX.now;
        u.set_locked(true, Some(locked_at + 3_600_000));
        let v = json(&u, locked_at);
        assert_eq!(
            (
                &v["locked"],
                &v["lockout_expires_in_seconds"],
                &v["verification_attempts_remaining"]
            ),
            (&json!(true), &json!(3600), &json!(0))
        );
        assert_eq!(
            json(&u, locked_at + 600_000)["lockout_expires_in_seconds"],
            3000
        );
        assert_eq!(
            json(&u, locked_at + 3_599_001)["lockout_expires_in_seconds"],
            1
        );
        let over = json(&u, locked_at + 3_600_000);
        assert_eq!(
            (
                &over["locked"],
                &over["lockout_expires_in_seconds"],
                &over["verification_attempts_remaining"]
            ),
            (&json!(false), &json!(null), &json!(10))
        );
        // Locked until unlocked: no countdown.
        u.set_locked(true, None);
        let v = json(&u, locked_at + 99_999_999);
        assert_eq!(
            (&v["locked"], &v["lockout_expires_in_seconds"]),
            (&json!(true), &json!(null))
        );
        u.set_locked(false, None);
        assert_eq!(json(&u, locked_at)["locked"], false);
    }
}
