use futures::TryStreamExt;
use serde_json::json;

use clerk_emulator::{Config, Settings};

use crate::support::{client_for, emulator, setup};

#[tokio::test]
async fn organizations_and_memberships() {
    // The organization gets a slug: an instance with slugs on.
    let _emu = emulator(Config {
        settings: Settings::default().org_slugs(true),
        ..Config::default()
    })
    .await;
    let clerk = client_for(&_emu);
    let owner = clerk
        .users()
        .create()
        .email_address(["owner@acme.test"])
        .send()
        .await
        .unwrap();
    let member = clerk
        .users()
        .create()
        .email_address(["member@acme.test"])
        .send()
        .await
        .unwrap();

    let org = clerk
        .organizations()
        .create("Acme Inc")
        .slug("acme")
        .created_by(owner.id.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(org.slug.as_deref(), Some("acme"));
    let by_slug = clerk
        .organizations()
        .get("acme")
        .include_members_count(true)
        .send()
        .await
        .unwrap();
    assert_eq!(by_slug.id, org.id);
    assert_eq!(by_slug.members_count, Some(1), "the creator is an admin");

    let m = clerk
        .memberships(&org.id)
        .add(member.id.to_string(), "org:member")
        .send()
        .await
        .unwrap();
    assert_eq!(m.role, "org:member");
    assert_eq!(m.organization.id, org.id);
    assert_eq!(m.public_user_data.as_ref().unwrap().user_id, member.id);

    let promoted = clerk
        .memberships(&org.id)
        .update(&member.id, "org:admin")
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.role, "org:admin");
    assert_eq!(promoted.role_name.as_deref(), Some("Admin"));

    let meta = clerk
        .memberships(&org.id)
        .update_metadata(&member.id)
        .public_metadata(json!({"team": "core"}).as_object().unwrap().clone())
        .send()
        .await
        .unwrap();
    assert_eq!(meta.public_metadata["team"], "core");

    let page = clerk
        .memberships(&org.id)
        .list()
        .role(["org:admin"])
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(2));
    let all: Vec<_> = clerk
        .all_memberships()
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let mine = clerk
        .users()
        .organization_memberships(&member.id)
        .send()
        .await
        .unwrap();
    assert_eq!(mine.total_count, Some(1));

    let removed = clerk
        .memberships(&org.id)
        .remove(&member.id)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.public_user_data.unwrap().user_id, member.id);

    let renamed = clerk
        .organizations()
        .update(&org.id)
        .name("Acme Corp")
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name, "Acme Corp");
    let replaced = clerk
        .organizations()
        .replace_metadata(&org.id)
        .private_metadata(json!({"tier": 2}).as_object().unwrap().clone())
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.private_metadata.unwrap()["tier"], 2);

    let deleted = clerk.organizations().delete(&org.id).send().await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(
        clerk
            .organizations()
            .list()
            .send()
            .await
            .unwrap()
            .total_count,
        Some(0)
    );
}

#[tokio::test]
async fn organization_lists_page_with_offset() {
    let (_emu, clerk) = setup().await;
    for i in 0..23 {
        clerk
            .organizations()
            .create(format!("Org {i}"))
            .send()
            .await
            .unwrap();
    }
    let page = clerk
        .organizations()
        .list()
        .limit(10)
        .offset(20)
        .send()
        .await
        .unwrap();
    assert_eq!((page.data.len(), page.total_count), (3, Some(23)));
    let all: Vec<_> = clerk
        .organizations()
        .list()
        .limit(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 23);
    let mut names: Vec<_> = all.iter().map(|o| o.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 23);
}
