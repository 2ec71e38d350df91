//! Organization memberships: add, list (per organization with filters, per user,
//! instance-wide), change role, metadata, remove, quotas and the last administrator.

use serde_json::{Value, json};

use crate::support::{Emu, enc, id, items};
use crate::users::is_clerk_id;

#[tokio::test]
async fn a_membership_looks_like_clerks() {
    let emu = Emu::start().await;
    let ada = id(&emu
        .user(
            "ada@example.com",
            json!({"first_name": "Ada", "last_name": "Lovelace", "username": "ada_l"}),
        )
        .await);
    let oid = emu.org_id("Acme").await;
    let m = emu
        .post(
            &format!("/organizations/{oid}/memberships"),
            json!({"user_id": ada, "role": "org:admin", "public_metadata": {"a": 1}, "private_metadata": {"b": 2}}),
        )
        .await
        .ok();
    assert!(is_clerk_id(m["id"].as_str().unwrap(), "orgmem"), "{m}");
    assert_eq!(m["object"], "organization_membership");
    assert_eq!(m["role"], "org:admin");
    assert_eq!(m["role_name"], "Admin");
    assert!(
        items(&m["permissions"])
            .iter()
            .any(|p| p == "org:sys_memberships:manage")
    );
    assert_eq!(m["public_metadata"], json!({"a": 1}));
    assert_eq!(m["private_metadata"], json!({"b": 2}));
    assert_eq!(m["organization"]["id"], oid);
    let user = &m["public_user_data"];
    assert_eq!(user["user_id"], ada);
    assert_eq!(user["first_name"], "Ada");
    assert_eq!(user["identifier"], "ada@example.com");
    assert_eq!(user["username"], "ada_l");
    let member = emu.user_id("grace@example.com").await;
    let m = emu.member(&oid, &member, "org:member").await;
    assert_eq!(m["role_name"], "Member");
    assert_eq!(m["permissions"], json!(["org:sys_memberships:read"]));
}

#[tokio::test]
async fn adding_a_member_checks_everything_first() {
    let emu = Emu::start().await;
    let ada = emu.user_id("ada@example.com").await;
    let oid = emu.org_id("Acme").await;
    emu.member(&oid, &ada, "org:admin").await;
    let grace = emu.user_id("grace@example.com").await;
    let path = format!("/organizations/{oid}/memberships");
    let before = emu.counts();
    let r = emu
        .post(&path, json!({"user_id": ada, "role": "org:member"}))
        .await;
    r.err(400, "already_a_member_in_organization");
    let r = emu
        .post(
            &path,
            json!({"user_id": "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk", "role": "org:member"}),
        )
        .await;
    assert_eq!(
        r.err(404, "resource_not_found")["long_message"],
        "No user was found with id user_2xhFjEI5X2qWRvtV13BzSj8H6Dk"
    );
    let r = emu
        .post(&path, json!({"user_id": grace, "role": "org:owner"}))
        .await;
    assert_eq!(
        r.err(422, "form_param_value_invalid")["meta"]["param_name"],
        "role"
    );
    let r = emu.post(&path, json!({"role": "org:member"})).await;
    assert_eq!(
        r.err(422, "form_param_missing")["meta"]["param_name"],
        "user_id"
    );
    emu.post(
        "/organizations/org_2xhFjEI5X2qWRvtV13BzSj8H6Dk/memberships",
        json!({"user_id": grace, "role": "org:member"}),
    )
    .await
    .err(404, "resource_not_found");
    emu.post(
        &path,
        json!({"user_id": grace, "role": "org:member", "public_metadata": {"k": "x".repeat(9000)}}),
    )
    .await
    .err(422, "form_param_exceeds_allowed_size");
    assert_eq!(emu.counts(), before, "nothing stored");
}

#[tokio::test]
async fn max_allowed_memberships_counts_members_and_pending_invitations() {
    let emu = Emu::start().await;
    let ada = emu.user_id("ada@example.com").await;
    let grace = emu.user_id("grace@example.com").await;
    let linus = emu.user_id("linus@example.com").await;
    let oid = id(&emu
        .org(
            "Small",
            json!({"created_by": ada, "max_allowed_memberships": 3}),
        )
        .await);
    emu.post(
        &format!("/organizations/{oid}/invitations"),
        json!({"email_address": "pending@example.com", "role": "org:member"}),
    )
    .await
    .ok();
    emu.member(&oid, &grace, "org:member").await;
    // 2 members + 1 pending invitation = 3: full.
    let r = emu
        .post(
            &format!("/organizations/{oid}/memberships"),
            json!({"user_id": linus, "role": "org:member"}),
        )
        .await;
    assert_eq!(
        r.err(403, "organization_membership_quota_exceeded")["long_message"],
        "You have reached your limit of 3 organization memberships, including outstanding invitations."
    );
    emu.post(
        &format!("/organizations/{oid}/invitations"),
        json!({"email_address": "more@example.com", "role": "org:member"}),
    )
    .await
    .err(403, "organization_membership_quota_exceeded");
    // Raising the limit (0 means none) lets them in.
    emu.patch(
        &format!("/organizations/{oid}"),
        json!({"max_allowed_memberships": 0}),
    )
    .await
    .ok();
    emu.member(&oid, &linus, "org:member").await;
}

