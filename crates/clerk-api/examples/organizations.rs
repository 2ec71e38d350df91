//! Organizations: create, get by ID or slug, list and search, update, metadata, delete.
//!
//! Runs against Clerk's Backend API emulator (the `clerk-emulator` crate), started in-process
//! on 127.0.0.1 as an instance with organization slugs on:
//! `cargo run -p clerk-api --example organizations`.

use clerk_api::ids::OrganizationRef;
use clerk_api::{Client, SecretKey};
use clerk_emulator::{Config, Emulator, Settings};
use serde_json::json;

async fn organizations(clerk: &Client) -> clerk_api::Result<()> {
    let owner = clerk
        .users()
        .create()
        .email_address(["owner@acme.test"])
        .send()
        .await?;
    let acme = clerk
        .organizations()
        .create("Acme Inc")
        .slug("acme")
        .created_by(&owner.id)
        .private_metadata(json!({"billing_id": "cus_123"}))
        .send()
        .await?;
    println!("created {} ({})", acme.id, acme.name);

    // The one path Clerk also takes a slug on: an OrganizationRef says which it is.
    let by_slug = clerk
        .organizations()
        .get(OrganizationRef::parse("acme")?)
        .include_members_count(true)
        .send()
        .await?;
    assert_eq!(by_slug.id, acme.id);
    println!("{} has {:?} members", by_slug.name, by_slug.members_count);

    clerk.organizations().create("Globex").send().await?;
    let page = clerk.organizations().list().query("acme").send().await?;
    assert_eq!(page.total_count, Some(1));

    let renamed = clerk
        .organizations()
        .update(&acme.id)
        .name("Acme Corporation")
        .max_allowed_memberships(50)
        .send()
        .await?;
    println!("renamed to {}", renamed.name);

    clerk
        .organizations()
        .update_metadata(&acme.id)
        .public_metadata(json!({"tier": "enterprise"}))
        .send()
        .await?;

    let gone = clerk.organizations().delete(&acme.id).send().await?;
    assert!(gone.deleted);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A new Clerk instance has organization slugs off; this one has them on.
    let emulator = Emulator::start(Config {
        settings: Settings::default().org_slugs(true),
        ..Config::default()
    })
    .await?;
    let clerk = Client::builder()
        .secret_key(SecretKey::new("sk_test_examples"))
        .api_url(&emulator.base_url())?
        .build()?;
    organizations(&clerk).await?;
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
