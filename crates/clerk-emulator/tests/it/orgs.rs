//! Organizations: create (slugs, creator), get by ID or slug, list with filters and order,
//! update, metadata, counts, and delete with its memberships and invitations.

use serde_json::{Value, json};

use crate::support::{Emu, id, ids, items};
use crate::users::is_clerk_id;

#[tokio::test]
async fn create_makes_slugs_and_the_creator_an_admin() {
    // Organizations given slugs: an instance with slugs on.
    let emu = Emu::with_slugs().await;
    let ada = emu.user_id("ada@example.com").await;
    let org = emu
        .org(
            "Acme, Inc.",
            json!({"created_by": ada, "max_allowed_memberships": 5, "public_metadata": {"p": 1},
                   "private_metadata": {"q": 2}, "created_at": "2020-02-02T00:00:00Z"}),
        )
        .await;
    let oid = id(&org);
    assert!(is_clerk_id(&oid, "org"), "{oid}");
    assert_eq!(org["object"], "organization");
    assert_eq!(org["slug"], "acme-inc", "a slug is made from the name");
    assert_eq!(org["created_by"], ada);
    assert_eq!(org["max_allowed_memberships"], 5);
    assert_eq!(org["public_metadata"], json!({"p": 1}));
    assert_eq!(org["private_metadata"], json!({"q": 2}));
    assert_eq!(org["created_at"], 1_580_601_600_000_i64);
    assert!(org.get("members_count").is_none(), "only when asked for");
    let members = emu
        .get(&format!("/organizations/{oid}/memberships"))
        .await
        .ok();
    assert_eq!(members["total_count"], 1);
    assert_eq!(members["data"][0]["role"], "org:admin");
    assert_eq!(members["data"][0]["public_user_data"]["user_id"], ada);
    // A taken slug made from a name gets a suffix; a taken slug given is refused.
    let again = emu.org("Acme Inc", json!({})).await;
    let slug = again["slug"].as_str().unwrap();
    assert!(slug.starts_with("acme-inc-") && slug.len() > 9, "{slug}");
    let before = emu.counts();
    for (body, code, param) in [
        (
            json!({"name": "X", "slug": "acme-inc"}),
            "form_identifier_exists",
            "slug",
        ),
        (
            json!({"name": "X", "slug": "Not A Slug"}),
            "form_param_format_invalid",
            "slug",
        ),
        (json!({"name": ""}), "form_param_value_invalid", "name"),
        (
            json!({"name": "x".repeat(257)}),
            "form_param_max_length_exceeded",
            "name",
        ),
        (
            json!({"name": "<b>Bold</b>"}),
            "form_param_value_invalid",
            "name",
        ),
        (
            json!({"name": "see https://evil.example"}),
            "form_param_value_invalid",
            "name",
        ),
        (
            json!({"name": "X", "max_allowed_memberships": -1}),
            "form_param_value_invalid",
            "max_allowed_memberships",
        ),
        (
            json!({"name": "X", "created_at": "soon"}),
            "form_param_invalid_time",
            "created_at",
        ),
        (json!({"slug": "no-name"}), "form_param_missing", "name"),
        (json!({"name": null}), "form_param_missing", "name"),
    ] {
        let r = emu.post("/organizations", body.clone()).await;
        assert_eq!(r.err(422, code)["meta"]["param_name"], param, "{body}");
    }
    let r = emu
        .post(
            "/organizations",
            json!({"name": "X", "created_by": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"}),
        )
        .await;
    r.err(400, "organization_creator_not_found");
    assert_eq!(emu.counts(), before, "nothing stored");
    // 256 characters is the limit, not past it.
    emu.org(&"n".repeat(256), json!({})).await;
}

#[tokio::test]
async fn get_by_id_or_slug_with_counts() {
    // Organizations given slugs: an instance with slugs on.
    let emu = Emu::with_slugs().await;
    let ada = emu.user_id("ada@example.com").await;
    let grace = emu.user_id("grace@example.com").await;
    let oid = id(&emu.org("Acme", json!({"slug": "acme"})).await);
    emu.member(&oid, &grace, "org:member").await;
    let by_id = emu.get(&format!("/organizations/{oid}")).await.ok();
    let by_slug = emu.get("/organizations/acme").await.ok();
    assert_eq!(by_id, by_slug);
    let counted = emu
        .get("/organizations/acme?include_members_count=true&include_missing_member_with_elevated_permissions=true")
        .await
        .ok();
    assert_eq!(counted["members_count"], 1);
    assert_eq!(
        counted["missing_member_with_elevated_permissions"], true,
        "no member is an admin"
    );
    emu.member(&oid, &ada, "org:admin").await;
    let counted = emu
        .get(&format!("/organizations/{oid}?include_members_count=true&include_missing_member_with_elevated_permissions=true"))
        .await
        .ok();
    assert_eq!(counted["members_count"], 2);
    assert_eq!(counted["missing_member_with_elevated_permissions"], false);
    for missing in ["org_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "no-such-slug"] {
        let r = emu.get(&format!("/organizations/{missing}")).await;
        assert_eq!(
            r.err(404, "resource_not_found")["long_message"],
            "Given organization not found."
        );
    }
}

#[tokio::test]
async fn list_filters_orders_and_pages() {
    // Organizations given slugs: an instance with slugs on.
    let emu = Emu::with_slugs().await;
    let ada = emu.user_id("ada@example.com").await;
    let grace = emu.user_id("grace@example.com").await;
    let mut orgs = Vec::new();
    for (name, slug, year) in [
        ("Beta Labs", "beta", "2020"),
        ("alpha works", "alpha", "2021"),
        ("Gamma", "gamma-corp", "2022"),
    ] {
        orgs.push(id(&emu
            .org(
                name,
                json!({"slug": slug, "created_at": format!("{year}-01-01T00:00:00Z")}),
            )
            .await));
    }
    let (beta, alpha, gamma) = (&orgs[0], &orgs[1], &orgs[2]);
    emu.member(alpha, &ada, "org:admin").await;
    emu.member(alpha, &grace, "org:member").await;
    emu.member(gamma, &grace, "org:member").await;
    let list = |q: String| {
        let emu = &emu;
        async move {
            let page = emu.get(&format!("/organizations?{q}")).await.ok();
            assert!(
                page["data"].is_array() && page["total_count"].is_i64(),
                "{page}"
            );
            page
        }
    };
    let names = |page: &Value| -> Vec<String> {
        items(page)
            .iter()
            .map(|o| o["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&list(String::new()).await),
        ["gamma-corp", "alpha", "beta"]
    );
    for (q, expected) in [
        ("order_by=name", vec!["alpha", "beta", "gamma-corp"]),
        ("order_by=-name", vec!["gamma-corp", "beta", "alpha"]),
        (
            "order_by=%2Bcreated_at",
            vec!["beta", "alpha", "gamma-corp"],
        ),
        (
            "order_by=-members_count",
            vec!["alpha", "gamma-corp", "beta"],
        ),
        (
            "order_by=members_count",
            vec!["beta", "gamma-corp", "alpha"],
        ),
        // The ID matches exactly; name and slug partially, in any case.
        ("query=ALPHA", vec!["alpha"]),
        ("query=corp", vec!["gamma-corp"]),
        ("query=labs", vec!["beta"]),
    ]
    .into_iter()
    .map(|(q, e): (&str, Vec<&str>)| (q.to_owned(), e))
    .chain([
        (format!("query={beta}"), vec!["beta"]),
        (format!("user_id={grace}"), vec!["gamma-corp", "alpha"]),
        (
            format!("user_id={ada}&user_id={grace}"),
            vec!["gamma-corp", "alpha"],
        ),
        (format!("user_id=-{ada}"), vec!["gamma-corp", "beta"]),
        (
            format!("organization_id={beta}&organization_id={gamma}"),
            vec!["gamma-corp", "beta"],
        ),
        (
            format!("organization_id=-{beta}"),
            vec!["gamma-corp", "alpha"],
        ),
        (format!("organization_id=%2B{alpha}"), vec!["alpha"]),
    ]) {
        let page = list(q.clone()).await;
        assert_eq!(names(&page), expected, "{q}");
        assert_eq!(page["total_count"], expected.len(), "{q}");
    }
    // total_count counts everything that matched, not the page.
    let page = list("limit=1&offset=1&order_by=name".into()).await;
    assert_eq!(names(&page), ["beta"]);
    assert_eq!(page["total_count"], 3);
    let counted = list("include_members_count=true&order_by=name".into()).await;
    let counts: Vec<i64> = items(&counted)
        .iter()
        .map(|o| o["members_count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [2, 0, 1]);
    assert!(
        items(&list(String::new()).await)
            .iter()
            .all(|o| o.get("members_count").is_none())
    );
    for bad in ["order_by=slug", "offset=-2"] {
        emu.get(&format!("/organizations?{bad}"))
            .await
            .err(400, "invalid_query_parameter_value");
    }
    emu.get("/organizations?include_members_count=maybe")
        .await
        .err(400, "malformed_request_parameters");
}

#[tokio::test]
async fn update_changes_slug_and_settings() {
    // Organizations given slugs: an instance with slugs on.
    let emu = Emu::with_slugs().await;
    let oid = id(&emu
        .org(
            "Acme",
            json!({"slug": "acme", "max_allowed_memberships": 3}),
        )
        .await);
    emu.org("Taken", json!({"slug": "taken"})).await;
    let o = emu
        .patch(
            &format!("/organizations/{oid}"),
            json!({"name": "Acme 2", "slug": "acme-two", "max_allowed_memberships": null,
                   "admin_delete_enabled": false, "role_set_key": "default"}),
        )
        .await
        .ok();
    assert_eq!(o["name"], "Acme 2");
    assert_eq!(o["slug"], "acme-two");
    assert_eq!(o["max_allowed_memberships"], 0);
    assert_eq!(o["admin_delete_enabled"], false);
    assert_eq!(o["role_set_key"], "default");
    emu.get("/organizations/acme-two").await.ok();
    emu.get("/organizations/acme")
        .await
        .err(404, "resource_not_found");
    // The old slug is free again.
    emu.org("New Acme", json!({"slug": "acme"})).await;
    let before = emu.get(&format!("/organizations/{oid}")).await.ok();
    for (body, code) in [
        (json!({"slug": "taken"}), "form_identifier_exists"),
        (
            json!({"name": "Ok", "slug": "UPPER"}),
            "form_param_format_invalid",
        ),
        (
            json!({"max_allowed_memberships": -5}),
            "form_param_value_invalid",
        ),
        (json!({"name": "Ok", "extra": true}), "form_param_unknown"),
    ] {
        emu.patch(&format!("/organizations/{oid}"), body)
            .await
            .err(422, code);
    }
    assert_eq!(emu.get(&format!("/organizations/{oid}")).await.ok(), before);
    // Keeping one's own slug is fine.
    emu.patch(
        &format!("/organizations/{oid}"),
        json!({"slug": "acme-two"}),
    )
    .await
    .ok();
    // PATCH takes an ID, not a slug.
    emu.patch("/organizations/acme-two", json!({"name": "x"}))
        .await
        .err(404, "resource_not_found");
}

#[tokio::test]
async fn organization_metadata_merges_and_replaces() {
    let emu = Emu::start().await;
    let oid = id(&emu
        .org(
            "Acme",
            json!({"public_metadata": {"a": {"b": 1, "c": 2}}, "private_metadata": {"p": 1}}),
        )
        .await);
    let path = format!("/organizations/{oid}/metadata");
    let o = emu
        .patch(
            &path,
            json!({"public_metadata": {"a": {"b": null, "d": 3}}}),
        )
        .await
        .ok();
    assert_eq!(o["public_metadata"], json!({"a": {"c": 2, "d": 3}}));
    assert_eq!(o["private_metadata"], json!({"p": 1}));
    let o = emu
        .put(&path, json!({"public_metadata": {"z": 1}}))
        .await
        .ok();
    assert_eq!(o["public_metadata"], json!({"z": 1}));
    assert_eq!(o["private_metadata"], json!({"p": 1}));
    // `null` is stored as JSON null (clerk-typedoc replace-organization-metadata.mdx).
    let o = emu.put(&path, json!({"private_metadata": null})).await.ok();
    assert_eq!(o["private_metadata"], Value::Null);
    // The body is required here, and organizations have no unsafe metadata.
    emu.req(reqwest::Method::PATCH, &path)
        .send()
        .await
        .err(400, "request_body_invalid");
    emu.put(&path, json!({"unsafe_metadata": {}}))
        .await
        .err(422, "form_param_unknown");
    emu.patch(&path, json!({"public_metadata": {"k": "x".repeat(8200)}}))
        .await
        .err(422, "form_param_exceeds_allowed_size");
    assert_eq!(
        emu.get(&format!("/organizations/{oid}")).await.ok()["public_metadata"],
        json!({"z": 1})
    );
}

#[tokio::test]
async fn deleting_an_organization_removes_its_memberships_and_invitations() {
    // Organizations given slugs: an instance with slugs on.
    let emu = Emu::with_slugs().await;
    let ada = emu.user_id("ada@example.com").await;
    let grace = emu.user_id("grace@example.com").await;
    let doomed = id(&emu
        .org("Doomed", json!({"slug": "doomed", "created_by": ada}))
        .await);
    let kept = id(&emu.org("Kept", json!({"created_by": ada})).await);
    emu.member(&doomed, &grace, "org:member").await;
    let inv = id(&emu
        .post(
            &format!("/organizations/{doomed}/invitations"),
            json!({"email_address": "x@example.com", "role": "org:member"}),
        )
        .await
        .ok());
    emu.post(
        &format!("/organizations/{kept}/invitations"),
        json!({"email_address": "y@example.com", "role": "org:member"}),
    )
    .await
    .ok();
    assert_eq!(emu.counts(), [2, 2, 3, 2, 0]);
    let deleted = emu.delete(&format!("/organizations/{doomed}")).await.ok();
    assert_eq!(
        deleted,
        json!({"object": "organization", "id": doomed, "slug": "doomed", "deleted": true})
    );
    assert_eq!(emu.counts(), [2, 1, 1, 1, 0]);
    emu.get(&format!("/organizations/{doomed}"))
        .await
        .err(404, "resource_not_found");
    emu.get(&format!("/organizations/{doomed}/invitations/{inv}"))
        .await
        .err(404, "resource_not_found");
    let all = emu.get("/organization_memberships").await.ok();
    assert_eq!(all["total_count"], 1);
    assert_eq!(all["data"][0]["organization"]["id"], kept);
    let grace_orgs = emu
        .get(&format!("/users/{grace}/organization_memberships"))
        .await
        .ok();
    assert_eq!(grace_orgs["total_count"], 0);
    let invs = emu.get("/organization_invitations").await.ok();
    assert_eq!(ids(&invs).len(), 1);
    assert_eq!(
        emu.get(&format!("/organizations?user_id={grace}"))
            .await
            .ok()["total_count"],
        0
    );
    // The slug is free again.
    emu.org("Reborn", json!({"slug": "doomed"})).await;
}

#[tokio::test]
async fn counts_stay_right_through_changes() {
    let emu = Emu::start().await;
    let users: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..3 {
            v.push(emu.user_id(&format!("u{i}@example.com")).await);
        }
        v
    };
    let oid = id(&emu.org("Acme", json!({"created_by": users[0]})).await);
    let get = |q: &'static str| {
        let emu = &emu;
        let oid = &oid;
        async move { emu.get(&format!("/organizations/{oid}?{q}")).await.ok() }
    };
    let members_count = || async {
        get("include_members_count=true").await["members_count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(members_count().await, 1);
    let m = emu.member(&oid, &users[1], "org:member").await;
    assert!(
        m["organization"].get("members_count").is_none(),
        "the embedded organization has no count unless asked for"
    );
    emu.member(&oid, &users[2], "org:member").await;
    assert_eq!(members_count().await, 3);
    emu.delete(&format!("/organizations/{oid}/memberships/{}", users[1]))
        .await
        .ok();
    assert_eq!(members_count().await, 2);
    emu.delete(&format!("/users/{}", users[2])).await.ok();
    assert_eq!(members_count().await, 1);
    let listed = emu
        .get("/organizations?include_members_count=true")
        .await
        .ok();
    assert_eq!(listed["data"][0]["members_count"], 1);
    // Pending invitations are counted until revoked.
    let inv = id(&emu
        .post(
            &format!("/organizations/{oid}/invitations"),
            json!({"email_address": "i@example.com", "role": "org:member"}),
        )
        .await
        .ok());
    assert_eq!(get("").await["pending_invitations_count"], 1);
    emu.post(
        &format!("/organizations/{oid}/invitations/{inv}/revoke"),
        json!({}),
    )
    .await
    .ok();
    assert_eq!(get("").await["pending_invitations_count"], 0);
}
