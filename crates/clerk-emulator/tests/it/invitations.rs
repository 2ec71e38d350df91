//! Organization invitations and application invitations: create, bulk (1 to 10, all or
//! nothing), duplicates refused, list shapes and filters, revoke once.

use serde_json::{Value, json};

use crate::support::{Emu, id, ids, items};
use crate::users::is_clerk_id;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

async fn org_with_admin(emu: &Emu) -> (String, String) {
    let admin = emu
        .user("admin@example.com", json!({"first_name": "Ada"}))
        .await;
    let admin = id(&admin);
    let oid = id(&emu.org("Acme", json!({"created_by": admin})).await);
    (oid, admin)
}

#[tokio::test]
async fn an_organization_invitation_looks_like_clerks() {
    let emu = Emu::start().await;
    let (oid, admin) = org_with_admin(&emu).await;
    let inv = emu
        .post(
            &format!("/organizations/{oid}/invitations"),
            json!({"email_address": "new@example.com", "role": "org:member", "inviter_user_id": admin,
                   "public_metadata": {"a": 1}, "private_metadata": {"b": 2},
                   "redirect_url": "https://example.com/join", "expires_in_days": 7, "notify": false}),
        )
        .await
        .ok();
    assert!(is_clerk_id(inv["id"].as_str().unwrap(), "orginv"), "{inv}");
    assert_eq!(inv["object"], "organization_invitation");
    assert_eq!(inv["status"], "pending");
    assert_eq!(inv["role_name"], "Member");
    assert_eq!(inv["organization_id"], oid);
    assert_eq!(inv["inviter_id"], admin);
    assert_eq!(
        inv["public_inviter_data"]["identifier"],
        "admin@example.com"
    );
    assert_eq!(inv["public_inviter_data"]["first_name"], "Ada");
    assert_eq!(inv["public_metadata"], json!({"a": 1}));
    assert_eq!(inv["private_metadata"], json!({"b": 2}));
    assert!(
        inv["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    let created = inv["created_at"].as_i64().unwrap();
    assert_eq!(inv["expires_at"].as_i64().unwrap() - created, 7 * DAY_MS);
    let plain = emu
        .post(
            &format!("/organizations/{oid}/invitations"),
            json!({"email_address": "plain@example.com", "role": "org:admin"}),
        )
        .await
        .ok();
    assert_eq!(plain["inviter_id"], Value::Null);
    assert_eq!(plain["public_inviter_data"], Value::Null);
    assert_eq!(
        plain["expires_at"].as_i64().unwrap() - plain["created_at"].as_i64().unwrap(),
        30 * DAY_MS,
        "30 days by default"
    );
    let got = emu
        .get(&format!("/organizations/{oid}/invitations/{}", id(&inv)))
        .await
        .ok();
    assert_eq!(got, inv);
}

#[tokio::test]
async fn creating_an_organization_invitation_checks_everything_first() {
    let emu = Emu::start().await;
    let (oid, admin) = org_with_admin(&emu).await;
    let member = emu.user_id("member@example.com").await;
    emu.member(&oid, &member, "org:member").await;
    let path = format!("/organizations/{oid}/invitations");
    emu.post(
        &path,
        json!({"email_address": "dup@example.com", "role": "org:member"}),
    )
    .await
    .ok();
    let before = emu.counts();
    for (body, status, code) in [
        (
            json!({"email_address": "DUP@example.com", "role": "org:member"}),
            400,
            "organization_invitation_not_unique",
        ),
        (
            json!({"email_address": "member@example.com", "role": "org:member"}),
            400,
            "already_a_member_in_organization",
        ),
        (
            json!({"email_address": "x@example.com", "role": "org:member", "inviter_user_id": member}),
            403,
            "not_an_admin_in_organization",
        ),
        (
            json!({"email_address": "x@example.com", "role": "org:boss"}),
            422,
            "form_param_value_invalid",
        ),
        (
            json!({"email_address": "not an email", "role": "org:member"}),
            422,
            "form_param_format_invalid",
        ),
        (
            json!({"email_address": "x@example.com"}),
            422,
            "form_param_missing",
        ),
        (
            json!({"email_address": "x@example.com", "role": "org:member", "expires_in_days": 0}),
            422,
            "form_param_value_invalid",
        ),
        (
            json!({"email_address": "x@example.com", "role": "org:member", "expires_in_days": 366}),
            422,
            "form_param_value_invalid",
        ),
    ] {
        emu.post(&path, body.clone()).await.err(status, code);
    }
    emu.post(
        "/organizations/org_2xhFjEI5X2qWRvtV13BzSj8H6Dk/invitations",
        json!({"email_address": "x@example.com", "role": "org:member"}),
    )
    .await
    .err(404, "resource_not_found");
    assert_eq!(emu.counts(), before, "nothing stored");
    // The same address may be invited to another organization, and again once revoked.
    let other = emu.org_id("Other").await;
    emu.post(
        &format!("/organizations/{other}/invitations"),
        json!({"email_address": "dup@example.com", "role": "org:member"}),
    )
    .await
    .ok();
    let pending = emu.get(&format!("{path}?status=pending")).await.ok();
    let dup = items(&pending)
        .iter()
        .find(|i| i["email_address"] == "dup@example.com")
        .unwrap()
        .clone();
    emu.post(
        &format!("{path}/{}/revoke", id(&dup)),
        json!({"requesting_user_id": admin}),
    )
    .await
    .ok();
    emu.post(
        &path,
        json!({"email_address": "dup@example.com", "role": "org:member"}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn organization_bulk_is_one_to_ten_and_all_or_nothing() {
    // Ten invitations to one organization: past a new instance's limit of 5 members.
    let emu = Emu::unlimited().await;
    let (oid, admin) = org_with_admin(&emu).await;
    let path = format!("/organizations/{oid}/invitations/bulk");
    let item =
        |i: usize| json!({"email_address": format!("b{i}@example.com"), "role": "org:member"});
    let ten: Vec<Value> = (0..10).map(item).collect();
    let page = emu.post(&path, Value::Array(ten)).await.ok();
    assert_eq!(page["total_count"], 10);
    assert_eq!(items(&page).len(), 10);
    assert!(items(&page).iter().all(|i| i["status"] == "pending"));
    let before = emu.counts();
    let eleven: Vec<Value> = (10..21).map(item).collect();
    emu.post(&path, Value::Array(eleven))
        .await
        .err(400, "bulk_size_exceeded");
    emu.post(&path, json!([]))
        .await
        .err(400, "request_body_invalid");
    emu.post(&path, json!(item(50)))
        .await
        .err(400, "request_body_invalid");
    // One bad item refuses the whole batch.
    for batch in [
        json!([item(30), item(31), {"email_address": "b0@example.com", "role": "org:member"}]),
        json!([item(32), item(32)]),
        json!([item(33), {"email_address": "bad", "role": "org:member"}]),
        json!([item(34), {"email_address": "c@example.com", "role": "org:nope"}]),
        json!([item(35), {"email_address": "c@example.com", "role": "org:member", "inviter_user_id": "user_x"}]),
        json!([item(36), {"role": "org:member"}]),
    ] {
        let r = emu.post(&path, batch.clone()).await;
        assert!([400, 403, 422].contains(&r.status), "{batch}: {}", r.body);
    }
    assert_eq!(emu.counts(), before, "nothing stored");
    let mixed = emu
        .post(
            &path,
            json!([item(40), {"email_address": "c@example.com", "role": "org:admin", "inviter_user_id": admin}]),
        )
        .await
        .ok();
    assert_eq!(mixed["data"][1]["inviter_id"], admin);
    assert_eq!(mixed["data"][1]["role"], "org:admin");
}

#[tokio::test]
async fn organization_invitation_lists() {
    let emu = Emu::start().await;
    let (oid, _admin) = org_with_admin(&emu).await;
    let other = emu.org_id("Other").await;
    let path = format!("/organizations/{oid}/invitations");
    let mut made = Vec::new();
    for email in ["c@example.com", "a@example.com", "b@example.com"] {
        made.push(id(&emu
            .post(&path, json!({"email_address": email, "role": "org:member"}))
            .await
            .ok()));
    }
    emu.post(
        &format!("/organizations/{other}/invitations"),
        json!({"email_address": "a@example.com", "role": "org:member"}),
    )
    .await
    .ok();
    emu.post(&format!("{path}/{}/revoke", made[0]), json!({}))
        .await
        .ok();
    let emails = |page: &Value| -> Vec<String> {
        items(page)
            .iter()
            .map(|i| i["email_address"].as_str().unwrap().to_owned())
            .collect()
    };
    for (q, expected) in [
        ("", vec!["b@example.com", "a@example.com", "c@example.com"]),
        (
            "order_by=created_at",
            vec!["c@example.com", "a@example.com", "b@example.com"],
        ),
        (
            "order_by=email_address",
            vec!["a@example.com", "b@example.com", "c@example.com"],
        ),
        (
            "order_by=-email_address",
            vec!["c@example.com", "b@example.com", "a@example.com"],
        ),
        ("status=pending", vec!["b@example.com", "a@example.com"]),
        ("status=revoked", vec!["c@example.com"]),
        (
            "status=pending&status=revoked",
            vec!["b@example.com", "a@example.com", "c@example.com"],
        ),
        ("status=accepted", vec![]),
        ("email_address=A@example.com", vec!["a@example.com"]),
    ] {
        let page = emu.get(&format!("{path}?{q}")).await.ok();
        assert_eq!(emails(&page), expected, "{q}");
        assert_eq!(page["total_count"], expected.len(), "{q}");
    }
    let page = emu.get(&format!("{path}?limit=1&offset=2")).await.ok();
    assert_eq!(emails(&page), ["c@example.com"]);
    assert_eq!(page["total_count"], 3);
    let pending = emu.get(&format!("{path}/pending")).await.ok();
    assert_eq!(emails(&pending), ["b@example.com", "a@example.com"]);
    assert_eq!(pending["total_count"], 2);
    // Revoked ones have no link.
    let revoked = emu.get(&format!("{path}/{}", made[0])).await.ok();
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["url"], Value::Null);
    // An invitation is found only under its own organization.
    emu.get(&format!("/organizations/{other}/invitations/{}", made[1]))
        .await
        .err(404, "resource_not_found");
    for bad in ["status=lost", "order_by=role", "offset=-1"] {
        emu.get(&format!("{path}?{bad}"))
            .await
            .err(400, "invalid_query_parameter_value");
    }

    // Instance-wide: every organization, with each one's public data.
    let all = emu.get("/organization_invitations").await.ok();
    assert_eq!(all["total_count"], 4);
    for inv in items(&all) {
        let org = &inv["public_organization_data"];
        assert_eq!(org["id"], inv["organization_id"]);
        assert!(org["name"] == "Acme" || org["name"] == "Other");
    }
    let found = emu
        .get("/organization_invitations?query=A@EXAMPLE&status=pending&order_by=created_at")
        .await
        .ok();
    assert_eq!(found["total_count"], 2);
    assert!(
        items(&found)
            .iter()
            .all(|i| i["email_address"] == "a@example.com")
    );

    // Per user: invitations to any of the user's addresses.
    let a = id(&emu
        .user(
            "a@example.com",
            json!({"email_address": ["a@example.com", "c@example.com"]}),
        )
        .await);
    let mine = emu
        .get(&format!("/users/{a}/organization_invitations"))
        .await
        .ok();
    assert_eq!(mine["total_count"], 3);
    assert!(
        items(&mine)
            .iter()
            .all(|i| i["public_organization_data"]["id"].is_string())
    );
    let mine = emu
        .get(&format!(
            "/users/{a}/organization_invitations?status=revoked"
        ))
        .await
        .ok();
    assert_eq!(emails(&mine), ["c@example.com"]);
}

#[tokio::test]
async fn revoking_an_organization_invitation_happens_once() {
    let emu = Emu::start().await;
    let (oid, admin) = org_with_admin(&emu).await;
    let member = emu.user_id("member@example.com").await;
    emu.member(&oid, &member, "org:member").await;
    let inv = id(&emu
        .post(
            &format!("/organizations/{oid}/invitations"),
            json!({"email_address": "x@example.com", "role": "org:member"}),
        )
        .await
        .ok());
    let path = format!("/organizations/{oid}/invitations/{inv}/revoke");
    emu.post(&path, json!({"requesting_user_id": member}))
        .await
        .err(403, "not_an_admin_in_organization");
    let r = emu
        .post(&path, json!({"requesting_user_id": admin}))
        .await
        .ok();
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["url"], Value::Null);
    // Clerk's index: OrganizationInvitationNotPending is a 404.
    let again = emu.post_empty(&path).await;
    let e = again.err(404, "organization_invitation_not_pending");
    assert_eq!(
        e["long_message"],
        "The organization invitation is not in the 'pending' status."
    );
    emu.post_empty(&format!(
        "/organizations/{oid}/invitations/orginv_2xhFjEI5X2qWRvtV13BzSj8H6Dk/revoke"
    ))
    .await
    .err(404, "resource_not_found");
}

#[tokio::test]
async fn an_application_invitation_looks_like_clerks() {
    let emu = Emu::start().await;
    let inv = emu
        .post(
            "/invitations",
            json!({"email_address": "new@example.com", "public_metadata": {"a": 1},
                   "redirect_url": "https://example.com", "notify": false, "expires_in_days": 2}),
        )
        .await
        .ok();
    assert!(is_clerk_id(inv["id"].as_str().unwrap(), "inv"), "{inv}");
    assert_eq!(inv["object"], "invitation");
    assert_eq!(inv["status"], "pending");
    assert_eq!(inv["revoked"], false);
    assert_eq!(inv["public_metadata"], json!({"a": 1}));
    assert!(inv["url"].is_string());
    assert_eq!(
        inv["expires_at"].as_i64().unwrap() - inv["created_at"].as_i64().unwrap(),
        2 * DAY_MS
    );
    let revoked = emu
        .post_empty(&format!("/invitations/{}/revoke", id(&inv)))
        .await
        .ok();
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["revoked"], true);
    assert!(
        revoked.get("url").is_none(),
        "a revoked invitation has no link"
    );
    let r = emu
        .post_empty(&format!("/invitations/{}/revoke", id(&inv)))
        .await;
    assert_eq!(
        r.err(400, "invitation_already_revoked")["long_message"],
        "Invitation is already revoked."
    );
    let r = emu
        .post_empty("/invitations/inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk/revoke")
        .await;
    assert_eq!(
        r.err(404, "resource_not_found")["long_message"],
        "No invitation was found with id inv_2xhFjEI5X2qWRvtV13BzSj8H6Dk."
    );
    // Once revoked, the address may be invited again.
    emu.post("/invitations", json!({"email_address": "new@example.com"}))
        .await
        .ok();
}

#[tokio::test]
async fn duplicate_application_invitations_are_refused() {
    let emu = Emu::start().await;
    emu.post("/invitations", json!({"email_address": "dup@example.com"}))
        .await
        .ok();
    emu.user_id("member@example.com").await;
    let before = emu.counts();
    let r = emu
        .post("/invitations", json!({"email_address": "DUP@example.com"}))
        .await;
    let e = r.err(400, "duplicate_record");
    assert_eq!(e["meta"]["email_addresses"], json!(["DUP@example.com"]));
    assert_eq!(
        e["long_message"],
        "There are already pending invitations for the following email addresses: DUP@example.com"
    );
    emu.post(
        "/invitations",
        json!({"email_address": "member@example.com"}),
    )
    .await
    .err(422, "form_identifier_exists");
    for (body, code) in [
        (
            json!({"email_address": "x@example.com", "template_slug": "nope"}),
            "form_param_value_invalid",
        ),
        (
            json!({"email_address": "x@example.com", "expires_in_days": 400}),
            "form_param_value_invalid",
        ),
        (json!({"email_address": "bad"}), "form_param_format_invalid"),
        (
            json!({"email_address": "x@example.com", "extra": 1}),
            "form_param_unknown",
        ),
        (json!({}), "form_param_missing"),
    ] {
        emu.post("/invitations", body).await.err(422, code);
    }
    assert_eq!(emu.counts(), before, "nothing stored");
    // ignore_existing lets a second invitation (or one to a user's address) through.
    emu.post(
        "/invitations",
        json!({"email_address": "dup@example.com", "ignore_existing": true}),
    )
    .await
    .ok();
    emu.post(
        "/invitations",
        json!({"email_address": "member@example.com", "ignore_existing": true}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn application_bulk_is_one_to_ten_and_all_or_nothing() {
    let emu = Emu::start().await;
    emu.post("/invitations", json!({"email_address": "dup@example.com"}))
        .await
        .ok();
    emu.user_id("member@example.com").await;
    let item = |i: usize| json!({"email_address": format!("b{i}@example.com")});
    let ten: Vec<Value> = (0..10).map(item).collect();
    let list = emu.post("/invitations/bulk", Value::Array(ten)).await.ok();
    assert!(list.is_array(), "a bare array");
    assert_eq!(items(&list).len(), 10);
    let before = emu.counts();
    let eleven: Vec<Value> = (10..21).map(item).collect();
    emu.post("/invitations/bulk", Value::Array(eleven))
        .await
        .err(400, "bulk_size_exceeded");
    let r = emu
        .post(
            "/invitations/bulk",
            json!([item(30), {"email_address": "dup@example.com"}, item(30)]),
        )
        .await;
    let e = r.err(400, "duplicate_record");
    assert_eq!(
        e["meta"]["email_addresses"],
        json!(["dup@example.com", "b30@example.com"])
    );
    // An existing user's address cannot be bypassed in bulk, even with ignore_existing.
    emu.post(
        "/invitations/bulk",
        json!([item(31), {"email_address": "member@example.com", "ignore_existing": true}]),
    )
    .await
    .err(422, "form_identifier_exists");
    emu.post(
        "/invitations/bulk",
        json!([item(32), {"email_address": "x"}]),
    )
    .await
    .err(422, "form_param_format_invalid");
    emu.post(
        "/invitations/bulk",
        json!([item(33), {"email_address": "y@example.com", "nope": 1}]),
    )
    .await
    .err(422, "form_param_unknown");
    assert_eq!(emu.counts(), before, "nothing stored");
}

#[tokio::test]
async fn application_invitation_lists() {
    let emu = Emu::start().await;
    let mut made = Vec::new();
    for (email, days) in [
        ("c@example.com", 5),
        ("a@example.com", 9),
        ("b@example.com", 1),
    ] {
        made.push(id(&emu
            .post(
                "/invitations",
                json!({"email_address": email, "expires_in_days": days}),
            )
            .await
            .ok()));
    }
    let gone = id(&emu
        .post("/invitations", json!({"email_address": "gone@example.com"}))
        .await
        .ok());
    emu.post_empty(&format!("/invitations/{gone}/revoke"))
        .await
        .ok();
    let emails = |list: &Value| -> Vec<String> {
        items(list)
            .iter()
            .map(|i| i["email_address"].as_str().unwrap().to_owned())
            .collect()
    };
    for (q, expected) in [
        // Revoked invitations are left out unless asked for.
        ("", vec!["b@example.com", "a@example.com", "c@example.com"]),
        (
            "order_by=created_at",
            vec!["c@example.com", "a@example.com", "b@example.com"],
        ),
        (
            "order_by=email_address",
            vec!["a@example.com", "b@example.com", "c@example.com"],
        ),
        (
            "order_by=expires_at",
            vec!["b@example.com", "c@example.com", "a@example.com"],
        ),
        (
            "order_by=-expires_at",
            vec!["a@example.com", "c@example.com", "b@example.com"],
        ),
        ("status=revoked", vec!["gone@example.com"]),
        (
            "status=pending&order_by=email_address",
            vec!["a@example.com", "b@example.com", "c@example.com"],
        ),
        ("query=A@EXAMPLE", vec!["a@example.com"]),
        ("limit=1&offset=1", vec!["a@example.com"]),
    ] {
        let list = emu.get(&format!("/invitations?{q}")).await.ok();
        assert!(list.is_array(), "a bare array without paginated=true: {q}");
        assert_eq!(emails(&list), expected, "{q}");
    }
    let by_id = emu
        .get(&format!("/invitations?query={}", made[1]))
        .await
        .ok();
    assert_eq!(ids(&by_id), [made[1].clone()]);
    // paginated=true: {data, total_count}, the total before paging (JS and Go SDKs).
    let page = emu
        .get("/invitations?paginated=true&limit=2&order_by=email_address")
        .await
        .ok();
    assert_eq!(emails(&page), ["a@example.com", "b@example.com"]);
    assert_eq!(page["total_count"], 3);
    let bare = emu.get("/invitations?paginated=false").await.ok();
    assert!(bare.is_array());
    for bad in ["status=lost", "order_by=id"] {
        emu.get(&format!("/invitations?{bad}"))
            .await
            .err(400, "invalid_query_parameter_value");
    }
    for bad in ["paginated=perhaps", "limit=ten"] {
        emu.get(&format!("/invitations?{bad}"))
            .await
            .err(400, "malformed_request_parameters");
    }
}
