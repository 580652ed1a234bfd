//! A real SMTP receiver on 127.0.0.1 for the tests: enough of the protocol for a client
//! without TLS or authentication (EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT); it
//! keeps every message it accepts, parsed with `mail-parser` (which decodes the encoded
//! Chinese subject and body).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

pub struct Receiver {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
    task: tokio::task::JoinHandle<()>,
}

/// A free port on 127.0.0.1 (nothing listens there once this returns).
pub async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

impl Receiver {
    /// A receiver on a free port.
    pub async fn start() -> Receiver {
        Receiver::start_on(0).await
    }

    pub async fn start_on(port: u16) -> Receiver {
        let l = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let addr = l.local_addr().unwrap();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        let task = tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                tokio::spawn(session(s, kept.clone()));
            }
        });
        Receiver { addr, mails, task }
    }

    /// `smtp://127.0.0.1:PORT`, for `smtp_url`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// The messages to one address.
    pub fn to(&self, addr: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == addr))
            .collect()
    }

    /// Stop listening: the port refuses connections once this returns.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Between `<` and `>` of `MAIL FROM:<a>` / `RCPT TO:<b>`.
fn angle(line: &str) -> String {
    let a = line.find('<').map(|i| i + 1).unwrap_or(0);
    let b = line.rfind('>').unwrap_or(line.len());
    line.get(a..b).unwrap_or("").to_string()
}

async fn session(s: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) {
    let (r, mut w) = s.into_split();
    let mut r = BufReader::new(r);
    let _ = w.write_all(b"220 test.local ESMTP\r\n").await;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 test.local\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = angle(&cmd);
            to.clear();
            b"250 ok\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(angle(&cmd));
            b"250 ok\r\n"
        } else if upper == "DATA" {
            let _ = w.write_all(b"354 end with .\r\n").await;
            let mut raw = Vec::new();
            loop {
                let mut l = Vec::new();
                if r.read_until(b'\n', &mut l).await.unwrap_or(0) == 0 {
                    return;
                }
                if l == b".\r\n" {
                    break;
                }
                let l = if l.starts_with(b"..") {
                    &l[1..]
                } else {
                    &l[..]
                };
                raw.extend_from_slice(l);
            }
            let m = mail_parser::MessageParser::default().parse(&raw[..]);
            let (subject, body) = m
                .as_ref()
                .map(|m| {
                    let s = m.subject().unwrap_or_default().to_string();
                    (s, m.body_text(0).map(|b| b.to_string()).unwrap_or_default())
                })
                .unwrap_or_default();
            mails.lock().unwrap().push(Mail {
                from: from.clone(),
                to: std::mem::take(&mut to),
                subject,
                body,
            });
            b"250 queued\r\n"
        } else if upper == "QUIT" {
            let _ = w.write_all(b"221 bye\r\n").await;
            return;
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 ok\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        if w.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// Send the application's e-mail through `smtp_url` (none: no e-mail), from a fixed sender,
/// with links to `https://tianping.test`.
pub fn use_smtp(app: &mut crate::common::App, smtp_url: Option<&str>) {
    let mut c = (*app.state.config).clone();
    c.smtp_url = smtp_url.map(|u| tianping_app::config::Secret(u.to_string()));
    c.mail_from = Some("天平 <noreply@tianping.test>".into());
    c.base_url = Some(BASE.into());
    let st = tianping_app::App::new(
        app.state.store.clone(),
        app.state.catalog,
        c,
        app.state.clock.clone(),
    );
    app.router = tianping_web::router(st.clone());
    app.state = st;
}

/// The base URL [`use_smtp`] configures.
pub const BASE: &str = "https://tianping.test";

/// The first link to this site in a message, as a path (`/invite/…`).
pub fn link_path(m: &Mail) -> String {
    let i = m
        .body
        .find(BASE)
        .unwrap_or_else(|| panic!("no link: {}", m.body));
    let rest = &m.body[i + BASE.len()..];
    rest.split_whitespace().next().unwrap_or("").to_string()
}
