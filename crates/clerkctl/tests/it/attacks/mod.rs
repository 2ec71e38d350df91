//! Attacks on clerkctl, performed: each test does what a hostile input, file, process or server
//! would do, and checks that it does no harm. SECURITY.md cites them by name.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;

use serde_json::{Value, json};

use crate::support::Cli;

mod files;
mod input;
mod journals;
mod mcp_files;
mod network;
mod redaction;
mod skill;

/// Runs `clerkctl ARGS` (an MCP server) on stdio, calls each tool in turn, and answers each
/// call's result (the JSON-RPC `result` or `error`) and everything the server wrote on stderr.
/// Standard input is closed only after the last answer, so nothing races.
pub fn mcp_stdio(cli: &Cli, args: &[&str], calls: &[(&str, Value)]) -> (Vec<Value>, String) {
    let mut child = cli
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = child.stderr.take().unwrap();
    let errs = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut send = |v: Value| {
        writeln!(stdin, "{v}").unwrap();
        stdin.flush().unwrap();
    };
    let mut answer = |id: u64| -> Value {
        loop {
            let mut line = String::new();
            assert!(
                stdout.read_line(&mut line).unwrap() > 0,
                "the server ended early"
            );
            let v: Value = serde_json::from_str(&line).unwrap();
            if v["id"] == id {
                return v.get("result").or(v.get("error")).cloned().unwrap();
            }
        }
    };
    send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "attacks", "version": "1"}}}),
    );
    answer(0);
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    let mut answers = Vec::new();
    for (i, (name, arguments)) in calls.iter().enumerate() {
        let id = i as u64 + 1;
        send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": name, "arguments": arguments}}));
        answers.push(answer(id));
    }
    drop(stdin);
    child.wait().unwrap();
    (answers, errs.join().unwrap())
}
