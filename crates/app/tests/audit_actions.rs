//! Every action and object type that a use case writes to the audit log has a name in words
//! (`tianping_domain::audit::AuditAction`, `AuditObject`), so that the audit log page never
//! shows an internal identifier. Reads the calls of `audit::append` in this crate's sources.

use std::path::Path;

use tianping_domain::audit::{AuditAction, AuditObject};

/// The top-level arguments of each `audit::append(…)` call in `text`.
fn append_calls(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("audit::append(") {
        rest = &rest[i + "audit::append(".len()..];
        let mut depth = 0usize;
        let mut args = vec![String::new()];
        let mut in_str = false;
        for c in rest.chars() {
            if in_str {
                args.last_mut().unwrap().push(c);
                if c == '"' {
                    in_str = false;
                }
                continue;
            }
            match c {
                '"' => {
                    in_str = true;
                    args.last_mut().unwrap().push(c);
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    args.last_mut().unwrap().push(c);
                }
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => {
                    depth -= 1;
                    args.last_mut().unwrap().push(c);
                }
                ',' if depth == 0 => args.push(String::new()),
                _ => args.last_mut().unwrap().push(c),
            }
        }
        out.push(args);
    }
    out
}

/// The string literals of an argument.
fn literals(arg: &str) -> Vec<&str> {
    arg.split('"').skip(1).step_by(2).collect()
}

#[test]
fn every_written_action_and_object_has_a_name_in_words() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut calls = 0;
    let mut unnamed = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for args in append_calls(&text) {
            calls += 1;
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            assert!(
                args.len() >= 5,
                "{name}: audit::append with {} arguments",
                args.len()
            );
            let actions = literals(&args[2]);
            assert!(
                !actions.is_empty(),
                "{name}: the action is not a literal: {}",
                args[2]
            );
            for a in actions {
                if a.parse::<AuditAction>().is_err() {
                    unnamed.push(format!("{name}: action “{a}” (add it to AuditAction)"));
                }
            }
            for o in literals(&args[3]) {
                if o.parse::<AuditObject>().is_err() {
                    unnamed.push(format!("{name}: object “{o}” (add it to AuditObject)"));
                }
            }
        }
    }
    assert!(calls >= 15, "only {calls} calls of audit::append found");
    assert!(unnamed.is_empty(), "{}", unnamed.join("\n"));
}
