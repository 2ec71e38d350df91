//! Malformed digests are refused by the format check, with an error that says what is wrong
//! and repeats no part of the digest.

use std::collections::BTreeSet;

use clerk_passwords::{PasswordHasher, VerifyError, check_digest, verify};

use PasswordHasher as H;

const B53: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0";

fn cases() -> Vec<(PasswordHasher, String)> {
    let hex32 = "5f4dcc3b5aa765d61d8327deb882cf99";
    let hex64 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let firebase = |hash: &str, salt: &str, key: &str, sep: &str, rounds: &str, mem: &str| {
        [hash, salt, key, sep, rounds, mem].join("$")
    };
    let key64 =
        "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==";
    let s = |v: &str| v.to_owned();
    let mut out = vec![
        (
            H::Argon2i,
            s("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (
            H::Argon2i,
            s("$argon2i$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (
            H::Argon2i,
            s("$argon2i$v=19$t=1,m=64,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (
            H::Argon2i,
            s("$argon2i$v=19$m=4,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (
            H::Argon2i,
            s("$argon2i$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (
            H::Argon2id,
            s("$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (
            H::Argon2id,
            s("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (H::Argon2id, s("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ")),
        (
            H::Argon2id,
            s("argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
        ),
        (H::Awscognito, s("awscognito#us-east-1_AbC#client")),
        (
            H::Awscognito,
            s("cognito#us-east-1_AbC#client#ada@example.com"),
        ),
        (
            H::Awscognito,
            s("awscognito#useast1AbC#client#ada@example.com"),
        ),
        (H::Awscognito, s("awscognito#us-east-1_AbC#client#")),
        (H::Bcrypt, s("$2a$10$abc")),
        (H::Bcrypt, format!("$2c$10${B53}")),
        (H::Bcrypt, format!("$2b$03${B53}")),
        (H::Bcrypt, format!("$2b$32${B53}")),
        (H::Bcrypt, format!("$2b$1x${B53}")),
        (H::Bcrypt, format!("$2b$10${}!", &B53[..52])),
        (H::Bcrypt, format!("2b$10${B53}")),
        (H::Bcrypt, format!("$2b$10${B53}a")),
        (H::BcryptPeppered, format!("$2b$10${B53}")),
        (H::BcryptPeppered, format!("$2b$10${B53}$")),
        (H::BcryptPeppered, format!("$2b$10${}$pepper", &B53[..50])),
        (H::BcryptSha256Django, format!("$2b$10${B53}")),
        (H::BcryptSha256Django, format!("bcrypt_sha256$2b$10${B53}")),
        (H::HmacSha256Utf16B64, s("hmac_sha256$c2FsdA==$key")),
        (
            H::HmacSha256Utf16B64,
            s("hmac_sha256_utf16_b64$c2FsdA==$key"),
        ),
        (
            H::HmacSha256Utf16B64,
            s("hmac_sha256_utf16_b64$not base64!$key"),
        ),
        (
            H::HmacSha256Utf16B64,
            s("hmac_sha256_utf16_b64$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1Q="),
        ),
        (
            H::HmacSha256Utf16B64,
            s("hmac_sha256_utf16_b64$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1Q=$"),
        ),
        (H::LdapSsha, s("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")),
        (H::LdapSsha, s("{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")),
        (H::LdapSsha, s("{SSHA}not base64 at all")),
        (H::Md5, hex32[..31].to_owned()),
        (H::Md5, format!("{}g", &hex32[..31])),
        (H::Md5, s(hex64)),
        (H::Md5, format!("{}é", &hex32[..31])),
        (H::Bcrypt, format!("$2b$10${}é", &B53[..52])),
        (H::Phpass, format!("$P$9{}é", "a".repeat(29))),
        (H::Md5Salted, s(hex32)),
        (H::Md5Salted, format!("${hex32}")),
        (H::Md5Salted, format!("{hex32}$saltsalt")),
        (H::Md5Phpass, format!("$X$9{}", "a".repeat(30))),
        (H::Phpass, format!("$H$9{}", "a".repeat(30))),
        (H::Phpass, format!("$P$9{}", "a".repeat(29))),
        (H::Phpass, format!("$P$.{}", "a".repeat(30))),
        (H::Phpass, format!("$P$9{}!", "a".repeat(29))),
        (
            H::Pbkdf2Sha1,
            format!("pbkdf2_sha1$1000$73616c74${}", "ab".repeat(20)),
        ),
        (
            H::Pbkdf2Sha1,
            format!("pbkdf2_sha1$1000$salt${}", "zz".repeat(32)),
        ),
        (
            H::Pbkdf2Sha1,
            format!("pbkdf2_sha1$0$salt${}", "ab".repeat(32)),
        ),
        (
            H::Pbkdf2Sha1,
            format!("pbkdf2_sha1$-5$salt${}", "ab".repeat(32)),
        ),
        (
            H::Pbkdf2Sha1,
            format!("pbkdf2_sha1$1000$salt${}$0", "ab".repeat(32)),
        ),
        (H::Pbkdf2Sha256, s("pbkdf2_sha256$1000$!!$c2FsdHNhbHQ=")),
        (H::Pbkdf2Sha256, s("pbkdf2_sha256$1000$c2FsdHNhbHQ=")),
        (
            H::Pbkdf2Sha256,
            s("pbkdf2_sha512$1000$c2FsdHNhbHQ=$c2FsdHNhbHQ="),
        ),
        (H::Pbkdf2Sha256, s("pbkdf2_sha256$1000$$c2FsdHNhbHQ=")),
        (
            H::Pbkdf2Sha256Django,
            s("pbkdf2_sha256$1000$salt$not*base64"),
        ),
        (
            H::Pbkdf2Sha256Django,
            s("pbkdf2_sha256$many$salt$c2FsdHNhbHQ="),
        ),
        (
            H::Pbkdf2Sha512,
            format!("pbkdf2_sha512$420000$salt${}", "ab".repeat(64)),
        ),
        (H::Pbkdf2Sha512, s("pbkdf2_sha512$1000$salt$c2FsdHNhbHQ=")),
        (
            H::Pbkdf2Sha512,
            format!(
                "pbkdf2_sha512$1000${}${}",
                "s".repeat(1024),
                "ab".repeat(64)
            ),
        ),
        (
            H::Pbkdf2Sha512Hex,
            format!("pbkdf2_sha512_hex$1000$salt${}", "ab".repeat(64)),
        ),
        (
            H::Pbkdf2Sha512Hex,
            format!("pbkdf2_sha512$1000$abcd${}", "ab".repeat(64)),
        ),
        (
            H::ScryptFirebase,
            [key64, "c2FsdA==", key64, "Bw==", "8"].join("$"),
        ),
        (
            H::ScryptFirebase,
            firebase(key64, "c2FsdA==", key64, "Bw==", "9", "14"),
        ),
        (
            H::ScryptFirebase,
            firebase(key64, "c2FsdA==", key64, "Bw==", "8", "15"),
        ),
        (
            H::ScryptFirebase,
            firebase(key64, "c2FsdA==", key64, "Bw==", "0", "14"),
        ),
        (
            H::ScryptFirebase,
            firebase("c2FsdA==", "c2FsdA==", key64, "Bw==", "8", "14"),
        ),
        (
            H::ScryptFirebase,
            firebase(key64, "not base64!", key64, "Bw==", "8", "14"),
        ),
        (
            H::ScryptFirebase,
            firebase(key64, "", key64, "Bw==", "8", "14"),
        ),
        (
            H::ScryptWerkzeug,
            format!("pbkdf2:sha256:600000$salt${}", "ab".repeat(32)),
        ),
        (
            H::ScryptWerkzeug,
            format!("scrypt:1000:8:1$salt${}", "ab".repeat(64)),
        ),
        (
            H::ScryptWerkzeug,
            format!("scrypt:1024:8$salt${}", "ab".repeat(64)),
        ),
        (H::ScryptWerkzeug, s("scrypt:1024:8:1$salt$c2FsdHNhbHQ=")),
        (
            H::ScryptWerkzeug,
            format!("scrypt:1024:8:1${}", "ab".repeat(64)),
        ),
        (H::Sha256, s(hex32)),
        (H::Sha256, format!("{}Z", &hex64[..63])),
        (H::Sha256Salted, format!("{hex64}$salt")),
        (H::Sha256Salted, format!("salt${hex32}")),
        (
            H::Sha512Symfony,
            s("sha512_symfony$5000$s{a}lt$c2FsdHNhbHQ="),
        ),
        (H::Sha512Symfony, s("sha512_symfony$5000$salt$c2FsdHNhbHQ=")),
        (H::Sha512Symfony, s("sha512_symfony$0$salt$c2FsdHNhbHQ=")),
        (H::Sha512Symfony, s("sha512$5000$salt$c2FsdHNhbHQ=")),
    ];
    // Whatever the hasher: empty, padded with whitespace, holding a control character.
    for h in PasswordHasher::ALL {
        out.push((h, String::new()));
        out.push((h, format!(" {hex32}")));
        out.push((h, format!("{hex32}\n")));
        out.push((h, format!("{}\u{0}{}", &hex32[..4], &hex32[4..])));
    }
    out
}

#[test]
fn malformed_digests_are_refused() {
    let mut covered = BTreeSet::new();
    for (hasher, digest) in cases() {
        let e = match check_digest(hasher, &digest) {
            Ok(()) => panic!("{hasher}: accepted a malformed digest"),
            Err(e) => e,
        };
        covered.insert(hasher);
        assert_eq!(e.hasher(), hasher);
        assert_eq!(e.expected(), hasher.format());
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("not a valid {hasher} digest: ")),
            "{shown}"
        );
        assert!(!e.problem().is_empty());
        // Verification refuses it the same way, before computing anything.
        assert_eq!(
            verify(hasher, &digest, "pw"),
            Err(VerifyError::Digest(e.clone()))
        );
        // No part of the digest is repeated, beyond the format's own words.
        if !digest.is_empty() {
            assert!(!shown.contains(&digest), "{hasher}: {shown}");
        }
        let secret = |p: &&str| p.len() >= 6 && !p.bytes().all(|b| b.is_ascii_digit());
        for part in digest.split(['$', '#', ',']).filter(secret) {
            let in_format = hasher.format().contains(part) || hasher.as_str().contains(part);
            assert!(
                in_format || !shown.contains(part),
                "{hasher}: {shown} repeats {part:?}"
            );
        }
    }
    assert_eq!(covered.len(), PasswordHasher::ALL.len());
}

#[test]
fn errors_say_what_is_wrong() {
    let problem = |h, d: &str| check_digest(h, d).unwrap_err().problem().to_owned();
    assert_eq!(
        problem(H::Md5, "abc"),
        "the hash is 3 characters long, not 32"
    );
    assert_eq!(
        problem(
            H::Argon2i,
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ),
        "it names another argon2 variant, not argon2i; set password_hasher to the variant the digest names"
    );
    assert_eq!(
        problem(H::Bcrypt, &format!("$2b$03${B53}")),
        "the cost is 3, not between 04 and 31"
    );
    assert_eq!(
        problem(
            H::Pbkdf2Sha1,
            &format!("pbkdf2_sha1$1000$salt${}", "ab".repeat(20))
        ),
        "the hash is 20 bytes but the key length is 32 (the default; give the key length as a fifth part)"
    );
    assert_eq!(
        problem(H::ScryptFirebase, "a$b"),
        "it has 2 `$`-separated parts, not 6"
    );
}
