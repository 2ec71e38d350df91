//! Seed files: users, organizations, memberships and invitations to load at start.
//!
//! ```json
//! {
//!   "roles": [{"key": "org:billing", "name": "Billing", "permissions": ["org:sys_billing:manage"]}],
//!   "users": [{"id": "user_...", "email_address": ["ada@example.com"], "first_name": "Ada"}],
//!   "organizations": [{"id": "org_...", "name": "Acme", "slug": "acme", "created_by": "user_..."}],
//!   "memberships": [{"organization_id": "acme", "user_id": "user_...", "role": "org:member"}],
//!   "organization_invitations": [{"organization_id": "org_...", "email_address": "x@example.com", "role": "org:member"}],
//!   "invitations": [{"email_address": "y@example.com", "status": "accepted"}]
//! }
//! ```
//!
//! Each entry is the body of the matching create request, checked the same way, plus a few
//! fields only a seed may set: `id`, `last_active_at`, `last_sign_in_at` and
//! `external_accounts` on users, `admin_delete_enabled` on organizations, `organization_id`
//! (an ID or slug) on memberships and organization invitations, `status` on invitations.
//! Users (members, organization creators) may be referred to by ID or by email address. Everything loads in one transaction.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::engine::state::{Changes, State};
use crate::engine::{
    CreateInvitation, CreateMembership, CreateOrgInvitation, CreateOrganization, CreateUser, Engine,
};
use crate::error::ApiError;
use crate::model::Role;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    pub roles: Vec<Role>,
    pub users: Vec<CreateUser>,
    pub organizations: Vec<CreateOrganization>,
    pub memberships: Vec<CreateMembership>,
    pub organization_invitations: Vec<CreateOrgInvitation>,
    pub invitations: Vec<CreateInvitation>,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("seed file {path} is not valid: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("seed file {path}: {what}[{index}] was refused: {error}")]
    Refused {
        path: String,
        what: &'static str,
        index: usize,
        error: ApiError,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl Seed {
    pub fn from_file(path: &std::path::Path) -> Result<Seed, SeedError> {
        let shown = path.display().to_string();
        let text = read(path)?;
        serde_json::from_slice(&text).map_err(|source| SeedError::Parse {
            path: shown,
            source,
        })
    }
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, SeedError> {
    std::fs::read(path).map_err(|source| SeedError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// What [`Engine::load_seed_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The instance was empty and now holds the seed.
    Applied,
    /// The instance already held records: only the seed's roles were added.
    RolesOnly,
}

impl Engine {
    /// Loads a seed, checking each entry as the Backend API would. Entries are applied in
    /// order (roles, users, organizations, memberships, invitations); the first refusal stops
    /// the load and says which entry it was. Records loaded before it stay.
    pub fn load_seed(&self, mut seed: Seed, path: &str) -> Result<(), SeedError> {
        self.add_roles(std::mem::take(&mut seed.roles));
        self.seed_write(|st, ch, now| {
            for (i, u) in std::mem::take(&mut seed.users).into_iter().enumerate() {
                crate::engine::seed_user(st, ch, u, now)
                    .map_err(|e| refused(path, "users", i, e))?;
            }
            apply_after_users(st, ch, seed, now, path)
        })
    }

    /// Loads a seed file as [`Engine::load_seed`] would load [`Seed::from_file`]'s answer,
    /// if the instance is empty; otherwise checks the file the same way and adds only its roles
    /// (a data file that holds records was seeded when it was new).
    ///
    /// Users are applied as they are read rather than collected first, so that loading a
    /// large seed needs little more memory than the instance it makes. A file that turns out
    /// not to be a valid seed leaves nothing behind, as before.
    pub fn load_seed_file(&self, path: &std::path::Path) -> Result<SeedOutcome, SeedError> {
        let shown = path.display().to_string();
        // Read whole, as `Seed::from_file` does: a reader would save the file's size while
        // loading, but parses slower and places some errors a column further on.
        let text = read(path)?;
        let mut outcome = SeedOutcome::Applied;
        self.seed_write(|st, ch, now| {
            let empty = st.is_empty();
            if !empty {
                outcome = SeedOutcome::RolesOnly;
            }
            let mut refusal = None;
            let mut index = 0;
            let parsed = parse_streaming(&text, |user| {
                if empty
                    && refusal.is_none()
                    && let Err(e) = crate::engine::seed_user(st, ch, user, now)
                {
                    refusal = Some(refused(&shown, "users", index, e));
                }
                index += 1;
            });
            let mut rest = match parsed {
                Ok(rest) => rest,
                Err(source) => {
                    if empty {
                        // Not a seed after all: forget the users read so far.
                        st.clear_records();
                        ch.clear();
                    }
                    return Err(SeedError::Parse {
                        path: shown.clone(),
                        source,
                    });
                }
            };
            st.add_roles(std::mem::take(&mut rest.roles));
            if let Some(e) = refusal {
                return Err(e);
            }
            if !empty {
                return Ok(());
            }
            apply_after_users(st, ch, rest, now, &shown)
        })?;
        Ok(outcome)
    }
}

impl Engine {
    /// Loads seed files: a seed (the JSON above) or clerkctl's exports (`users export`, `orgs
    /// export`, `members export`; ndjson or CSV), several together as one seed, if the instance
    /// is empty; otherwise only their roles (see [`Engine::load_seed_file`]). One seed file
    /// alone is streamed as [`Engine::load_seed_file`] streams it.
    pub fn load_seed_files(&self, paths: &[std::path::PathBuf]) -> Result<SeedOutcome, SeedError> {
        let mut all = Seed::default();
        for path in paths {
            let text = read(path)?;
            let seed = match crate::seed_export::read(path, &text)? {
                Some(seed) => seed,
                None if paths.len() == 1 => return self.load_seed_file(path),
                None => serde_json::from_slice(&text).map_err(|source| SeedError::Parse {
                    path: path.display().to_string(),
                    source,
                })?,
            };
            all.roles.extend(seed.roles);
            all.users.extend(seed.users);
            all.organizations.extend(seed.organizations);
            all.memberships.extend(seed.memberships);
            all.organization_invitations
                .extend(seed.organization_invitations);
            all.invitations.extend(seed.invitations);
        }
        if self.counts().iter().any(|n| *n > 0) {
            self.add_roles(all.roles);
            return Ok(SeedOutcome::RolesOnly);
        }
        crate::seed_export::drop_unknown_creators(&mut all, |_| false);
        let shown = paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        self.load_seed(all, &shown)?;
        Ok(SeedOutcome::Applied)
    }
}

fn refused(path: &str, what: &'static str, index: usize, error: ApiError) -> SeedError {
    SeedError::Refused {
        path: path.to_owned(),
        what,
        index,
        error,
    }
}

/// A seed's organizations, memberships and invitations, after the users they refer to.
fn apply_after_users(
    st: &mut State,
    ch: &mut Changes,
    rest: Seed,
    now: i64,
    path: &str,
) -> Result<(), SeedError> {
    for (i, o) in rest.organizations.into_iter().enumerate() {
        crate::engine::seed_org(st, ch, o, now)
            .map_err(|e| refused(path, "organizations", i, e))?;
    }
    for (i, m) in rest.memberships.into_iter().enumerate() {
        crate::engine::seed_membership(st, ch, m, now)
            .map_err(|e| refused(path, "memberships", i, e))?;
    }
    for (i, inv) in rest.organization_invitations.into_iter().enumerate() {
        crate::engine::seed_org_invitation(st, ch, inv, now)
            .map_err(|e| refused(path, "organization_invitations", i, e))?;
    }
    for (i, inv) in rest.invitations.into_iter().enumerate() {
        crate::engine::seed_invitation(st, ch, inv, now)
            .map_err(|e| refused(path, "invitations", i, e))?;
    }
    Ok(())
}

// ---- reading a seed file with its users streamed ------------------------------------------------
//
// The derived `Deserialize` of `Seed` would hold every user of the file at once (about 1 KB
// each, on top of the instance being built). This reads the same document with the same checks
// and the same errors (unknown and repeated fields, types, trailing characters), handing each
// user to a sink as soon as it is read.

const FIELDS: &[&str] = &[
    "roles",
    "users",
    "organizations",
    "memberships",
    "organization_invitations",
    "invitations",
];

fn parse_streaming(text: &[u8], sink: impl FnMut(CreateUser)) -> serde_json::Result<Seed> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let seed = StreamedSeed { sink }.deserialize(&mut de)?;
    de.end()?;
    Ok(seed)
}

struct StreamedSeed<F> {
    sink: F,
}

impl<'de, F: FnMut(CreateUser)> DeserializeSeed<'de> for StreamedSeed<F> {
    type Value = Seed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Seed, D::Error> {
        d.deserialize_struct("Seed", FIELDS, self)
    }
}

impl<'de, F: FnMut(CreateUser)> Visitor<'de> for StreamedSeed<F> {
    type Value = Seed;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("struct Seed")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Seed, A::Error> {
        let mut seed = Seed::default();
        // A struct may be written as an array of its fields, in order; missing ones default.
        let Some(roles) = seq.next_element()? else {
            return Ok(seed);
        };
        seed.roles = roles;
        if seq
            .next_element_seed(StreamedUsers {
                sink: &mut self.sink,
            })?
            .is_none()
        {
            return Ok(seed);
        }
        macro_rules! next {
            ($field:expr) => {
                match seq.next_element()? {
                    Some(v) => $field = v,
                    None => return Ok(seed),
                }
            };
        }
        next!(seed.organizations);
        next!(seed.memberships);
        next!(seed.organization_invitations);
        next!(seed.invitations);
        Ok(seed)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Seed, A::Error> {
        let mut seed = Seed::default();
        let mut seen = [false; FIELDS.len()];
        while let Some(Field(i)) = map.next_key()? {
            if std::mem::replace(&mut seen[i], true) {
                return Err(de::Error::duplicate_field(FIELDS[i]));
            }
            match i {
                0 => seed.roles = map.next_value()?,
                1 => map.next_value_seed(StreamedUsers {
                    sink: &mut self.sink,
                })?,
                2 => seed.organizations = map.next_value()?,
                3 => seed.memberships = map.next_value()?,
                4 => seed.organization_invitations = map.next_value()?,
                _ => seed.invitations = map.next_value()?,
            }
        }
        Ok(seed)
    }
}

/// A key of the seed object, as an index into `FIELDS`. An unknown key is refused while the
/// key is read, as the derived code does, so that the error points at the same column.
struct Field(usize);

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        d.deserialize_identifier(FieldVisitor)
    }
}

struct FieldVisitor;

impl Visitor<'_> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
        FIELDS
            .iter()
            .position(|f| *f == key)
            .map(Field)
            .ok_or_else(|| E::unknown_field(key, FIELDS))
    }
}

