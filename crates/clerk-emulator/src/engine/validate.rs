//! Format checks on single values, with Clerk's error for each.
#![allow(
    clippy::result_large_err,
    reason = "a rejected value is the cold path; its error item goes straight into the answer"
)]

use crate::error::{ApiError, ErrorItem};

pub fn email(param: &str, value: &str) -> Result<(), ErrorItem> {
    let ok = value.len() <= 320
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::email_invalid(param))
    }
}

/// E.164: `+`, a non-zero digit, then 6 to 14 more digits.
pub fn phone(param: &str, value: &str) -> Result<(), ErrorItem> {
    let digits = value.strip_prefix('+').unwrap_or("");
    let ok = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(())
    } else {
        Err(ApiError::phone_invalid(param))
    }
}

pub fn web3_wallet(param: &str, value: &str) -> Result<(), ErrorItem> {
    let ok = value
        .strip_prefix("0x")
        .is_some_and(|hex| hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(ApiError::web3_wallet_invalid(param))
    }
}

/// Clerk's default username rules: 4 to 64 characters, letters, digits, `_` and `-`, not only
/// digits.
pub fn username(param: &str, value: &str) -> Result<(), ErrorItem> {
    let len = value.chars().count();
    if !(4..=64).contains(&len) {
        return Err(ApiError::username_length(param, 4, 64));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ApiError::username_character(param));
    }
    if value.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::username_needs_non_number(param));
    }
    Ok(())
}

/// A few of the most breached passwords, refused as Clerk refuses any breached password.
const PWNED: &[&str] = &[
    "password",
    "password1",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyuiop",
    "11111111",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "abc12345",
    "qwerty123",
    "password123",
];

pub fn password(param: &str, value: &str, skip_checks: bool) -> Result<(), ErrorItem> {
    if value.len() > 72 {
        return Err(ApiError::password_too_long(param));
    }
    if skip_checks {
        return Ok(());
    }
    if value.chars().count() < 8 {
        return Err(ApiError::password_too_short(param, 8));
    }
    if PWNED.contains(&value.to_lowercase().as_str()) {
        return Err(ApiError::password_pwned(param));
    }
    Ok(())
}

pub fn slug(param: &str, value: &str) -> Result<(), ErrorItem> {
    let ok = !value.is_empty()
        && value.len() <= 256
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::slug_invalid(param))
    }
}

/// Organization names: not blank, at most 256 characters, no URLs or HTML.
pub fn org_name(param: &str, value: &str) -> Result<(), ErrorItem> {
    let reason = if value.trim().is_empty() {
        Some("it must not be blank")
    } else if value.chars().count() > 256 {
        return Err(ApiError::param_too_long(param, 256));
    } else if value.contains('<') && value.contains('>') {
        Some("it must not contain HTML")
    } else if value.contains("://") || value.to_lowercase().contains("www.") {
        Some("it must not contain URLs")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(ApiError::org_name_invalid(param, value, reason)),
    }
}

/// An RFC 3339 date-time, as Unix milliseconds.
pub fn rfc3339_ms(param: &str, value: &str) -> Result<i64, ErrorItem> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| ApiError::invalid_time(param))
}

/// Collects results of checks into the list of problems.
pub fn collect(errors: &mut Vec<ErrorItem>, r: Result<(), ErrorItem>) {
    if let Err(e) = r {
        errors.push(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("e", "ada@example.com").is_ok());
        assert!(email("e", "a+b.c@sub.example.co").is_ok());
        for bad in [
            "", "ada", "ada@", "@x.io", "a b@x.io", "a@x", "a@@x.io", "a@x..io",
        ] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_and_wallets() {
        assert!(phone("p", "+15555550100").is_ok());
        assert!(phone("p", "5555550100").is_err());
        assert!(phone("p", "+0555").is_err());
        assert!(web3_wallet("w", &format!("0x{}", "a".repeat(40))).is_ok());
        assert!(web3_wallet("w", "0x12").is_err());
    }

    #[test]
    fn usernames_passwords_slugs_names() {
        assert!(username("u", "ada_l").is_ok());
        assert_eq!(
            username("u", "ab").unwrap_err().code(),
            "form_username_invalid_length"
        );
        assert_eq!(
            username("u", "a b c d").unwrap_err().code(),
            "form_username_invalid_character"
        );
        assert_eq!(
            username("u", "12345").unwrap_err().code(),
            "form_username_needs_non_number_char"
        );
        assert_eq!(
            password("p", "short", false).unwrap_err().code(),
            "form_password_length_too_short"
        );
        assert_eq!(
            password("p", "Password", false).unwrap_err().code(),
            "form_password_pwned"
        );
        assert!(password("p", "short", true).is_ok());
        assert!(slug("s", "acme-inc-2").is_ok());
        assert!(slug("s", "Acme").is_err());
        assert!(org_name("name", "Acme").is_ok());
        assert!(org_name("name", "<b>x</b>").is_err());
        assert!(org_name("name", "see https://x.io").is_err());
        assert_eq!(
            rfc3339_ms("t", "2012-10-20T07:15:20.902Z").unwrap(),
            1_350_717_320_902
        );
        assert!(rfc3339_ms("t", "yesterday").is_err());
    }
}
