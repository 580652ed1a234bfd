//! What the `case check` tests share: running the binary in a fixtures folder with "today"
//! set (TIANPING_TODAY), its JSON output, and reading the due list.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Run `tianping` with `args` in `dir`, today being `today`.
pub fn run(dir: &Path, args: &[&str], today: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(args)
        .env("TIANPING_TODAY", today)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

/// `case check FILE --as-of AS_OF --format json` in `dir`: the exit code and the JSON.
pub fn check_json(dir: &Path, file: &str, as_of: &str, today: &str) -> (i32, Value) {
    let o = run(
        dir,
        &["case", "check", file, "--as-of", as_of, "--format", "json"],
        today,
    );
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{file}: JSON expected ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().expect("exit code"), v)
}

/// Standard output and standard error as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The kinds on the due list, in order.
pub fn kinds(v: &Value) -> Vec<String> {
    v["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap().to_string())
        .collect()
}

/// The due item of a kind.
pub fn due<'a>(v: &'a Value, kind: &str) -> &'a Value {
    v["due"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == kind)
        .unwrap_or_else(|| panic!("{kind} due in {v:#}"))
}