struct StreamedUsers<'s, F> {
    sink: &'s mut F,
}

impl<'de, F: FnMut(CreateUser)> DeserializeSeed<'de> for StreamedUsers<'_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(CreateUser)> Visitor<'de> for StreamedUsers<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(user) = seq.next_element::<CreateUser>()? {
            (self.sink)(user);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the derived `Deserialize` of `Seed` says of a document, and what the streamed
    /// reader says: the same verdict, the same message (with line and column), the same users.
    fn both(text: &str) -> (Result<Seed, String>, Result<Seed, String>) {
        let derived = serde_json::from_str::<Seed>(text).map_err(|e| e.to_string());
        let mut users = Vec::new();
        let streamed = parse_streaming(text.as_bytes(), |u| users.push(u))
            .map(|mut seed| {
                seed.users = std::mem::take(&mut users);
                seed
            })
            .map_err(|e| e.to_string());
        (derived, streamed)
    }

    fn summary(seed: &Result<Seed, String>) -> String {
        match seed {
            Ok(s) => format!(
                "ok roles={:?} users={:?} orgs={} memberships={} org_invitations={} invitations={}",
                s.roles.iter().map(|r| &r.key).collect::<Vec<_>>(),
                s.users.iter().map(|u| &u.email_address).collect::<Vec<_>>(),
                s.organizations.len(),
                s.memberships.len(),
                s.organization_invitations.len(),
                s.invitations.len()
            ),
            Err(e) => format!("error {e}"),
        }
    }

