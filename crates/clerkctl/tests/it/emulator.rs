//! `clerkctl emulator`: the URL on the first stdout line, durability across `kill -9`, and a
//! clean exit on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

/// A running `clerkctl emulator` and the base URL it printed.
struct Running {
    child: Child,
    addr: String,
    // Held so the child's stdout stays open.
    _stdout: BufReader<ChildStdout>,
}

fn start(data: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clerkctl"))
        .args(["emulator", "--port", "0", "--data"])
        .arg(data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("clerkctl starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line.trim();
    let addr = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("the first line is the base URL, got {line:?}"));
    assert!(addr.starts_with("127.0.0.1:"), "loopback by default: {url}");
    Running {
        addr: addr.to_owned(),
        child,
        _stdout: stdout,
    }
}

/// One HTTP/1.1 exchange on a fresh connection: status and JSON body.
fn call(addr: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} /v1{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer sk_test_cli\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn ok(addr: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, body) = call(addr, method, path, body);
    assert_eq!(status, 200, "{method} {path}: {body}");
    body
}

#[test]
fn kill_9_loses_no_answered_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("clerk.db");
    let mut emu = start(&data);
    let a = emu.addr.clone();
    let org = ok(&a, "POST", "/organizations", Some(json!({"name": "Acme"})))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut users = Vec::new();
    for i in 0..20 {
        let u = ok(
            &a,
            "POST",
            "/users",
            Some(json!({"email_address": [format!("u{i}@example.com")]})),
        );
        let id = u["id"].as_str().unwrap().to_owned();
        if i % 4 == 0 {
            ok(
                &a,
                "POST",
                &format!("/organizations/{org}/memberships"),
                Some(json!({"user_id": id, "role": "org:member"})),
            );
        }
        ok(
            &a,
            "PATCH",
            &format!("/users/{id}/metadata"),
            Some(json!({"public_metadata": {"n": i}})),
        );
        users.push(id);
    }
    // The last answered write, right before the kill.
    ok(&a, "DELETE", &format!("/users/{}", users[19]), None);
    emu.child.kill().unwrap();
    let status = emu.child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed, not stopped: {status:?}");

    let mut emu = start(&data);
    let a = emu.addr.clone();
    for (i, id) in users.iter().enumerate().take(19) {
        let u = ok(&a, "GET", &format!("/users/{id}"), None);
        assert_eq!(u["public_metadata"], json!({"n": i}));
    }
    assert_eq!(
        call(&a, "GET", &format!("/users/{}", users[19]), None).0,
        404
    );
    assert_eq!(ok(&a, "GET", "/users/count", None)["total_count"], 19);
    let members = ok(
        &a,
        "GET",
        &format!("/organizations/{org}/memberships"),
        None,
    );
    assert_eq!(members["total_count"], 5);

    // SIGTERM stops it cleanly, exit 0.
    let pid = emu.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = emu.child.wait().unwrap();
    assert!(status.success(), "exits 0 on SIGTERM: {status:?}");
}
