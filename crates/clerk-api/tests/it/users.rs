use clerk_api::Error;
use futures::TryStreamExt;
use serde_json::json;

use crate::support::setup;

#[tokio::test]
async fn create_get_update_delete() {
    let (_emu, clerk) = setup().await;
    let user = clerk
        .users()
        .create()
        .email_address(["ada@example.com"])
        .first_name("Ada")
        .last_name("Lovelace")
        .external_id("ext-1")
        .public_metadata(json!({"plan": "pro"}).as_object().unwrap().clone())
        .send()
        .await
        .unwrap();
    assert!(user.id.as_str().starts_with("user_"));
    assert_eq!(user.primary_email_address(), Some("ada@example.com"));
    assert_eq!(user.full_name().as_deref(), Some("Ada Lovelace"));
    assert_eq!(user.public_metadata["plan"], "pro");
    assert!(user.created_at.is_some());
    // Unknown-to-the-model fields stay reachable.
    assert!(user.extra.contains_key("passkeys"));

    let fetched = clerk.users().get(&user.id).send().await.unwrap();
    assert_eq!(fetched, user);

    let updated = clerk
        .users()
        .update(&user.id)
        .first_name("Augusta")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.first_name.as_deref(), Some("Augusta"));

    let merged = clerk
        .users()
        .update_metadata(&user.id)
        .public_metadata(
            json!({"plan": null, "seats": 3})
                .as_object()
                .unwrap()
                .clone(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(merged.public_metadata),
        json!({"seats": 3})
    );

    let deleted = clerk.users().delete(&user.id).send().await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.object, "user");

    let err = clerk.users().get(&user.id).send().await.unwrap_err();
    let api = err.api().expect("a Clerk answer");
    assert_eq!(api.status, 404);
    assert_eq!(api.code(), Some("resource_not_found"));
    assert!(api.trace_id.is_some());
    assert!(!err.is_ambiguous());
}