#[tokio::test]
async fn list_filters_orders_and_pages() {
    let emu = Emu::start().await;
    let oid = emu.org_id("Acme").await;
    let other = emu.org_id("Other").await;
    let mut by_name = std::collections::HashMap::new();
    for (n, email, phone, first, last, username, role, year) in [
        (
            "a",
            "zed@x.io",
            "+15555550003",
            "Ann",
            "Young",
            "ann_y",
            "org:admin",
            "2020",
        ),
        (
            "b",
            "amy@x.io",
            "+15555550001",
            "Bob",
            "Xu",
            "bob_x",
            "org:member",
            "2021",
        ),
        (
            "c",
            "max@x.io",
            "+15555550002",
            "Cid",
            "Adams",
            "cid_a",
            "org:member",
            "2022",
        ),
    ] {
        let u = emu
            .post(
                "/users",
                json!({"email_address": [email], "phone_number": [phone], "first_name": first,
                       "last_name": last, "username": username,
                       "created_at": format!("{year}-01-01T00:00:00Z")}),
            )
            .await
            .ok();
        let uid = id(&u);
        emu.member(&oid, &uid, role).await;
        by_name.insert(uid, n);
    }
    // Someone in another organization only, to show lists stay per organization.
    let outsider = emu.user_id("outsider@x.io").await;
    emu.member(&other, &outsider, "org:admin").await;
    let ids_of = |name: &str| {
        by_name
            .iter()
            .find(|(_, v)| **v == name)
            .map(|(k, _)| k.clone())
            .unwrap()
    };
    let list = |q: String| {
        let emu = &emu;
        let by_name = &by_name;
        let oid = &oid;
        async move {
            let page = emu
                .get(&format!("/organizations/{oid}/memberships?{q}"))
                .await
                .ok();
            let names: String = items(&page)
                .iter()
                .map(|m| by_name[m["public_user_data"]["user_id"].as_str().unwrap()])
                .collect();
            (names, page["total_count"].as_i64().unwrap())
        }
    };
    for (q, expected) in [
        (String::new(), "cba"),
        ("order_by=created_at".into(), "abc"),
        ("order_by=email_address".into(), "bca"),
        ("order_by=-email_address".into(), "acb"),
        ("order_by=phone_number".into(), "bca"),
        ("order_by=first_name".into(), "abc"),
        ("order_by=-last_name".into(), "abc"),
        ("order_by=%2Busername".into(), "abc"),
        ("role=org:member".into(), "cb"),
        ("role=org:admin&role=org:member".into(), "cba"),
        ("email_address=amy@x.io".into(), "b"),
        (format!("phone_number={}", enc("+15555550003")), "a"),
        ("username=cid_a".into(), "c"),
        (format!("user_id={}", ids_of("a")), "a"),
        (format!("user_id=-{}", ids_of("a")), "cb"),
        ("query=young".into(), "a"),
        ("email_address_query=MAX".into(), "c"),
        ("phone_number_query=0001".into(), "b"),
        ("username_query=BOB".into(), "b"),
        ("name_query=cid%20adams".into(), "c"),
        // 2021-01-01 is 1609459200000 ms.
        ("created_at_after=1609459200000".into(), "c"),
        ("created_at_before=1609459200000".into(), "a"),
        (format!("user_id={outsider}"), ""),
    ] {
        let (names, total) = list(q.clone()).await;
        assert_eq!(names, expected, "{q}");
        assert_eq!(total as usize, expected.len(), "{q}");
    }
    let (names, total) = list("order_by=created_at&limit=1&offset=1".into()).await;
    assert_eq!((names.as_str(), total), ("b", 3));
    for bad in ["order_by=role", "offset=-1"] {
        emu.get(&format!("/organizations/{oid}/memberships?{bad}"))
            .await
            .err(400, "invalid_query_parameter_value");
    }
    emu.get("/organizations/org_2xhFjEI5X2qWRvtV13BzSj8H6Dk/memberships")
        .await
        .err(404, "resource_not_found");

    // Instance-wide and per-user lists.
    let all = emu
        .get("/organization_memberships?order_by=created_at&limit=2")
        .await
        .ok();
    assert_eq!(all["total_count"], 4);
    assert_eq!(items(&all).len(), 2);
    let mine = emu
        .get(&format!("/users/{outsider}/organization_memberships"))
        .await
        .ok();
    assert_eq!(mine["total_count"], 1);
    assert_eq!(mine["data"][0]["organization"]["id"], other);
}

