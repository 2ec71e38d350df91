//! Users: create, find with filters, page through all of them, change metadata, ban, delete.
//!
//! Runs against Clerk's Backend API emulator (the `clerk-emulator` crate), started in-process
//! on 127.0.0.1 with an empty instance: `cargo run -p clerk-api --example users`. Against a
//! real instance, build the client with `Client::from_env()` (`CLERK_SECRET_KEY`) instead.

use clerk_api::{Client, SecretKey};
use clerk_emulator::{Config, Emulator};
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::json;

/// Metadata can be any type that serializes to a JSON object.
#[derive(Serialize)]
struct Billing {
    plan: &'static str,
    seats: u32,
}

async fn users(clerk: &Client) -> clerk_api::Result<()> {
    let ada = clerk
        .users()
        .create()
        .email_address(["ada@example.com"])
        .first_name("Ada")
        .last_name("Lovelace")
        .external_id("crm-1815")
        .public_metadata(Billing {
            plan: "pro",
            seats: 3,
        })
        .send()
        .await?;
    println!(
        "created {} <{}>",
        ada.id,
        ada.primary_email_address().unwrap_or("-")
    );

    for i in 0..25 {
        clerk
            .users()
            .create()
            .email_address([format!("user{i}@example.com")])
            .skip_password_requirement(true)
            .send()
            .await?;
    }

    // Filters are Clerk's query parameters; a list and a count take the same ones.
    let found = clerk
        .users()
        .list()
        .email_address(["ada@example.com"])
        .send()
        .await?;
    assert_eq!(found.data[0].id, ada.id);
    let total = clerk.users().count().send().await?;
    println!("{total} users in all");

    // Every user, page after page (the starting_after cursor, 10 a page here).
    let all: Vec<_> = clerk
        .users()
        .list()
        .limit(10)
        .stream()
        .try_collect()
        .await?;
    assert_eq!(all.len() as u64, total);

    // Deep-merge metadata; a null removes a key.
    let ada = clerk
        .users()
        .update_metadata(&ada.id)
        .public_metadata(json!({"seats": null, "trial": false}))
        .send()
        .await?;
    println!(
        "metadata now {}",
        serde_json::Value::Object(ada.public_metadata.clone())
    );

    let banned = clerk.users().ban(&ada.id).send().await?;
    assert!(banned.banned);
    let banned_count = clerk.users().count().banned(true).send().await?;
    println!("{banned_count} banned");

    let gone = clerk.users().delete(&ada.id).send().await?;
    assert!(gone.deleted);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Config::default()).await?;
    let clerk = Client::builder()
        .secret_key(SecretKey::new("sk_test_examples"))
        .api_url(&emulator.base_url())?
        .build()?;
    users(&clerk).await?;
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
