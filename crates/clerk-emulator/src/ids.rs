//! Clerk-style identifiers: a prefix such as `user_` and 27 base62 characters.
//!
//! Clerk's IDs are KSUIDs: 160 bits, the first 32 of them seconds since the KSUID epoch
//! (2014-05-13), so that sorting IDs as strings sorts them by creation, and a current ID starts
//! with `2` or `3` as Clerk's do. Ours keep that layout and make the order strict inside one
//! process: after the seconds come 10 bits of milliseconds and a 22-bit sequence that breaks
//! ties within a millisecond, then 96 random bits.

use parking_lot::Mutex;

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Number of base62 characters after the prefix.
pub const ID_BODY_LEN: usize = 27;

/// Seconds from the Unix epoch to the KSUID epoch.
const KSUID_EPOCH: u64 = 1_400_000_000;

static LAST: Mutex<(u64, u32)> = Mutex::new((0, 0));

/// A new identifier with the given prefix (`"user"`, `"org"`, ...), e.g. `user_2xh...`.
pub fn new_id(prefix: &str) -> String {
    let (ms, seq) = {
        let mut last = LAST.lock();
        let now = crate::now_ms().max(0) as u64;
        if now > last.0 {
            *last = (now, 0);
        } else if last.1 >= 0x3f_ffff {
            // 4 million IDs in one millisecond: borrow the next millisecond.
            *last = (last.0 + 1, 0);
        } else {
            last.1 += 1;
        }
        *last
    };
    let secs = (ms / 1000).saturating_sub(KSUID_EPOCH) as u32;
    // 160-bit big-endian value: seconds (32) | millis (10) | seq (22) | random (96).
    let tail: u32 = (((ms % 1000) as u32) << 22) | (seq & 0x3f_ffff);
    let random: u128 = fastrand::u128(..);
    let mut bytes = [0u8; 20];
    bytes[0..4].copy_from_slice(&secs.to_be_bytes());
    bytes[4..8].copy_from_slice(&tail.to_be_bytes());
    bytes[8..20].copy_from_slice(&random.to_be_bytes()[4..16]);
    let mut out = String::with_capacity(prefix.len() + 1 + ID_BODY_LEN);
    out.push_str(prefix);
    out.push('_');
    out.extend(base62_fixed(bytes).iter().map(|&b| char::from(b)));
    out
}

/// 20 bytes as 27 base62 characters (an ID's body).
pub fn base62(n: [u8; 20]) -> String {
    base62_fixed(n).iter().map(|&b| char::from(b)).collect()
}

/// Encodes 20 bytes as exactly 27 base62 digits, most significant first.
///
/// Divides by 62^5 (which fits a `u32`) over five 32-bit limbs, then splits each remainder into
/// five digits: about 60 divisions per ID where digit-by-digit long division over the bytes
/// took 540, which made ID generation the largest cost of loading a large seed.
fn base62_fixed(n: [u8; 20]) -> [u8; ID_BODY_LEN] {
    const CHUNK: u64 = 62u64.pow(5);
    let mut limbs = [0u32; 5];
    for (limb, bytes) in limbs.iter_mut().zip(n.chunks_exact(4)) {
        *limb = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    let mut digits = [b'0'; ID_BODY_LEN];
    let mut end = ID_BODY_LEN;
    while end > 0 {
        let mut rem: u64 = 0;
        for limb in limbs.iter_mut() {
            // rem < 62^5 < 2^30, so acc < 2^62 and the quotient fits 32 bits.
            let acc = (rem << 32) | u64::from(*limb);
            *limb = (acc / CHUNK) as u32;
            rem = acc % CHUNK;
        }
        let mut rem = rem as u32;
        for _ in 0..5.min(end) {
            end -= 1;
            digits[end] = ALPHABET[(rem % 62) as usize];
            rem /= 62;
        }
    }
    digits
}

/// A random token of base62 characters (invitation tickets, trace ids).
pub fn token(len: usize) -> String {
    (0..len)
        .map(|_| ALPHABET[fastrand::usize(..62)] as char)
        .collect()
}

/// Whether `id` looks like an identifier of this kind: prefix, `_`, then base62 characters.
pub fn has_shape(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|body| !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_27_base62_chars() {
        for prefix in ["user", "org", "orgmem", "orginv", "inv", "idn"] {
            let id = new_id(prefix);
            let body = id.strip_prefix(prefix).unwrap().strip_prefix('_').unwrap();
            assert_eq!(body.len(), ID_BODY_LEN, "{id}");
            assert!(body.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
            assert!(has_shape(&id, prefix));
            assert!(
                body.starts_with(['2', '3', '4']),
                "KSUID-like, as Clerk's: {id}"
            );
        }
    }

    #[test]
    fn ids_sort_in_creation_order() {
        let ids: Vec<String> = (0..10_000).map(|_| new_id("user")).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn largest_value_fits_27_digits() {
        let s = base62_fixed([0xff; 20]);
        assert_eq!(s.len(), 27);
        assert!(s[0] != b'0');
    }

    /// Digit-by-digit long division over the bytes: slow and plainly right.
    fn base62_reference(mut n: [u8; 20]) -> [u8; ID_BODY_LEN] {
        let mut digits = [b'0'; ID_BODY_LEN];
        for slot in digits.iter_mut().rev() {
            let mut rem: u32 = 0;
            for byte in n.iter_mut() {
                let acc = (rem << 8) | u32::from(*byte);
                *byte = (acc / 62) as u8;
                rem = acc % 62;
            }
            *slot = ALPHABET[rem as usize];
        }
        digits
    }

    #[test]
    fn fast_encoding_matches_long_division() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut cases = vec![[0u8; 20], [0xff; 20]];
        cases.extend((0..10_000).map(|_| std::array::from_fn(|_| rng.u8(..))));
        for n in cases {
            assert_eq!(base62_fixed(n), base62_reference(n), "{n:?}");
        }
    }
}
