//! JWT templates: list, get, create, update, delete.

use clerk_api::Request;
use clerk_api::models::{DeletedObject, JwtTemplate};
use clerk_api::request::One;
use clerk_api::resources::{CreateJwtTemplate, UpdateJwtTemplate};

use super::{Change, Listing, Object, Read, Write, check, nothing_to_change, set_some};
use crate::fail::{CliResult, Subject, usage};

/// `jwt-templates list`, newest first.
pub fn list() -> Listing<JwtTemplate> {
    Listing::new("jwt-templates list", Subject::JwtTemplate, |c| {
        c.jwt_templates().list()
    })
}

/// `jwt-templates get`.
pub fn get(template_id: &str) -> CliResult<Read<One<JwtTemplate>>> {
    let id = check::jwt_template_id(template_id)?;
    Ok(Read::new(
        format!("jwt-templates get {id}"),
        Subject::JwtTemplate,
        move |c| c.jwt_templates().get(&id),
    ))
}

/// A template's settings besides its name and claims: Clerk's fields.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Seconds a token lives: 30 to 315360000.
    pub lifetime: Option<i64>,
    /// Seconds of clock skew allowed: 0 to 300.
    pub allowed_clock_skew: Option<i64>,
    /// Sign with the template's own key (`signing_algorithm`, `signing_key`).
    pub custom_signing_key: Option<bool>,
    pub signing_algorithm: Option<String>,
    /// The custom key (a secret: never printed, masked in the audit log).
    pub signing_key: Option<String>,
}

impl Settings {
    fn checked(self) -> CliResult<Settings> {
        if let Some(l) = self.lifetime {
            check::token_lifetime(l)?;
        }
        if let Some(s) = self.allowed_clock_skew
            && !(0..=300).contains(&s)
        {
            return Err(usage(format!(
                "allowed clock skew {s} is outside 0 to 300 seconds"
            )));
        }
        Ok(self)
    }

    fn is_empty(&self) -> bool {
        self.lifetime.is_none()
            && self.allowed_clock_skew.is_none()
            && self.custom_signing_key.is_none()
            && self.signing_algorithm.is_none()
            && self.signing_key.is_none()
    }
}

macro_rules! apply_settings {
    ($req:ident, $s:expr) => {{
        let s = $s;
        set_some!($req,
            lifetime: s.lifetime,
            allowed_clock_skew: s.allowed_clock_skew,
            custom_signing_key: s.custom_signing_key,
            signing_algorithm: s.signing_algorithm.clone(),
            signing_key: s.signing_key.clone(),
        );
    }};
}

/// A new template.
#[derive(Debug, Clone, Default)]
pub struct Create {
    pub name: String,
    /// The claims, with Clerk's shortcodes (`{{user.id}}`, ...).
    pub claims: Object,
    pub settings: Settings,
}

fn name(n: &str) -> CliResult<String> {
    let n = n.trim();
    if n.is_empty() {
        return Err(usage(
            "a JWT template needs a name (tokens are asked for by it)",
        ));
    }
    Ok(n.to_owned())
}

/// `jwt-templates create`.
pub fn create(input: Create) -> CliResult<Write<CreateJwtTemplate>> {
    let name = name(&input.name)?;
    let settings = input.settings.checked()?;
    let claims = input.claims;
    let change = Change::new(
        format!("create JWT template {name:?}"),
        Subject::JwtTemplate,
        None,
    );
    Ok(Write::new(change, move |c| {
        let mut req = c.jwt_templates().create(name.clone(), &claims);
        apply_settings!(req, &settings);
        req
    }))
}

/// A template's changes. Clerk needs the name and the claims on every update: those not given
/// are the template's current ones, read first (`current`).
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub template_id: String,
    pub name: Option<String>,
    pub claims: Option<Object>,
    pub settings: Settings,
}

impl Update {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.claims.is_none() && self.settings.is_empty()
    }

    /// Whether the current template must be read first (for its name or claims).
    pub fn needs_current(&self) -> bool {
        self.name.is_none() || self.claims.is_none()
    }
}

/// `jwt-templates update`; `current` is the template as read, when [`Update::needs_current`].
pub fn update(input: Update, current: Option<&JwtTemplate>) -> CliResult<Write<UpdateJwtTemplate>> {
    let id = check::jwt_template_id(&input.template_id)?;
    if input.is_empty() {
        return Err(nothing_to_change(
            "name, claims, lifetime, allowed_clock_skew, custom_signing_key, signing_algorithm, signing_key",
        ));
    }
    let name = match (&input.name, current) {
        (Some(n), _) => name(n)?,
        (None, Some(t)) => t.name.clone(),
        (None, None) => return Err(usage("the template's current name is needed")),
    };
    let claims = match (input.claims, current) {
        (Some(c), _) => c,
        (None, Some(t)) => t.claims.clone(),
        (None, None) => return Err(usage("the template's current claims are needed")),
    };
    let settings = input.settings.checked()?;
    let change = Change::new(
        format!("update JWT template {id}"),
        Subject::JwtTemplate,
        Some(id.as_str()),
    );
    Ok(Write::new(change, move |c| {
        let mut req: Request<'_, UpdateJwtTemplate> =
            c.jwt_templates().update(&id, name.clone(), &claims);
        apply_settings!(req, &settings);
        req
    }))
}

/// `jwt-templates delete`: tokens are no longer minted from it.
pub fn delete(template_id: &str) -> CliResult<Write<One<DeletedObject>>> {
    let id = check::jwt_template_id(template_id)?;
    let change = Change::new(
        format!("delete JWT template {id}"),
        Subject::JwtTemplate,
        Some(id.as_str()),
    )
    .destructive();
    Ok(Write::new(change, move |c| c.jwt_templates().delete(&id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::test_client;
    use serde_json::json;

    #[test]
    fn an_update_keeps_the_current_name_and_claims() {
        let current: JwtTemplate = serde_json::from_value(json!({
            "object": "jwt_template", "id": "jtmp_1", "name": "hasura",
            "claims": {"a": "{{user.id}}"}, "lifetime": 60,
        }))
        .unwrap();
        let input = Update {
            template_id: "jtmp_1".into(),
            settings: Settings {
                lifetime: Some(600),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(input.needs_current());
        let op = update(input, Some(&current)).unwrap();
        let c = test_client();
        let req = op.request(&c);
        assert_eq!(req.spec().path, "/jwt_templates/jtmp_1");
        assert_eq!(
            req.spec().body,
            Some(json!({"name": "hasura", "claims": {"a": "{{user.id}}"}, "lifetime": 600}))
        );
        let empty = Update {
            template_id: "jtmp_1".into(),
            ..Default::default()
        };
        assert!(update(empty, Some(&current)).is_err());
    }

    #[test]
    fn bad_settings_and_ids_are_refused() {
        let bad = Create {
            name: "x".into(),
            settings: Settings {
                allowed_clock_skew: Some(301),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(create(bad).is_err());
        assert!(
            create(Create {
                name: " ".into(),
                ..Default::default()
            })
            .is_err()
        );
        assert!(get("hasura").is_err());
        assert!(delete("jtmp_1").unwrap().change.destructive);
    }
}
