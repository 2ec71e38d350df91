use clerk_api::models::InvitationStatus;
use futures::TryStreamExt;
use serde_json::json;

use crate::support::setup;

#[tokio::test]
async fn organization_invitations() {
    let (_emu, clerk) = setup().await;
    let org = clerk
        .organizations()
        .create("Initech")
        .send()
        .await
        .unwrap();
    let inv = clerk
        .organization_invitations(&org.id)
        .create("peter@initech.test", "org:member")
        .expires_in_days(7)
        .send()
        .await
        .unwrap();
    assert_eq!(inv.status, Some(InvitationStatus::Pending));
    assert!(inv.id.as_str().starts_with("orginv_"));

    let again = clerk
        .organization_invitations(&org.id)
        .create("peter@initech.test", "org:member")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        again.api().unwrap().code(),
        Some("organization_invitation_not_unique")
    );

    let bulk = clerk
        .organization_invitations(&org.id)
        .create_bulk(vec![
            json!({"email_address": "a@initech.test", "role": "org:member"}),
            json!({"email_address": "b@initech.test", "role": "org:admin"}),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bulk.len(), 2, "the invitations made, as a plain list");
    assert_eq!(bulk[1].role, "org:admin");

    let got = clerk
        .organization_invitations(&org.id)
        .get(&inv.id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.email_address, "peter@initech.test");
    let revoked = clerk
        .organization_invitations(&org.id)
        .revoke(&inv.id)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status, Some(InvitationStatus::Revoked));

    let pending = clerk
        .organization_invitations(&org.id)
        .list()
        .status(["pending"])
        .send()
        .await
        .unwrap();
    assert_eq!(pending.total_count, Some(2));
    let everywhere: Vec<_> = clerk
        .all_organization_invitations()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(everywhere.len(), 3);
    assert!(
        everywhere
            .iter()
            .all(|i| i.public_organization_data.is_some())
    );
}

#[tokio::test]
async fn application_invitations() {
    let (_emu, clerk) = setup().await;
    let inv = clerk
        .invitations()
        .create("new@example.com")
        .send()
        .await
        .unwrap();
    assert!(inv.id.as_str().starts_with("inv_"));
    let dup = clerk
        .invitations()
        .create("new@example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(dup.api().unwrap().code(), Some("duplicate_record"));

    let bulk = clerk
        .invitations()
        .create_bulk(vec![
            json!({"email_address": "b1@example.com"}),
            json!({"email_address": "b2@example.com"}),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bulk.len(), 2);

    let page = clerk.invitations().list().send().await.unwrap();
    assert_eq!(
        page.total_count,
        Some(3),
        "list asks for the paginated shape"
    );

    let revoked = clerk.invitations().revoke(&inv.id).send().await.unwrap();
    assert_eq!(revoked.revoked, Some(true));
    let twice = clerk
        .invitations()
        .revoke(&inv.id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        twice.api().unwrap().code(),
        Some("invitation_already_revoked")
    );
    let revoked_list = clerk
        .invitations()
        .list()
        .status("revoked")
        .send()
        .await
        .unwrap();
    assert_eq!(revoked_list.total_count, Some(1));
}
