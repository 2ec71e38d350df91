//! Organization invitations: invite one address, invite ten at once, list pending ones,
//! revoke one.
//!
//! Runs against Clerk's Backend API emulator (the `clerk-emulator` crate), started in-process
//! on 127.0.0.1: `cargo run -p clerk-api --example organization_invitations`.

use clerk_api::models::InvitationStatus;
use clerk_api::{Client, SecretKey};
use clerk_emulator::{Config, Emulator, Settings};
use serde::Serialize;

/// A bulk item can be any type that serializes to the create request's fields.
#[derive(Serialize)]
struct Invitee {
    email_address: String,
    role: &'static str,
    notify: bool,
}

async fn organization_invitations(clerk: &Client) -> clerk_api::Result<()> {
    let admin = clerk
        .users()
        .create()
        .email_address(["admin@hooli.test"])
        .send()
        .await?;
    let org = clerk
        .organizations()
        .create("Hooli")
        .created_by(&admin.id)
        .send()
        .await?;
    let invitations = clerk.organization_invitations(&org.id);

    let gavin = invitations
        .create("gavin@hooli.test", "org:admin")
        .inviter_user_id(&admin.id)
        .expires_in_days(7)
        .send()
        .await?;
    println!("invited {} ({})", gavin.email_address, gavin.id);

    // Up to ten a request, created all or none; the answer is the invitations made.
    let team: Vec<Invitee> = (1..=10)
        .map(|i| Invitee {
            email_address: format!("engineer{i}@hooli.test"),
            role: "org:member",
            notify: false,
        })
        .collect();
    let made = invitations.create_bulk(team).send().await?;
    assert_eq!(made.len(), 10);

    let pending = invitations
        .list()
        .status(["pending"])
        .limit(50)
        .send()
        .await?;
    assert_eq!(pending.total_count, Some(11));

    let revoked = invitations
        .revoke(&gavin.id)
        .requesting_user_id(&admin.id)
        .send()
        .await?;
    assert_eq!(revoked.status, Some(InvitationStatus::Revoked));

    // Every organization's invitations, searched by address.
    let everywhere = clerk
        .all_organization_invitations()
        .query("engineer1")
        .send()
        .await?;
    println!("{:?} invitations match engineer1", everywhere.total_count);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A new Clerk instance allows 5 members an organization, pending invitations included;
    // this one has no such limit.
    let emulator = Emulator::start(Config {
        settings: Settings {
            membership_limit: 0,
            ..Settings::default()
        },
        ..Config::default()
    })
    .await?;
    let clerk = Client::builder()
        .secret_key(SecretKey::new("sk_test_examples"))
        .api_url(&emulator.base_url())?
        .build()?;
    organization_invitations(&clerk).await?;
    emulator.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main().unwrap();
    }
}
