//! Writing to stdout and stderr without panicking when the reader has gone away.
//!
//! `println!` panics when stdout is a closed pipe (`tianping template … | head -c 10`: Rust
//! ignores SIGPIPE, so the write fails with EPIPE and the macro panics, exit code 101). Every
//! command writes through these functions instead: a broken pipe ends the output quietly and
//! the command exits with its own exit code (0 for a successful command; nobody is left to
//! read the rest). Other write errors (a full disk behind a redirection) are reported.

use std::io::{ErrorKind, Write};

/// Write `text` to stdout. A closed pipe is not an error; any other failure is, with a message.
pub fn stdout(text: &str) -> Result<(), String> {
    let mut o = std::io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("无法写入标准输出：{e}")),
    }
}

/// Write `text` and a line break to stdout (see [`stdout`]).
pub fn stdoutln(text: &str) -> Result<(), String> {
    stdout(&format!("{text}\n"))
}

/// Write a line to stderr. Failing to write a message has nowhere to be reported: ignored.
pub fn stderrln(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e
        .write_all(text.as_bytes())
        .and_then(|()| e.write_all(b"\n"))
        .and_then(|()| e.flush());
}
