//! Contract tests: every endpoint in scope, driven through a realistic scenario, answers with
//! bodies the vendored spec allows, for successes and errors alike. The helper itself is
//! tested too: a shape the spec does not allow must fail.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::openapi::{
    SPEC_FILE, assert_matches_spec, convert, spec, spec_violations, template_for, violations,
};
use crate::support::{Emu, Resp, id};

/// Every operation the emulator serves, as the spec names its path.
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/users"),
    ("POST", "/users"),
    ("GET", "/users/count"),
    ("GET", "/users/{user_id}"),
    ("PATCH", "/users/{user_id}"),
    ("DELETE", "/users/{user_id}"),
    ("PATCH", "/users/{user_id}/metadata"),
    ("PUT", "/users/{user_id}/metadata"),
    ("POST", "/users/{user_id}/ban"),
    ("POST", "/users/{user_id}/unban"),
    ("POST", "/users/{user_id}/lock"),
    ("POST", "/users/{user_id}/unlock"),
    ("POST", "/users/{user_id}/verify_password"),
    ("POST", "/users/ban"),
    ("POST", "/users/unban"),
    ("GET", "/users/{user_id}/organization_memberships"),
    ("GET", "/users/{user_id}/organization_invitations"),
    ("GET", "/organizations"),
    ("POST", "/organizations"),
    ("GET", "/organizations/{organization_id}"),
    ("PATCH", "/organizations/{organization_id}"),
    ("DELETE", "/organizations/{organization_id}"),
    ("PATCH", "/organizations/{organization_id}/metadata"),
    ("PUT", "/organizations/{organization_id}/metadata"),
    ("GET", "/organizations/{organization_id}/memberships"),
    ("POST", "/organizations/{organization_id}/memberships"),
    (
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}",
    ),
    (
        "DELETE",
        "/organizations/{organization_id}/memberships/{user_id}",
    ),
    (
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}/metadata",
    ),
    ("GET", "/organization_memberships"),
    ("GET", "/organizations/{organization_id}/invitations"),
    ("POST", "/organizations/{organization_id}/invitations"),
    ("POST", "/organizations/{organization_id}/invitations/bulk"),
    (
        "GET",
        "/organizations/{organization_id}/invitations/pending",
    ),
    (
        "GET",
        "/organizations/{organization_id}/invitations/{invitation_id}",
    ),
    (
        "POST",
        "/organizations/{organization_id}/invitations/{invitation_id}/revoke",
    ),
    ("GET", "/organization_invitations"),
    ("GET", "/invitations"),
    ("POST", "/invitations"),
    ("POST", "/invitations/bulk"),
    ("POST", "/invitations/{invitation_id}/revoke"),
    ("GET", "/sessions"),
    ("POST", "/sessions"),
    ("GET", "/sessions/{session_id}"),
    ("POST", "/sessions/{session_id}/revoke"),
    ("POST", "/sessions/{session_id}/tokens"),
    ("POST", "/sessions/{session_id}/tokens/{template_name}"),
    ("GET", "/jwks"),
    ("GET", "/instance"),
    ("GET", "/jwt_templates"),
    ("POST", "/jwt_templates"),
    ("GET", "/jwt_templates/{template_id}"),
    ("PATCH", "/jwt_templates/{template_id}"),
    ("DELETE", "/jwt_templates/{template_id}"),
    ("POST", "/sign_in_tokens"),
    ("POST", "/sign_in_tokens/{sign_in_token_id}/revoke"),
    ("POST", "/testing_tokens"),
];

/// Drives endpoints and records which answered a success and which an error.
struct Tour<'a> {
    emu: &'a Emu,
    seen: BTreeSet<(String, String, bool)>,
}

