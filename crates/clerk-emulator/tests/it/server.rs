//! The emulator as a server others can reach: half-sent requests are dropped after the
//! header-read timeout, connections past the cap are answered 503, a data file is served by
//! one emulator at a time, and keys are compared in full.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use clerk_emulator::server::StartError;
use clerk_emulator::{Config, Emulator};

/// Everything the server sends until it closes the connection (a long read timeout only
/// stops a broken test from hanging).
fn read_to_close(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut got = Vec::new();
    stream
        .read_to_end(&mut got)
        .expect("the server closes the connection");
    String::from_utf8_lossy(&got).into_owned()
}

fn get(addr: std::net::SocketAddr, key: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /v1/users/count HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {key}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    read_to_close(&mut s)
}

#[tokio::test]
async fn half_sent_and_silent_connections_are_closed_after_the_header_read_timeout() {
    let emu = Emulator::start(Config {
        header_read_timeout: Duration::from_millis(300),
        ..Config::default()
    })
    .await
    .unwrap();
    let addr = emu.addr();
    let answers = tokio::task::spawn_blocking(move || {
        // Half a request head, never finished.
        let mut half = TcpStream::connect(addr).unwrap();
        half.write_all(b"GET /v1/users HTTP/1.1\r\nhost: x\r\nauthorization: Bea")
            .unwrap();
        // Nothing at all.
        let mut silent = TcpStream::connect(addr).unwrap();
        (read_to_close(&mut half), read_to_close(&mut silent))
    })
    .await
    .unwrap();
    for answer in [answers.0, answers.1] {
        assert!(!answer.contains(" 200 "), "never served: {answer}");
    }
    // The server still answers whole requests.
    let ok = tokio::task::spawn_blocking(move || get(addr, "sk_test_x"))
        .await
        .unwrap();
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

#[tokio::test]
async fn connections_over_the_cap_are_answered_503_and_closed() {
    let emu = Emulator::start(Config {
        max_connections: 2,
        ..Config::default()
    })
    .await
    .unwrap();
    let addr = emu.addr();
    let answer = tokio::task::spawn_blocking(move || {
        // Two idle connections hold both places; each is answered once the server took it.
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /v1/users/count HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sk_test_x\r\n\r\n")
                .unwrap();
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            let mut buf = [0u8; 12];
            s.read_exact(&mut buf).unwrap();
            assert_eq!(&buf, b"HTTP/1.1 200");
            held.push(s);
        }
        let third = get(addr, "sk_test_x");
        drop(held);
        third
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too many connections"), "{answer}");
}

#[tokio::test]
async fn a_second_emulator_on_the_same_data_file_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state.db");
    let config = || Config {
        data: Some(data.clone()),
        ..Config::default()
    };
    let first = Emulator::start(config()).await.unwrap();
    let second = Emulator::start(config()).await;
    match second {
        Err(e @ StartError::Locked { .. }) => {
            assert!(e.to_string().contains("state.db"), "{e}");
        }
        other => panic!("a second emulator started: {other:?}"),
    }
    first.shutdown().await;
    // Once the first stops, the file is free again.
    Emulator::start(config()).await.unwrap().shutdown().await;
}

#[tokio::test]
async fn only_the_configured_key_is_accepted_in_full() {
    let key = "sk_test_the_only_key_0123456789";
    let emu = Emulator::start(Config {
        secret_keys: vec![key.to_owned()],
        ..Config::default()
    })
    .await
    .unwrap();
    let addr = emu.addr();
    tokio::task::spawn_blocking(move || {
        assert!(get(addr, key).starts_with("HTTP/1.1 200"));
        for wrong in [
            "sk_test_the_only_key_012345678",
            "sk_test_the_only_key_01234567899",
            "sk_test_other",
            "sk_test_the_only_key_0123456780",
        ] {
            let answer = get(addr, wrong);
            assert!(answer.starts_with("HTTP/1.1 401"), "{wrong}: {answer}");
        }
    })
    .await
    .unwrap();
}
