//! Every fixture's digest passes the format check, verifies with its password and fails with
//! wrong ones.

use std::collections::BTreeSet;

use clerk_passwords::{
    Limits, PasswordDigest, PasswordHasher, VerifyError, check_digest, verify, verify_with_limits,
};
use serde_json::Value;

/// The committed fixtures: (hasher, password, digest).
pub fn fixtures() -> Vec<(PasswordHasher, String, String)> {
    let text = include_str!("../fixtures/digests.json");
    let doc: Value = serde_json::from_str(text).expect("digests.json is JSON");
    doc["fixtures"]
        .as_array()
        .expect("a fixtures array")
        .iter()
        .map(|f| {
            let hasher = f["hasher"]
                .as_str()
                .unwrap()
                .parse()
                .expect("a known hasher");
            (
                hasher,
                f["password"].as_str().unwrap().to_owned(),
                f["digest"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Passwords that differ from the right one in small ways.
fn wrong_passwords(password: &str) -> Vec<String> {
    let mut shorter = password.to_owned();
    shorter.pop();
    vec![
        format!("{password}x"),
        shorter,
        password.to_uppercase(),
        String::new(),
    ]
}

#[test]
fn every_verifiable_hasher_has_fixtures() {
    let covered: BTreeSet<PasswordHasher> = fixtures().into_iter().map(|f| f.0).collect();
    for h in PasswordHasher::ALL {
        assert_eq!(
            covered.contains(&h),
            h.is_verifiable_offline(),
            "{h}: fixtures for every hasher that can be verified"
        );
    }
}

#[test]
fn fixtures_pass_the_format_check() {
    for (hasher, _, digest) in fixtures() {
        if let Err(e) = check_digest(hasher, &digest) {
            panic!("{hasher} fixture refused: {e}");
        }
    }
}

#[test]
fn fixtures_verify_with_their_password_and_fail_with_wrong_ones() {
    for (hasher, password, digest) in fixtures() {
        assert_eq!(
            verify(hasher, &digest, &password),
            Ok(true),
            "{hasher}: the right password ({password:?})"
        );
        for wrong in wrong_passwords(&password) {
            if wrong == password {
                continue;
            }
            assert_eq!(
                verify(hasher, &digest, &wrong),
                Ok(false),
                "{hasher}: a wrong password ({wrong:?}) for {password:?}"
            );
        }
    }
}

#[test]
fn a_digest_checked_for_another_hasher_does_not_verify() {
    // Same family, different computation: a hasher mix-up must not pass.
    for (hasher, password, digest) in fixtures() {
        let other = match hasher {
            PasswordHasher::Md5Salted => PasswordHasher::Sha256Salted,
            PasswordHasher::Pbkdf2Sha256Django => PasswordHasher::Pbkdf2Sha256,
            PasswordHasher::Md5Phpass if digest.starts_with("$P$") => PasswordHasher::Phpass,
            _ => continue,
        };
        let verified = verify(other, &digest, &password);
        if other == PasswordHasher::Phpass {
            // The same algorithm under both names.
            assert_eq!(verified, Ok(true));
        } else {
            assert_ne!(verified, Ok(true), "{hasher} digest checked as {other}");
        }
    }
}

#[test]
fn awscognito_digests_are_well_formed_but_unverifiable() {
    let digest = "awscognito#us-east-1_AbCdEf123#1example23456789#ada@example.com";
    assert_eq!(check_digest(PasswordHasher::Awscognito, digest), Ok(()));
    assert_eq!(
        verify(PasswordHasher::Awscognito, digest, "anything"),
        Err(VerifyError::Unverifiable(PasswordHasher::Awscognito))
    );
}

#[test]
fn digests_asking_for_absurd_work_are_not_computed() {
    let limits = Limits::default();
    let bcrypt31 = format!("$2b$31${}", "a".repeat(53));
    let argon_huge = "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";
    let phpass30 = format!("$P$S{}", "a".repeat(30));
    let werkzeug = format!("scrypt:1048576:16:1$salt${}", "ab".repeat(64));
    for (hasher, digest) in [
        (PasswordHasher::Bcrypt, bcrypt31.as_str()),
        (PasswordHasher::Argon2id, argon_huge),
        (PasswordHasher::Phpass, phpass30.as_str()),
        (PasswordHasher::ScryptWerkzeug, werkzeug.as_str()),
    ] {
        assert_eq!(check_digest(hasher, digest), Ok(()), "{hasher}");
        match verify_with_limits(hasher, digest, "pw", &limits) {
            Err(VerifyError::TooCostly { hasher: h, what }) => {
                assert_eq!(h, hasher);
                assert!(!what.contains(digest));
            }
            other => panic!("{hasher}: {other:?}"),
        }
    }
}

#[test]
fn password_digests_serialize_with_clerks_names() {
    let (hasher, password, digest) = fixtures().into_iter().next().unwrap();
    let stored = PasswordDigest::new(hasher, digest.clone()).unwrap();
    let json = serde_json::to_value(&stored).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"hasher": hasher.as_str(), "digest": digest})
    );
    let back: PasswordDigest = serde_json::from_value(json).unwrap();
    assert_eq!(back, stored);
    assert_eq!(back.verify(&password), Ok(true));
    assert!(!format!("{back:?}").contains(&digest));
    let unknown = serde_json::json!({"hasher": "rot13", "digest": "x"});
    assert!(serde_json::from_value::<PasswordDigest>(unknown).is_err());
}
