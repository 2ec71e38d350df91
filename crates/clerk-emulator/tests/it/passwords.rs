//! Passwords: digests checked against their hasher's format on create and update, passwords
//! set in clear, and `POST /users/{user_id}/verify_password`, with the fixtures made by the
//! real hashing libraries (`crates/clerk-passwords/tests/fixtures/make.py`).

use clerk_emulator::Config;
use serde_json::{Value, json};

use crate::support::{Emu, id};

const FIXTURES: &str = include_str!("../../../clerk-passwords/tests/fixtures/digests.json");

/// (hasher, password, digest) for every fixture.
fn fixtures() -> Vec<(String, String, String)> {
    let doc: Value = serde_json::from_str(FIXTURES).expect("digests.json is JSON");
    doc["fixtures"]
        .as_array()
        .expect("a fixtures array")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_owned();
            (s("hasher"), s("password"), s("digest"))
        })
        .collect()
}

fn verify_path(user: &str) -> String {
    format!("/users/{user}/verify_password")
}

/// Asserts `verify_password` says yes to `password`.
async fn assert_verified(emu: &Emu, user: &str, password: &str) {
    let r = emu
        .post(&verify_path(user), json!({"password": password}))
        .await;
    assert_eq!(r.ok(), json!({"verified": true}), "{password:?}");
}

/// Asserts `verify_password` refuses `password` with Clerk's `incorrect_password`.
async fn assert_refused(emu: &Emu, user: &str, password: &str) {
    let r = emu
        .post(&verify_path(user), json!({"password": password}))
        .await;
    let e = r.err(422, "incorrect_password");
    assert_eq!(e["message"], "incorrect password");
    assert_eq!(
        e["long_message"],
        "The provided password is not the one the user has set"
    );
}

#[tokio::test]
async fn every_fixture_verifies_through_the_api() {
    let emu = Emu::start().await;
    for (i, (hasher, password, digest)) in fixtures().into_iter().enumerate() {
        let user = emu
            .post(
                "/users",
                json!({"username": format!("fixture_{i}"), "password_digest": digest,
                       "password_hasher": hasher}),
            )
            .await
            .ok();
        assert_eq!(user["password_enabled"], true, "{hasher}");
        assert!(
            !user.to_string().contains(&digest),
            "{hasher}: the digest is never answered"
        );
        let uid = id(&user);
        assert_verified(&emu, &uid, &password).await;
        assert_refused(&emu, &uid, &format!("{password}x")).await;
        assert_refused(&emu, &uid, "").await;
    }
}

#[tokio::test]
async fn malformed_digests_are_refused_with_clerks_error_and_nothing_is_stored() {
    let emu = Emu::start().await;
    let bcrypt_body = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0";
    let cases = [
        ("bcrypt", "$2a$10$abc".to_owned()),
        ("bcrypt", format!("$2b$03${bcrypt_body}")),
        ("bcrypt_peppered", format!("$2b$10${bcrypt_body}")),
        (
            "argon2i",
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".to_owned(),
        ),
        ("md5", "5f4dcc3b5aa765d61d8327deb882cf9".to_owned()),
        (
            "sha256_salted",
            "s3cr3t-salt$5f4dcc3b5aa765d61d8327deb882cf99".to_owned(),
        ),
        (
            "pbkdf2_sha256_django",
            "pbkdf2_sha256$1000$salt$not*base64".to_owned(),
        ),
        (
            "scrypt_firebase",
            "aGFzaA==$c2FsdA==$a2V5$Bw==$8".to_owned(),
        ),
        ("phpass", "$P$Bsecretsaltandchecksumxxxxxxx".to_owned()),
        ("awscognito", "awscognito#us-east-1_AbC#client".to_owned()),
        (
            "sha512_symfony",
            " sha512_symfony$5000$salt$c2FsdA==".to_owned(),
        ),
    ];
    for (hasher, digest) in cases {
        let r = emu
            .post(
                "/users",
                json!({"email_address": ["ada@example.com"], "password_digest": digest,
                       "password_hasher": hasher}),
            )
            .await;
        let e = r.err(422, "form_password_digest_invalid_code");
        assert_eq!(e["meta"]["param_name"], "password_digest");
        assert_eq!(e["message"], "is invalid");
        let long = e["long_message"].as_str().unwrap();
        assert!(
            long.starts_with(&format!("password_digest is not a valid {hasher} digest: ")),
            "{long}"
        );
        assert!(!long.contains(digest.trim()), "{hasher}: {long}");
        for secret in ["s3cr3t-salt", "secretsalt", "not*base64"] {
            assert!(!long.contains(secret), "{hasher}: {long}");
        }
    }
    assert_eq!(emu.user_count("").await, 0, "nothing stored");
    // The same check on PATCH, which leaves the user as it was.
    let ada = emu.user_id("ada@example.com").await;
    let r = emu
        .patch(
            &format!("/users/{ada}"),
            json!({"password_digest": "not-md5", "password_hasher": "md5"}),
        )
        .await;
    r.err(422, "form_password_digest_invalid_code");
    let ada = emu.get(&format!("/users/{ada}")).await.ok();
    assert_eq!(ada["password_enabled"], false);
}

