//! Memberships: add users to an organization, filter by role, change a role, merge a
//! member's metadata, remove a member.
//!
//! Runs against Clerk's Backend API emulator (the `clerk-emulator` crate), started in-process
//! on 127.0.0.1: `cargo run -p clerk-api --example memberships`.

use clerk_api::{Client, SecretKey};
use clerk_emulator::{Config, Emulator};
use futures::TryStreamExt;
use serde_json::json;

async fn memberships(clerk: &Client) -> clerk_api::Result<()> {
    let org = clerk.organizations().create("Initech").send().await?;
    let mut people = Vec::new();
    for name in ["peter", "michael", "samir"] {
        let user = clerk
            .users()
            .create()
            .email_address([format!("{name}@initech.test")])
            .first_name(name)
            .send()
            .await?;
        people.push(user);
    }
    let members = clerk.memberships(&org.id);
    for user in &people {
        members.add(&user.id, "org:member").send().await?;
    }
    members.update(&people[0].id, "org:admin").send().await?;

    let admins = members.list().role(["org:admin"]).send().await?;
    assert_eq!(admins.total_count, Some(1));

    members
        .update_metadata(&people[1].id)
        .public_metadata(json!({"team": "printers"}))
        .send()
        .await?;

    let removed = members.remove(&people[2].id).send().await?;
    println!("removed {}", removed.id);

    let everyone: Vec<_> = members.list().stream().try_collect().await?;
    for m in &everyone {
        let who = m
            .public_user_data
            .as_ref()
            .and_then(|u| u.identifier.clone());
        println!("{} {}", m.role, who.unwrap_or_default());
    }
    assert_eq!(everyone.len(), 2);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Config::default()).await?;
    let clerk = Client::builder()
        .secret_key(SecretKey::new("sk_test_examples"))
        .api_url(&emulator.base_url())?
        .build()?;
    memberships(&clerk).await?;
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
