//! Application invitations (to sign up): invite, invite in bulk, list, revoke; and a request
//! with its own retry policy.
//!
//! Runs against Clerk's Backend API emulator (the `clerk-emulator` crate), started in-process
//! on 127.0.0.1: `cargo run -p clerk-api --example invitations`.

use std::time::Duration;

use clerk_api::models::InvitationStatus;
use clerk_api::{Client, RetryPolicy, SecretKey};
use clerk_emulator::{Config, Emulator};
use serde_json::json;

async fn invitations(clerk: &Client) -> clerk_api::Result<()> {
    let invitation = clerk
        .invitations()
        .create("grace@example.com")
        .public_metadata(json!({"referrer": "ada"}))
        .redirect_url("https://example.com/welcome")
        .expires_in_days(14)
        .send()
        .await?;
    println!("invited {} ({})", invitation.email_address, invitation.id);

    let made = clerk
        .invitations()
        .create_bulk([
            json!({"email_address": "alan@example.com"}),
            json!({"email_address": "edsger@example.com", "notify": false}),
        ])
        .send()
        .await?;
    assert_eq!(made.len(), 2);

    // This request retries more patiently than the client's default.
    let patient = RetryPolicy {
        max_retries: 8,
        max_delay: Duration::from_secs(5),
        ..RetryPolicy::default()
    };
    let pending = clerk
        .invitations()
        .list()
        .status("pending")
        .retry(patient)
        .send()
        .await?;
    assert_eq!(pending.total_count, Some(3));

    let revoked = clerk.invitations().revoke(&invitation.id).send().await?;
    assert_eq!(revoked.status, Some(InvitationStatus::Revoked));
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Config::default()).await?;
    let clerk = Client::builder()
        .secret_key(SecretKey::new("sk_test_examples"))
        .api_url(&emulator.base_url())?
        .build()?;
    invitations(&clerk).await?;
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