#[tokio::test]
async fn a_user_lists_their_memberships_newest_first() {
    let emu = Emu::start().await;
    let ada = emu.user_id("ada@example.com").await;
    let mut orgs = Vec::new();
    for i in 0..3 {
        let oid = emu.org_id(&format!("Org {i}")).await;
        emu.member(&oid, &ada, "org:member").await;
        orgs.push(oid);
    }
    let page = emu
        .get(&format!("/users/{ada}/organization_memberships?limit=2"))
        .await
        .ok();
    assert_eq!(page["total_count"], 3);
    assert_eq!(items(&page).len(), 2);
    let all = emu
        .get(&format!("/users/{ada}/organization_memberships"))
        .await
        .ok();
    let mut got: Vec<Value> = items(&all)
        .iter()
        .map(|m| m["organization"]["id"].clone())
        .collect();
    got.sort_by_key(|v| v.to_string());
    let mut want: Vec<Value> = orgs.iter().map(|o| json!(o)).collect();
    want.sort_by_key(|v| v.to_string());
    assert_eq!(got, want);
    emu.get(&format!("/users/{ada}/organization_memberships?limit=x"))
        .await
        .err(400, "malformed_request_parameters");
}

#[tokio::test]
async fn changing_roles_and_removing_members_keeps_an_admin() {
    let emu = Emu::start().await;
    let ada = emu.user_id("ada@example.com").await;
    let grace = emu.user_id("grace@example.com").await;
    let oid = id(&emu.org("Acme", json!({"created_by": ada})).await);
    emu.member(&oid, &grace, "org:member").await;
    let path = |u: &str| format!("/organizations/{oid}/memberships/{u}");
    // Demoting or removing the only admin while others remain is refused.
    emu.patch(&path(&ada), json!({"role": "org:member"}))
        .await
        .err(400, "organization_minimum_permissions_needed");
    emu.delete(&path(&ada))
        .await
        .err(400, "organization_minimum_permissions_needed");
    let m = emu
        .patch(&path(&grace), json!({"role": "org:admin"}))
        .await
        .ok();
    assert_eq!(m["role"], "org:admin");
    assert_eq!(m["role_name"], "Admin");
    let m = emu
        .patch(&path(&ada), json!({"role": "org:member"}))
        .await
        .ok();
    assert_eq!(m["role"], "org:member");
    // Removing answers with the membership as it was.
    let removed = emu.delete(&path(&ada)).await.ok();
    assert_eq!(removed["object"], "organization_membership");
    assert_eq!(removed["public_user_data"]["user_id"], ada);
    assert_eq!(removed["role"], "org:member");
    emu.delete(&path(&ada)).await.err(404, "resource_not_found");
    // The last member may leave.
    emu.delete(&path(&grace)).await.ok();
    let counted = emu
        .get(&format!("/organizations/{oid}?include_members_count=true"))
        .await
        .ok();
    assert_eq!(counted["members_count"], 0);
    for (body, status, code) in [
        (json!({"role": "org:nope"}), 404, "resource_not_found"),
        (json!({}), 422, "form_param_missing"),
    ] {
        emu.patch(&path(&grace), body).await.err(status, code);
    }
    emu.member(&oid, &grace, "org:admin").await;
    emu.patch(&path(&grace), json!({"role": "org:nope"}))
        .await
        .err(422, "form_param_value_invalid");
    emu.patch(
        &format!("/organizations/org_2xhFjEI5X2qWRvtV13BzSj8H6Dk/memberships/{grace}"),
        json!({"role": "org:admin"}),
    )
    .await
    .err(404, "resource_not_found");
}

#[tokio::test]
async fn membership_metadata_deep_merges() {
    let emu = Emu::start().await;
    let ada = emu.user_id("ada@example.com").await;
    let oid = emu.org_id("Acme").await;
    emu.post(
        &format!("/organizations/{oid}/memberships"),
        json!({"user_id": ada, "role": "org:admin", "public_metadata": {"a": {"b": 1, "c": 2}}}),
    )
    .await
    .ok();
    let path = format!("/organizations/{oid}/memberships/{ada}/metadata");
    let m = emu
        .patch(
            &path,
            json!({"public_metadata": {"a": {"b": null, "d": {"e": 1}}}, "private_metadata": {"p": 1}}),
        )
        .await
        .ok();
    assert_eq!(m["public_metadata"], json!({"a": {"c": 2, "d": {"e": 1}}}));
    assert_eq!(m["private_metadata"], json!({"p": 1}));
    let listed = emu
        .get(&format!("/organizations/{oid}/memberships"))
        .await
        .ok();
    assert_eq!(listed["data"][0]["public_metadata"], m["public_metadata"]);
    // No replace form for memberships; no unsafe metadata.
    emu.put(&path, json!({"public_metadata": {}}))
        .await
        .err(405, "method_not_allowed");
    emu.patch(&path, json!({"unsafe_metadata": {}}))
        .await
        .err(422, "form_param_unknown");
    emu.patch(&path, json!({"public_metadata": {"k": "x".repeat(8200)}}))
        .await
        .err(422, "form_param_exceeds_allowed_size");
    let grace = emu.user_id("grace@example.com").await;
    emu.patch(
        &format!("/organizations/{oid}/memberships/{grace}/metadata"),
        json!({"public_metadata": {}}),
    )
    .await
    .err(404, "resource_not_found");
}
