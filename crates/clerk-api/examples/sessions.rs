//! Sessions and tokens: sign a user in, get a session token to call your own API with, a token
//! from a JWT template, the PEM key that verifies them offline, then revoke the session.
//!
//! Runs against Clerk's Backend API emulator (the `clerk-emulator` crate), started in-process
//! on 127.0.0.1: `cargo run -p clerk-api --example sessions`.

use clerk_api::models::SessionStatus;
use clerk_api::{Client, SecretKey};
use clerk_emulator::{Config, Emulator};
use serde_json::json;

async fn sessions(clerk: &Client) -> clerk_api::Result<()> {
    let ada = clerk
        .users()
        .create()
        .email_address(["ada@example.test"])
        .first_name("Ada")
        .send()
        .await?;
    let org = clerk
        .organizations()
        .create("Analytical Engines")
        .send()
        .await?;
    clerk
        .memberships(&org.id)
        .add(&ada.id, "org:admin")
        .send()
        .await?;

    // A session with the organization active: its tokens carry it (the `o` claim).
    let session = clerk
        .sessions()
        .create(&ada.id)
        .active_organization_id(&org.id)
        .send()
        .await?;
    assert_eq!(session.status, SessionStatus::Active);

    let token = clerk
        .sessions()
        .token(&session.id)
        .expires_in_seconds(600)
        .send()
        .await?;
    let claims = token.claims().expect("a JWT");
    assert_eq!(claims["sub"], ada.id.as_str());
    assert_eq!(claims["o"]["id"], org.id.as_str());
    println!("curl -H 'Authorization: Bearer {}…' ...", &token.jwt[..16]);

    // A custom token for another service, from a template.
    let claims = json!({"email": "{{user.primary_email_address}}", "aud": "reports"});
    let template = clerk
        .jwt_templates()
        .create("reports", claims)
        .lifetime(300)
        .send()
        .await?;
    let custom = clerk
        .sessions()
        .template_token(&session.id, &template.name)
        .send()
        .await?;
    assert_eq!(custom.claims().expect("a JWT")["email"], "ada@example.test");

    // The key both tokens are signed with, as `CLERK_JWT_KEY` takes it.
    let jwks = clerk.jwks().send().await?;
    let kid = token.header().expect("a JWT")["kid"].clone();
    let key = jwks
        .key(kid.as_str().unwrap_or_default())
        .expect("the signing key");
    print!("{}", key.to_pem().expect("an RSA key"));

    let mine = clerk
        .sessions()
        .list()
        .user_id(&ada.id)
        .status("active")
        .send()
        .await?;
    assert_eq!(mine.total_count, Some(1));
    let revoked = clerk.sessions().revoke(&session.id).send().await?;
    assert_eq!(revoked.status, SessionStatus::Revoked);
    // A revoked session mints no more tokens.
    assert!(clerk.sessions().token(&session.id).send().await.is_err());
    clerk.jwt_templates().delete(&template.id).send().await?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Config::default()).await?;
    let clerk = Client::builder()
        .secret_key(SecretKey::new("sk_test_examples"))
        .api_url(&emulator.base_url())?
        .build()?;
    sessions(&clerk).await?;
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