impl Tour<'_> {
    /// Without the secret key: every operation's 401.
    async fn go_unauthenticated(&mut self, method: &str, template: &str, path: &str) -> Resp {
        let r = self
            .emu
            .req(Method::from_bytes(method.as_bytes()).unwrap(), path)
            .no_auth()
            .send()
            .await;
        assert_matches_spec(method, template, r.status, &r.body);
        self.seen
            .insert((method.to_owned(), template.to_owned(), r.status < 400));
        r
    }

    async fn go(&mut self, method: &str, template: &str, path: &str, body: Option<Value>) -> Resp {
        let bare = path.split('?').next().unwrap();
        assert_eq!(
            template_for(bare).as_deref(),
            Some(template),
            "{path} is an instance of {template}"
        );
        let mut req = self
            .emu
            .req(Method::from_bytes(method.as_bytes()).unwrap(), path);
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send().await;
        // The client checked it already; say it here too, against the named template.
        if !path.contains("paginated=true") {
            assert_matches_spec(method, template, r.status, &r.body);
        }
        self.seen
            .insert((method.to_owned(), template.to_owned(), r.status < 400));
        r
    }
}

#[tokio::test]
async fn every_endpoint_answers_as_the_spec_says() {
    // The scenario gives organizations slugs.
    let emu = Emu::with_slugs().await;
    let mut t = Tour {
        emu: &emu,
        seen: BTreeSet::new(),
    };
    let nobody = "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk";
    let no_org = "org_2xhFjEI5X2qWRvtV13BzSj8H6Dk";

    // ---- users ----
    let ada = t
        .go(
            "POST",
            "/users",
            "/users",
            Some(json!({
                "email_address": ["ada@example.com", "ada@work.example.com"],
                "phone_number": ["+15555550100"],
                "web3_wallet": [format!("0x{}", "ab".repeat(20))],
                "username": "ada_l",
                "external_id": "ext-ada",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "password": "correct horse battery",
                "public_metadata": {"tier": "gold"},
                "private_metadata": {"ssn": "none"},
                "unsafe_metadata": {"theme": "dark"},
                "legal_accepted_at": "2024-01-02T03:04:05.678Z"
            })),
        )
        .await
        .ok();
    let ada_id = id(&ada);
    let grace = t
        .go(
            "POST",
            "/users",
            "/users",
            Some(json!({
                "email_address": ["grace@example.com"],
                "email_address_identification_status": ["reserved"],
                "first_name": "Grace",
                "totp_secret": "JBSWY3DPEHPK3PXP",
                "backup_codes": ["one", "two"]
            })),
        )
        .await
        .ok();
    let grace_id = id(&grace);
    t.go("POST", "/users", "/users", Some(json!({"bogus": 1})))
        .await
        .err(422, "form_param_unknown");
    t.go("GET", "/users", "/users?limit=5&order_by=-created_at", None)
        .await
        .ok();
    t.go("GET", "/users", "/users?limit=ten", None)
        .await
        .err(400, "malformed_request_parameters");
    t.go("GET", "/users/count", "/users/count?query=ada", None)
        .await
        .ok();
    t.go("GET", "/users/count", "/users/count?banned=maybe", None)
        .await
        .err(400, "malformed_request_parameters");
    t.go("GET", "/users/{user_id}", &format!("/users/{ada_id}"), None)
        .await
        .ok();
    t.go("GET", "/users/{user_id}", &format!("/users/{nobody}"), None)
        .await
        .err(404, "resource_not_found");
    t.go(
        "PATCH",
        "/users/{user_id}",
        &format!("/users/{ada_id}"),
        Some(json!({"last_name": "King", "notify_primary_email_address_changed": false})),
    )
    .await
    .ok();
    t.go(
        "PATCH",
        "/users/{user_id}",
        &format!("/users/{ada_id}"),
        Some(json!({"first_name": 5})),
    )
    .await
    .err(422, "form_param_value_invalid");
    t.go(
        "PATCH",
        "/users/{user_id}/metadata",
        &format!("/users/{ada_id}/metadata"),
        Some(json!({"public_metadata": {"tier": null, "seen": true}})),
    )
    .await
    .ok();
    t.go(
        "PATCH",
        "/users/{user_id}/metadata",
        &format!("/users/{ada_id}/metadata"),
        Some(json!({"public_metadata": {"blob": "x".repeat(9000)}})),
    )
    .await
    .err(422, "form_param_exceeds_allowed_size");
    t.go(
        "PUT",
        "/users/{user_id}/metadata",
        &format!("/users/{ada_id}/metadata"),
        Some(json!({"private_metadata": {"replaced": 1}})),
    )
    .await
    .ok();
    t.go(
        "PUT",
        "/users/{user_id}/metadata",
        &format!("/users/{nobody}/metadata"),
        Some(json!({"private_metadata": {}})),
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "POST",
        "/users/{user_id}/verify_password",
        &format!("/users/{ada_id}/verify_password"),
        Some(json!({"password": "correct horse battery"})),
    )
    .await
    .ok();
    t.go(
        "POST",
        "/users/{user_id}/verify_password",
        &format!("/users/{ada_id}/verify_password"),
        Some(json!({"password": "wrong horse battery"})),
    )
    .await
    .err(422, "incorrect_password");
    t.go(
        "POST",
        "/users/{user_id}/verify_password",
        &format!("/users/{grace_id}/verify_password"),
        Some(json!({"password": "correct horse battery"})),
    )
    .await
    .err(400, "no_password_set");
    for action in ["ban", "unban", "lock", "unlock"] {
        let template = format!("/users/{{user_id}}/{action}");
        t.go(
            "POST",
            &template,
            &format!("/users/{grace_id}/{action}"),
            None,
        )
        .await
        .ok();
        t.go(
            "POST",
            &template,
            &format!("/users/{nobody}/{action}"),
            None,
        )
        .await
        .err(404, "resource_not_found");
    }
    for action in ["ban", "unban"] {
        let path = format!("/users/{action}");
        let list = t
            .go(
                "POST",
                &path,
                &path,
                Some(json!({"user_ids": [ada_id, nobody]})),
            )
            .await
            .ok();
        assert_eq!(list.as_array().unwrap().len(), 1);
        t.go("POST", &path, &path, Some(json!({"user_ids": []})))
            .await
            .err(422, "form_param_missing");
    }

    // ---- organizations ----
    let org = t
        .go(
            "POST",
            "/organizations",
            "/organizations",
            Some(json!({
                "name": "Analytical Engines",
                "slug": "engines",
                "created_by": ada_id,
                "public_metadata": {"plan": "pro"},
                "max_allowed_memberships": 10
            })),
        )
        .await
        .ok();
    let org_id = id(&org);
    t.go("POST", "/organizations", "/organizations", Some(json!({})))
        .await
        .err(422, "form_param_missing");
    t.go(
        "GET",
        "/organizations",
        "/organizations",
        Some(json!(null)).filter(|_| false),
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organizations",
        "/organizations?include_members_count=true&include_missing_member_with_elevated_permissions=true",
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organizations",
        "/organizations?order_by=slug",
        None,
    )
    .await
    .err(400, "invalid_query_parameter_value");
    for key in [org_id.as_str(), "engines"] {
        t.go(
            "GET",
            "/organizations/{organization_id}",
            &format!("/organizations/{key}?include_members_count=true"),
            None,
        )
        .await
        .ok();
    }
    t.go(
        "GET",
        "/organizations/{organization_id}",
        &format!("/organizations/{no_org}"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "PATCH",
        "/organizations/{organization_id}",
        &format!("/organizations/{org_id}"),
        Some(json!({"name": "Difference Engines", "admin_delete_enabled": false, "role_set_key": null})),
    )
    .await
    .ok();
    t.go(
        "PATCH",
        "/organizations/{organization_id}",
        &format!("/organizations/{no_org}"),
        Some(json!({"name": "x"})),
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "PATCH",
        "/organizations/{organization_id}/metadata",
        &format!("/organizations/{org_id}/metadata"),
        Some(json!({"public_metadata": {"plan": null, "seats": 3}})),
    )
    .await
    .ok();
    t.go(
        "PATCH",
        "/organizations/{organization_id}/metadata",
        &format!("/organizations/{org_id}/metadata"),
        Some(json!({"unsafe_metadata": {}})),
    )
    .await
    .err(422, "form_param_unknown");
    t.go(
        "PUT",
        "/organizations/{organization_id}/metadata",
        &format!("/organizations/{org_id}/metadata"),
        Some(json!({"private_metadata": {"billing": "annual"}})),
    )
    .await
    .ok();
    t.go(
        "PUT",
        "/organizations/{organization_id}/metadata",
        &format!("/organizations/{no_org}/metadata"),
        Some(json!({"private_metadata": {}})),
    )
    .await
    .err(404, "resource_not_found");

    // ---- memberships ----
    let members = format!("/organizations/{org_id}/memberships");
    t.go(
        "POST",
        "/organizations/{organization_id}/memberships",
        &members,
        Some(json!({"user_id": grace_id, "role": "org:member", "public_metadata": {"team": "a"}})),
    )
    .await
    .ok();
    t.go(
        "POST",
        "/organizations/{organization_id}/memberships",
        &members,
        Some(json!({"user_id": grace_id, "role": "org:member"})),
    )
    .await
    .err(400, "already_a_member_in_organization");
    t.go(
        "GET",
        "/organizations/{organization_id}/memberships",
        &format!("{members}?order_by=email_address&role=org:member"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organizations/{organization_id}/memberships",
        &format!("{members}?offset=-1"),
        None,
    )
    .await
    .err(400, "invalid_query_parameter_value");
    let grace_membership = format!("{members}/{grace_id}");
    t.go(
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}",
        &grace_membership,
        Some(json!({"role": "org:admin"})),
    )
    .await
    .ok();
    t.go(
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}",
        &format!("{members}/{nobody}"),
        Some(json!({"role": "org:admin"})),
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}/metadata",
        &format!("{grace_membership}/metadata"),
        Some(json!({"private_metadata": {"badge": 7}})),
    )
    .await
    .ok();
    t.go(
        "PATCH",
        "/organizations/{organization_id}/memberships/{user_id}/metadata",
        &format!("{members}/{nobody}/metadata"),
        Some(json!({"private_metadata": {}})),
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "GET",
        "/organization_memberships",
        "/organization_memberships?order_by=-created_at",
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organization_memberships",
        "/organization_memberships?order_by=role",
        None,
    )
    .await
    .err(400, "invalid_query_parameter_value");
    t.go(
        "GET",
        "/users/{user_id}/organization_memberships",
        &format!("/users/{grace_id}/organization_memberships"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/users/{user_id}/organization_memberships",
        &format!("/users/{nobody}/organization_memberships"),
        None,
    )
    .await
    .err(404, "resource_not_found");

    // ---- organization invitations ----
    let invitations = format!("/organizations/{org_id}/invitations");
    let inv = t
        .go(
            "POST",
            "/organizations/{organization_id}/invitations",
            &invitations,
            Some(json!({
                "email_address": "charles@example.com",
                "role": "org:member",
                "inviter_user_id": ada_id,
                "public_metadata": {"source": "tour"},
                "expires_in_days": 7
            })),
        )
        .await
        .ok();
    let inv_id = id(&inv);
    t.go(
        "POST",
        "/organizations/{organization_id}/invitations",
        &invitations,
        Some(json!({"email_address": "charles@example.com", "role": "org:member"})),
    )
    .await
    .err(400, "organization_invitation_not_unique");
    t.go(
        "POST",
        "/organizations/{organization_id}/invitations/bulk",
        &format!("{invitations}/bulk"),
        Some(json!([
            {"email_address": "mary@example.com", "role": "org:member"},
            {"email_address": "babbage@example.com", "role": "org:admin", "inviter_user_id": ada_id}
        ])),
    )
    .await
    .ok();
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"email_address": format!("n{i}@example.com"), "role": "org:member"}))
        .collect();
    t.go(
        "POST",
        "/organizations/{organization_id}/invitations/bulk",
        &format!("{invitations}/bulk"),
        Some(Value::Array(eleven)),
    )
    .await
    .err(400, "bulk_size_exceeded");
    t.go(
        "GET",
        "/organizations/{organization_id}/invitations",
        &format!("{invitations}?status=pending&order_by=email_address"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organizations/{organization_id}/invitations",
        &format!("{invitations}?status=lost"),
        None,
    )
    .await
    .err(400, "invalid_query_parameter_value");
    t.go(
        "GET",
        "/organizations/{organization_id}/invitations/pending",
        &format!("{invitations}/pending"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organizations/{organization_id}/invitations/pending",
        &format!("/organizations/{no_org}/invitations/pending"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "GET",
        "/organizations/{organization_id}/invitations/{invitation_id}",
        &format!("{invitations}/{inv_id}"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organizations/{organization_id}/invitations/{invitation_id}",
        &format!("{invitations}/orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    // A user whose address was invited sees the invitation with the organization's data.
    let charles = emu.user_id("charles@example.com").await;
    t.go(
        "GET",
        "/users/{user_id}/organization_invitations",
        &format!("/users/{charles}/organization_invitations?status=pending"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/users/{user_id}/organization_invitations",
        &format!("/users/{nobody}/organization_invitations"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "POST",
        "/organizations/{organization_id}/invitations/{invitation_id}/revoke",
        &format!("{invitations}/{inv_id}/revoke"),
        Some(json!({"requesting_user_id": ada_id})),
    )
    .await
    .ok();
    t.go(
        "POST",
        "/organizations/{organization_id}/invitations/{invitation_id}/revoke",
        &format!("{invitations}/{inv_id}/revoke"),
        None,
    )
    .await
    .err(404, "organization_invitation_not_pending");
    t.go(
        "GET",
        "/organization_invitations",
        "/organization_invitations?query=example&status=revoked",
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/organization_invitations",
        "/organization_invitations?offset=-1",
        None,
    )
    .await
    .err(400, "invalid_query_parameter_value");

    // ---- application invitations ----
    let app_inv = t
        .go(
            "POST",
            "/invitations",
            "/invitations",
            Some(json!({
                "email_address": "lovelace.fan@example.com",
                "public_metadata": {"cohort": 1},
                "redirect_url": "https://example.com/welcome",
                "expires_in_days": 3,
                "template_slug": "invitation"
            })),
        )
        .await
        .ok();
    let app_inv_id = id(&app_inv);
    t.go(
        "POST",
        "/invitations",
        "/invitations",
        Some(json!({"email_address": "lovelace.fan@example.com"})),
    )
    .await
    .err(400, "duplicate_record");
    t.go(
        "POST",
        "/invitations/bulk",
        "/invitations/bulk",
        Some(json!([
            {"email_address": "one@example.com"},
            {"email_address": "two@example.com", "template_slug": "waitlist_invitation"}
        ])),
    )
    .await
    .ok();
    t.go(
        "POST",
        "/invitations/bulk",
        "/invitations/bulk",
        Some(json!([])),
    )
    .await
    .err(400, "request_body_invalid");
    t.go(
        "GET",
        "/invitations",
        "/invitations?order_by=expires_at",
        None,
    )
    .await
    .ok();
    let page = t
        .go(
            "GET",
            "/invitations",
            "/invitations?paginated=true&limit=2",
            None,
        )
        .await
        .ok();
    assert_eq!(page["total_count"], 3);
    t.go("GET", "/invitations", "/invitations?order_by=id", None)
        .await
        .err(400, "invalid_query_parameter_value");
    t.go(
        "POST",
        "/invitations/{invitation_id}/revoke",
        &format!("/invitations/{app_inv_id}/revoke"),
        None,
    )
    .await
    .ok();
    t.go(
        "POST",
        "/invitations/{invitation_id}/revoke",
        &format!("/invitations/{app_inv_id}/revoke"),
        None,
    )
    .await
    .err(400, "invitation_already_revoked");

    // ---- sessions, tokens and JWT templates ----
    let session = t
        .go(
            "POST",
            "/sessions",
            "/sessions",
            Some(json!({"user_id": ada_id, "active_organization_id": org_id})),
        )
        .await
        .ok();
    let session_id = id(&session);
    t.go(
        "POST",
        "/sessions",
        "/sessions",
        Some(json!({"user_id": nobody})),
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "GET",
        "/sessions",
        &format!("/sessions?user_id={ada_id}"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/sessions",
        &format!("/sessions?user_id={ada_id}&paginated=true&status=active"),
        None,
    )
    .await
    .ok();
    t.go("GET", "/sessions", "/sessions", None)
        .await
        .err(422, "form_param_missing");
    t.go(
        "GET",
        "/sessions/{session_id}",
        &format!("/sessions/{session_id}"),
        None,
    )
    .await
    .ok();
    let no_session = "sess_2xhFjEI5X2qWRvtV13BzSj8H6Dk";
    t.go(
        "GET",
        "/sessions/{session_id}",
        &format!("/sessions/{no_session}"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go("GET", "/jwks", "/jwks", None).await.ok();
    t.go("GET", "/instance", "/instance", None).await.ok();
    t.go_unauthenticated("GET", "/instance", "/instance")
        .await
        .err(401, "authentication_invalid");
    t.go_unauthenticated("GET", "/jwks", "/jwks")
        .await
        .err(401, "authentication_invalid");
    t.go(
        "POST",
        "/sessions/{session_id}/tokens",
        &format!("/sessions/{session_id}/tokens"),
        Some(json!({"expires_in_seconds": 120})),
    )
    .await
    .ok();
    t.go(
        "POST",
        "/sessions/{session_id}/tokens",
        &format!("/sessions/{no_session}/tokens"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    let template = t
        .go(
            "POST",
            "/jwt_templates",
            "/jwt_templates",
            Some(json!({
                "name": "hasura",
                "claims": {"https://hasura.io/jwt/claims": {"x-hasura-user-id": "{{user.id}}",
                           "x-hasura-org-id": "{{org.id}}"}},
                "lifetime": 300,
                "allowed_clock_skew": 10
            })),
        )
        .await
        .ok();
    let template_id = id(&template);
    t.go(
        "POST",
        "/jwt_templates",
        "/jwt_templates",
        Some(json!({"name": "bad", "claims": {"x": "{{user.id"}})),
    )
    .await
    .err(422, "form_param_value_invalid");
    t.go("GET", "/jwt_templates", "/jwt_templates", None)
        .await
        .ok();
    t.go(
        "GET",
        "/jwt_templates",
        "/jwt_templates?paginated=true&limit=1",
        None,
    )
    .await
    .ok();
    t.go("GET", "/jwt_templates", "/jwt_templates?limit=ten", None)
        .await
        .err(400, "malformed_request_parameters");
    let templates = "/jwt_templates";
    t.go(
        "GET",
        "/jwt_templates/{template_id}",
        &format!("{templates}/{template_id}"),
        None,
    )
    .await
    .ok();
    t.go(
        "GET",
        "/jwt_templates/{template_id}",
        &format!("{templates}/jtmp_2xhFjEI5X2qWRvtV13BzSj8H6Dk"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "PATCH",
        "/jwt_templates/{template_id}",
        &format!("{templates}/{template_id}"),
        Some(json!({"name": "hasura", "claims": {"role": "user"}, "lifetime": 60})),
    )
    .await
    .ok();
    t.go(
        "PATCH",
        "/jwt_templates/{template_id}",
        &format!("{templates}/{template_id}"),
        Some(json!({"name": "hasura", "claims": {"sub": "x"}})),
    )
    .await
    .err(400, "jwt_template_reserved_claim");
    t.go(
        "POST",
        "/sessions/{session_id}/tokens/{template_name}",
        &format!("/sessions/{session_id}/tokens/hasura"),
        None,
    )
    .await
    .ok();
    t.go(
        "POST",
        "/sessions/{session_id}/tokens/{template_name}",
        &format!("/sessions/{session_id}/tokens/nope"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "DELETE",
        "/jwt_templates/{template_id}",
        &format!("{templates}/{template_id}"),
        None,
    )
    .await
    .ok();
    t.go(
        "DELETE",
        "/jwt_templates/{template_id}",
        &format!("{templates}/{template_id}"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "POST",
        "/sessions/{session_id}/revoke",
        &format!("/sessions/{session_id}/revoke"),
        None,
    )
    .await
    .ok();
    t.go(
        "POST",
        "/sessions/{session_id}/revoke",
        &format!("/sessions/{no_session}/revoke"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    let sign_in = t
        .go(
            "POST",
            "/sign_in_tokens",
            "/sign_in_tokens",
            Some(json!({"user_id": ada_id, "expires_in_seconds": 3600})),
        )
        .await
        .ok();
    t.go(
        "POST",
        "/sign_in_tokens",
        "/sign_in_tokens",
        Some(json!({"user_id": nobody})),
    )
    .await
    .err(404, "resource_not_found");
    let sign_in_id = id(&sign_in);
    t.go(
        "POST",
        "/sign_in_tokens/{sign_in_token_id}/revoke",
        &format!("/sign_in_tokens/{sign_in_id}/revoke"),
        None,
    )
    .await
    .ok();
    t.go(
        "POST",
        "/sign_in_tokens/{sign_in_token_id}/revoke",
        &format!("/sign_in_tokens/{sign_in_id}/revoke"),
        None,
    )
    .await
    .err(400, "sign_in_token_cannot_be_revoked_code");
    t.go("POST", "/testing_tokens", "/testing_tokens", None)
        .await
        .ok();
    t.go_unauthenticated("POST", "/testing_tokens", "/testing_tokens")
        .await
        .err(401, "authentication_invalid");

    // ---- deletes ----
    t.go(
        "DELETE",
        "/organizations/{organization_id}/memberships/{user_id}",
        &grace_membership,
        None,
    )
    .await
    .ok();
    t.go(
        "DELETE",
        "/organizations/{organization_id}/memberships/{user_id}",
        &grace_membership,
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "DELETE",
        "/users/{user_id}",
        &format!("/users/{grace_id}"),
        None,
    )
    .await
    .ok();
    t.go(
        "DELETE",
        "/users/{user_id}",
        &format!("/users/{grace_id}"),
        None,
    )
    .await
    .err(404, "resource_not_found");
    t.go(
        "DELETE",
        "/organizations/{organization_id}",
        &format!("/organizations/{org_id}"),
        None,
    )
    .await
    .ok();
    t.go(
        "DELETE",
        "/organizations/{organization_id}",
        &format!("/organizations/{org_id}"),
        None,
    )
    .await
    .err(404, "resource_not_found");

    let seen = &t.seen;
    let missing: Vec<String> = ENDPOINTS
        .iter()
        .flat_map(|(m, p)| {
            [true, false].into_iter().filter_map(move |ok| {
                let key = ((*m).to_owned(), (*p).to_owned(), ok);
                (!seen.contains(&key))
                    .then(|| format!("{m} {p} ({})", if ok { "success" } else { "error" }))
            })
        })
        .collect();
    assert!(missing.is_empty(), "not driven: {missing:#?}");
}

#[test]
fn every_endpoint_in_scope_is_in_the_spec() {
    for (method, path) in ENDPOINTS {
        let op = &spec().doc["paths"][path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in the spec");
        assert!(
            op["responses"]["200"].is_object(),
            "{method} {path} answers 200"
        );
    }
}

/// A valid user answer, built by hand from the spec's required fields.
fn minimal_user() -> Value {
    json!({
        "id": "user_1", "object": "user", "external_id": null, "primary_email_address_id": null,
        "primary_phone_number_id": null, "primary_web3_wallet_id": null, "username": null,
        "first_name": null, "last_name": null, "has_image": false, "public_metadata": {},
        "email_addresses": [], "phone_numbers": [], "web3_wallets": [], "passkeys": [],
        "password_enabled": false, "two_factor_enabled": false, "totp_enabled": false,
        "backup_code_enabled": false, "mfa_enabled_at": null, "mfa_disabled_at": null,
        "external_accounts": [], "saml_accounts": [], "enterprise_accounts": [],
        "last_sign_in_at": null, "banned": false, "locked": false,
        "lockout_expires_in_seconds": null, "verification_attempts_remaining": null,
        "updated_at": 1, "created_at": 1, "delete_self_enabled": true,
        "create_organization_enabled": true, "last_active_at": null, "legal_accepted_at": null
    })
}

#[test]
fn shapes_the_spec_does_not_allow_fail() {
    let user = minimal_user();
    assert_matches_spec("GET", "/users/{user_id}", 200, &user);
    type Mutation = Box<dyn Fn(&mut Value)>;
    let mutations: Vec<(&str, Mutation)> = vec![
        ("unknown field", Box::new(|u| u["nickname"] = json!("x"))),
        (
            "missing required field",
            Box::new(|u| {
                u.as_object_mut().unwrap().remove("mfa_enabled_at");
            }),
        ),
        (
            "null where not nullable",
            Box::new(|u| u["banned"] = Value::Null),
        ),
        (
            "wrong type",
            Box::new(|u| u["created_at"] = json!("yesterday")),
        ),
        (
            "wrong enum value",
            Box::new(|u| u["object"] = json!("person")),
        ),
        (
            "email verification without its discriminating object",
            Box::new(|u| {
                u["email_addresses"] = json!([{
                    "object": "email_address", "email_address": "a@b.co", "reserved": false,
                    "verification": {"status": "verified", "strategy": "admin", "attempts": null, "expire_at": null},
                    "linked_to": [], "created_at": 1, "updated_at": 1
                }])
            }),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = user.clone();
        mutate(&mut bad);
        assert!(
            spec_violations("GET", "/users/{user_id}", 200, &bad).is_err(),
            "{what} must fail"
        );
    }
    // Nullable fields take null, including a nullable `oneOf` (email verification).
    let mut ok = user.clone();
    ok["email_addresses"] = json!([{
        "object": "email_address", "email_address": "a@b.co", "reserved": true,
        "verification": null, "linked_to": [], "created_at": 1, "updated_at": 1
    }]);
    ok["private_metadata"] = Value::Null;
    assert_matches_spec("GET", "/users/{user_id}", 200, &ok);
    // A bare array is not a page, and a page is not a bare array.
    assert!(spec_violations("GET", "/users", 200, &json!({"data": [], "total_count": 0})).is_err());
    assert!(spec_violations("GET", "/organizations", 200, &json!([])).is_err());
    // An error body must be ClerkErrors, whatever the status.
    let error = json!({"errors": [{"message": "m", "long_message": "l", "code": "c"}]});
    assert_matches_spec("GET", "/users/{user_id}", 404, &error);
    assert_matches_spec("GET", "/users/{user_id}", 418, &error);
    assert!(spec_violations("GET", "/users/{user_id}", 404, &json!({"error": "nope"})).is_err());
    assert!(
        spec_violations(
            "GET",
            "/users/{user_id}",
            404,
            &json!({"errors": [{"message": "m", "code": "c"}]})
        )
        .is_err(),
        "long_message is required"
    );
    // A success the spec does not list fails.
    assert!(spec_violations("GET", "/users/{user_id}", 201, &user).is_err());
    assert!(spec_violations("GET", "/nowhere", 200, &user).is_err());
}

#[test]
fn nullable_converts_by_schema_kind() {
    assert_eq!(
        convert(&json!({"type": "string", "nullable": true})),
        json!({"type": ["string", "null"]})
    );
    assert_eq!(
        convert(&json!({"type": "string", "enum": ["a"], "nullable": true})),
        json!({"type": ["string", "null"], "enum": ["a", null]})
    );
    assert_eq!(
        convert(&json!({"$ref": "#/components/schemas/X", "nullable": true})),
        json!({"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/X"}]})
    );
    assert_eq!(
        convert(
            &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "x-go": 1, "example": 3})
        ),
        json!({"type": "integer", "exclusiveMinimum": 0})
    );
    let schema = convert(&json!({
        "type": "object",
        "properties": {"v": {"type": "object", "nullable": true, "allOf": [{"type": "object", "required": ["k"]}]}}
    }));
    assert!(violations("nullable allOf", schema.clone(), &json!({"v": null})).is_ok());
    assert!(violations("nullable allOf", schema.clone(), &json!({"v": {"k": 1}})).is_ok());
    assert!(violations("nullable allOf", schema, &json!({"v": {}})).is_err());
}

/// SOURCE.md promises the spec is the upstream file byte for byte.
#[test]
fn the_vendored_spec_is_the_file_its_source_note_names() {
    let bytes = std::fs::read(SPEC_FILE).unwrap();
    let source = std::fs::read_to_string(SPEC_FILE.replace("2026-05-12.yml", "SOURCE.md")).unwrap();
    let digest = sha256_hex(&bytes);
    assert!(
        source.contains(&digest),
        "spec/2026-05-12.yml hashes to {digest}, which SOURCE.md does not name"
    );
}

/// SHA-256 (FIPS 180-4), enough to check one file without another dependency.
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes(word.try_into().unwrap());
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(v);
        }
    }
    h.iter().map(|v| format!("{v:08x}")).collect()
}

#[test]
fn sha256_matches_known_answers() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