    #[test]
    fn the_streamed_reader_agrees_with_the_derived_one() {
        let cases = [
            r#"{}"#,
            r#"{"users": [{"email_address": ["a@example.com"]}, {"email_address": ["b@example.com"]}]}"#,
            r#"{"invitations": [{"email_address": "y@example.com"}], "roles": [{"key": "org:x", "name": "X"}],
                "users": [{"email_address": ["a@example.com"]}], "organizations": [{"name": "Acme"}],
                "memberships": [{"organization_id": "acme", "user_id": "a@example.com", "role": "org:x"}],
                "organization_invitations": [{"organization_id": "acme", "email_address": "z@example.com", "role": "org:x"}]}"#,
            r#"[[], [{"email_address": ["a@example.com"]}], [{"name": "Acme"}]]"#,
            r#"[]"#,
            r#"{"people": []}"#,
            r#"{"users": [], "users": []}"#,
            r#"{"users": null}"#,
            r#"{"users": {}}"#,
            r#"{"users": [{"email_address": ["a@example.com"]}, {"first_name": 5}]}"#,
            r#"{"users": [{"email_address": ["a@example.com"]}]} trailing"#,
            r#"{"users": [{"email_address": ["a@example.com"]}"#,
            r#"{"us\u0065rs": [{"email_address": ["a@example.com"]}]}"#,
            r#"null"#,
            "",
        ];
        for text in cases {
            let (derived, streamed) = both(text);
            assert_eq!(summary(&derived), summary(&streamed), "{text}");
        }
    }

    #[test]
    fn a_file_that_is_not_a_seed_leaves_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("seed-test-{}", crate::ids::token(8)));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("seed.json");
        // The second user is refused, and the file turns out not to be JSON after it: the file
        // is refused as a whole, as when it was read before anything was applied.
        std::fs::write(
            &path,
            r#"{"users": [{"email_address": ["a@example.com"]}, {"email_address": ["A@example.com"]},
                          {"email_address": ["b@example.com"]}], oops}"#,
        )
        .unwrap();
        let engine = Engine::in_memory(Role::defaults());
        let e = engine.load_seed_file(&path).unwrap_err();
        assert!(matches!(e, SeedError::Parse { .. }), "{e}");
        assert_eq!(engine.counts(), [0; 5]);

        std::fs::write(
            &path,
            r#"{"users": [{"email_address": ["a@example.com"]}, {"email_address": ["A@example.com"]},
                          {"email_address": ["b@example.com"]}]}"#,
        )
        .unwrap();
        let e = engine.load_seed_file(&path).unwrap_err();
        assert!(
            matches!(
                e,
                SeedError::Refused {
                    what: "users",
                    index: 1,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(
            engine.counts(),
            [1, 0, 0, 0, 0],
            "users before the refused one stay"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
