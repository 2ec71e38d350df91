use clerk_api::{Client, RetryPolicy, SecretKey};
use clerk_emulator::{Config, Emulator};

pub const KEY: &str = "sk_test_clerkctl_client_tests_0001";

pub async fn emulator(config: Config) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

pub fn client_for(emu: &Emulator) -> Client {
    Client::builder()
        .secret_key(SecretKey::new(KEY))
        .api_url(&emu.base_url())
        .unwrap()
        .retry(RetryPolicy {
            base_delay: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// A fresh emulator and a client for it.
pub async fn setup() -> (Emulator, Client) {
    let emu = emulator(Config::default()).await;
    let client = client_for(&emu);
    (emu, client)
}