#[tokio::test]
async fn send_json_returns_clerks_json_as_it_came() {
    let (_emu, clerk) = setup().await;
    let created = clerk
        .users()
        .create()
        .username("grace_h")
        .send_json()
        .await
        .unwrap();
    assert_eq!(created["object"], "user");
    assert_eq!(created["username"], "grace_h");
    assert!(created["email_addresses"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn filters_count_and_the_cursor_stream() {
    let (_emu, clerk) = setup().await;
    for i in 0..1234 {
        clerk
            .users()
            .create()
            .email_address([format!("user{i:04}@example.com")])
            .first_name(if i % 2 == 0 { "Even" } else { "Odd" })
            .send()
            .await
            .unwrap();
    }
    assert_eq!(clerk.users().count().send().await.unwrap(), 1234);
    assert_eq!(
        clerk
            .users()
            .count()
            .name_query("odd")
            .send()
            .await
            .unwrap(),
        617
    );

    let page = clerk.users().list().limit(5).send().await.unwrap();
    assert_eq!(page.data.len(), 5);
    assert_eq!(page.total_count, None, "GET /users is a bare array");

    // Every user exactly once, newest first, through the starting_after cursor.
    let all: Vec<_> = clerk
        .users()
        .list()
        .limit(100)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1234);
    let mut ids: Vec<_> = all.iter().map(|u| u.id.clone()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    ids.dedup();
    assert_eq!(ids.len(), 1234);

    // Filters carry into the stream and into the count request built from the list.
    let list = clerk.users().list().name_query("even").limit(50);
    assert_eq!(list.count().send().await.unwrap(), 617);
    let evens: Vec<serde_json::Value> = list.stream_as().try_collect().await.unwrap();
    assert_eq!(evens.len(), 617);
    assert!(evens.iter().all(|u| u["first_name"] == "Even"));
}

#[tokio::test]
async fn the_stream_pages_by_offset_when_ordered_by_another_field() {
    let (_emu, clerk) = setup().await;
    for name in ["Dora", "Bea", "Eve", "Ann", "Cy"] {
        clerk
            .users()
            .create()
            .first_name(name)
            .username(format!("{}_user", name.to_lowercase()))
            .send()
            .await
            .unwrap();
    }
    let names: Vec<String> = clerk
        .users()
        .list()
        .order_by("+first_name")
        .limit(2)
        .stream()
        .map_ok(|u| u.first_name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["Ann", "Bea", "Cy", "Dora", "Eve"]);
    let newest_first: Vec<_> = clerk
        .users()
        .list()
        .order_by("-created_at")
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(newest_first.len(), 5);
}

#[tokio::test]
async fn the_cursor_refuses_other_orders() {
    let (_emu, clerk) = setup().await;
    let err = clerk
        .users()
        .list()
        .order_by("+email_address")
        .starting_after(&"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk".parse().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
}

#[tokio::test]
async fn ban_lock_and_bulk_ban() {
    let (_emu, clerk) = setup().await;
    let a = clerk
        .users()
        .create()
        .username("alpha_user")
        .send()
        .await
        .unwrap();
    let b = clerk
        .users()
        .create()
        .username("beta_user")
        .send()
        .await
        .unwrap();
    assert!(clerk.users().ban(&a.id).send().await.unwrap().banned);
    assert!(!clerk.users().unban(&a.id).send().await.unwrap().banned);
    assert!(clerk.users().lock(&a.id).send().await.unwrap().locked);
    assert!(!clerk.users().unlock(&a.id).send().await.unwrap().locked);
    let banned = clerk.users().ban_many([&a.id, &b.id]).send().await.unwrap();
    assert_eq!(banned.len(), 2);
    assert_eq!(clerk.users().count().banned(true).send().await.unwrap(), 2);
}

#[tokio::test]
async fn clerk_errors_are_kept_whole() {
    let (_emu, clerk) = setup().await;
    clerk
        .users()
        .create()
        .username("taken_name")
        .send()
        .await
        .unwrap();
    let err = clerk
        .users()
        .create()
        .username("taken_name")
        .send()
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 422);
    assert_eq!(api.code(), Some("form_identifier_exists"));
    assert_eq!(api.errors[0].param_name(), Some("username"));
    assert_eq!(api.attempts, 1, "a 422 is not retried");
}

#[tokio::test]
async fn dry_run_masks_the_key_and_sends_nothing() {
    let (emu, clerk) = setup().await;
    let req = clerk.users().create().email_address(["x@example.com"]);
    let prepared = req.prepare();
    assert_eq!(prepared.method, "POST");
    assert_eq!(prepared.url, format!("{}/v1/users", emu.base_url()));
    let auth = &prepared
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .unwrap()
        .1;
    assert_eq!(auth, "Bearer sk_test_…0001");
    assert!(
        prepared
            .headers
            .iter()
            .any(|(k, v)| k == "clerk-api-version" && v == "2026-05-12")
    );
    assert_eq!(
        prepared.body,
        Some(json!({"email_address": ["x@example.com"]}))
    );
    assert_eq!(clerk.stats().requests, 0);
    assert_eq!(emu.engine().counts()[0], 0);
}

#[tokio::test]
async fn verify_password_answers_true_or_clerks_error() {
    let (_emu, clerk) = setup().await;
    let user = clerk
        .users()
        .create()
        .email_address(["pw@example.com"])
        .password_digest("$2b$04$CtHIiSt9gXbgojBWIgWOtOLgi1OMlIHR2qABWrWafqg0oG87qKS9e")
        .password_hasher("bcrypt")
        .send()
        .await
        .unwrap();
    let ok = clerk
        .users()
        .verify_password(&user.id, "correct horse battery staple")
        .send()
        .await
        .unwrap();
    assert!(ok);
    let wrong = clerk
        .users()
        .verify_password(&user.id, "incorrect horse")
        .send()
        .await
        .unwrap_err();
    let api = wrong.api().expect("Clerk's error");
    assert_eq!((api.status, api.code()), (422, Some("incorrect_password")));
    let none = clerk
        .users()
        .create()
        .email_address(["nopw@example.com"])
        .send()
        .await
        .unwrap();
    let e = clerk
        .users()
        .verify_password(&none.id, "anything at all")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.api().unwrap().code(), Some("no_password_set"));
    // The request shown for a dry run carries the body; callers mask it (clerkctl does).
    let shown = clerk.users().verify_password(&user.id, "x").prepare();
    assert_eq!(shown.method, "POST");
    assert!(shown.url.ends_with("/verify_password"), "{}", shown.url);
}