#[tokio::test]
async fn passwords_set_in_clear_verify_and_change() {
    let emu = Emu::start().await;
    let uid = id(&emu
        .user(
            "ada@example.com",
            json!({"password": "correct horse battery"}),
        )
        .await);
    assert_verified(&emu, &uid, "correct horse battery").await;
    assert_refused(&emu, &uid, "correct horse battery ").await;
    assert_refused(&emu, &uid, "Correct horse battery").await;

    // A new password replaces the old one.
    emu.patch(
        &format!("/users/{uid}"),
        json!({"password": "tr0ub4dor&3 again"}),
    )
    .await
    .ok();
    assert_verified(&emu, &uid, "tr0ub4dor&3 again").await;
    assert_refused(&emu, &uid, "correct horse battery").await;

    // So does a digest.
    let (hasher, password, digest) = fixtures().into_iter().next().unwrap();
    let user = emu
        .patch(
            &format!("/users/{uid}"),
            json!({"password_digest": digest, "password_hasher": hasher}),
        )
        .await
        .ok();
    assert!(!user.to_string().contains(&digest));
    assert_verified(&emu, &uid, &password).await;
    assert_refused(&emu, &uid, "tr0ub4dor&3 again").await;

    // With both, the password given in clear is the one kept.
    let both = id(&emu
        .user(
            "grace@example.com",
            json!({"password": "given in clear", "password_digest": digest,
                   "password_hasher": hasher}),
        )
        .await);
    assert_verified(&emu, &both, "given in clear").await;
    assert_refused(&emu, &both, &password).await;
}

#[tokio::test]
async fn verify_password_answers_as_clerk_does() {
    let emu = Emu::start().await;
    let nobody = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk";
    let r = emu
        .post(&verify_path(nobody), json!({"password": "whatever1"}))
        .await;
    r.err(404, "resource_not_found");

    let without = emu.user_id("nopass@example.com").await;
    let r = emu
        .post(&verify_path(&without), json!({"password": "whatever1"}))
        .await;
    let e = r.err(400, "no_password_set");
    assert_eq!(e["message"], "no password set");
    assert_eq!(
        e["long_message"],
        "This user does not have a password set for their account"
    );

    let with = id(&emu
        .user(
            "pass@example.com",
            json!({"password": "correct horse battery"}),
        )
        .await);
    let r = emu.post(&verify_path(&with), json!({})).await;
    let e = r.err(422, "form_param_missing");
    assert_eq!(e["meta"]["param_name"], "password");
    let r = emu
        .post(&verify_path(&with), json!({"password": "x", "extra": 1}))
        .await;
    r.err(422, "form_param_unknown");
    let r = emu.post(&verify_path(&with), json!({"password": 42})).await;
    r.err(422, "form_param_value_invalid");

    // A Cognito digest can only be checked by Cognito, which the emulator cannot reach.
    let cognito = id(&emu
        .user(
            "cognito@example.com",
            json!({"password_hasher": "awscognito",
                   "password_digest": "awscognito#us-east-1_AbCdEf123#1example23456789#cognito@example.com"}),
        )
        .await);
    assert_refused(&emu, &cognito, "whatever1").await;
}

#[tokio::test]
async fn digests_and_hashes_survive_a_restart_and_are_never_answered() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clerk.db");
    let config = || Config {
        data: Some(file.clone()),
        ..Config::default()
    };
    let (hasher, password, digest) = fixtures().into_iter().next().unwrap();
    let clear = "a password set in clear";
    let (imported, typed) = {
        let emu = Emu::with(config()).await;
        let imported = id(&emu
            .user(
                "imported@example.com",
                json!({"password_digest": digest, "password_hasher": hasher}),
            )
            .await);
        let typed = id(&emu
            .user("typed@example.com", json!({"password": clear}))
            .await);
        emu.emulator.shutdown().await;
        (imported, typed)
    };
    // The clear password is not in the file; the digest given is.
    let bytes: Vec<u8> = std::fs::read_dir(dir.path())
        .unwrap()
        .flat_map(|f| std::fs::read(f.unwrap().path()).unwrap())
        .collect();
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!contains(clear), "the clear password is stored hashed");
    assert!(contains(&digest), "the digest is kept");

    let emu = Emu::with(config()).await;
    assert_verified(&emu, &imported, &password).await;
    assert_refused(&emu, &imported, clear).await;
    assert_verified(&emu, &typed, clear).await;
    for path in [
        "/users?limit=10".to_owned(),
        format!("/users/{imported}"),
        format!("/users/{typed}"),
    ] {
        let shown = emu.get(&path).await.ok().to_string();
        assert!(
            !shown.contains(&digest) && !shown.contains("$argon2id$"),
            "{path}: {shown}"
        );
        assert!(!shown.contains("password_digest") && !shown.contains("password_hasher"));
    }
}

#[tokio::test]
async fn a_seed_may_carry_digests() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    let (hasher, password, digest) = fixtures().into_iter().next().unwrap();
    std::fs::write(
        &seed,
        serde_json::to_vec(&json!({"users": [
            {"email_address": ["seeded@example.com"], "password_digest": digest, "password_hasher": hasher},
            {"email_address": ["typed@example.com"], "password": "seeded in clear"},
        ]}))
        .unwrap(),
    )
    .unwrap();
    let emu = Emu::with(Config {
        seed: Some(seed),
        ..Config::default()
    })
    .await;
    let list = emu.get("/users?order_by=created_at").await.ok();
    for (user, right) in list
        .as_array()
        .unwrap()
        .iter()
        .zip([password.as_str(), "seeded in clear"])
    {
        assert_verified(&emu, &id(user), right).await;
    }
}
