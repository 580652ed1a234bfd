//! Two `tianping` servers on one PostgreSQL database behave as one (DESIGN I-24, issue 14):
//! a fresh database, `tianping demo` and `tianping serve` started on it at once (both
//! migrate), then over real HTTP through both: a session made on one is honoured by the
//! other; the body's admin imports certification cases through both at once; four
//! `tianping due --notify` runs at once send each due reminder once; the decider grants
//! every case while the enterprise creates assessments, through both at once — each case
//! gets its own certificate number, the numbers are consecutive, the audit log holds every
//! write in an intact chain, three checkpoints signed at once all check out (`tianping audit
//! verify`); and the public API's rate limit,
//! called through both servers in turn, trips at the same count as one server's.
//!
//! Needs TEST_DATABASE_URL (skipped with a message without it, failing instead when
//! TIANPING_REQUIRE_POSTGRES=1).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tianping_store::Store;

const PASSWORD: &str = "tianping-demo";

/// A server process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tianping(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tianping"));
    for v in [
        "TIANPING_CONFIG",
        "DATABASE_URL",
        "TIANPING_BIND",
        "TIANPING_TODAY",
        "TIANPING_SMTP_URL",
        "TIANPING_AUDIT_KEY",
        "TIANPING_AUDIT_KEY_FILE",
        "TIANPING_AUDIT_CHECKPOINT_FILE",
    ] {
        c.env_remove(v);
    }
    c.env("TIANPING_LOG", "warn").current_dir(dir);
    c
}

fn start(cmd: &str, url: &str, dir: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(dir.join(format!("{cmd}-{port}.log"))).unwrap();
    let child = tianping(dir)
        .args([
            cmd,
            "--database",
            url,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

struct Resp {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The value of a cookie the response sets.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                let (k, rest) = v.split_once('=')?;
                (k == name).then(|| rest.split(';').next().unwrap_or("").to_string())
            })
    }
}

/// One request; `body` as (content type, text).
fn call(
    method: &str,
    url: &str,
    auth: Option<&str>,
    cookie: Option<&str>,
    body: Option<(&str, String)>,
) -> Resp {
    try_call(method, url, auth, cookie, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

fn try_call(
    method: &str,
    url: &str,
    auth: Option<&str>,
    cookie: Option<&str>,
    body: Option<(&str, String)>,
) -> Result<Resp, ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut b = ureq::http::Request::builder().method(method).uri(url);
    if let Some(t) = auth {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    let (ctype, text) = body.unwrap_or(("text/plain", String::new()));
    let req = b.header("content-type", ctype).body(text).unwrap();
    let mut r = agent.run(req)?;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.body_mut().read_to_string().unwrap_or_default();
    Ok(Resp {
        status,
        headers,
        body,
    })
}

fn get(url: &str, auth: Option<&str>) -> Resp {
    call("GET", url, auth, None, None)
}

fn post_json(url: &str, auth: &str, v: &Value) -> Resp {
    call(
        "POST",
        url,
        Some(auth),
        None,
        Some(("application/json", v.to_string())),
    )
}

fn wait_ready(s: &mut Server) {
    let t0 = Instant::now();
    loop {
        if let Ok(Some(st)) = s.child.try_wait() {
            panic!("{} stopped before it was ready: {st}", s.base);
        }
        let r = try_call("GET", &format!("{}/readyz", s.base), None, None, None);
        if r.is_ok_and(|r| r.status == 200) {
            return;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "{} not ready",
            s.base
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn token(base: &str, email: &str) -> String {
    let r = call(
        "POST",
        &format!("{base}/api/v1/tokens"),
        None,
        None,
        Some((
            "application/json",
            json!({"email": email, "password": PASSWORD, "name": "two servers"}).to_string(),
        )),
    );
    assert_eq!(r.status, 201, "{base} {email}: {}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

/// Today in China (the servers' day).
fn today() -> chrono::NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    chrono::DateTime::from_timestamp(secs + 8 * 3600, 0)
        .unwrap()
        .date_naive()
}

/// A certification history up to a stage-2 audit completed 7 days ago with no finding: its
/// decision is due (a reminder to the deciders today), and a grant is allowed.
fn history(admin: i64, decider: i64, scope: &str) -> String {
    let d = |n: i64| (today() + chrono::Duration::days(n)).to_string();
    let (admin, decider) = (admin.to_string(), decider.to_string());
    let header = json!({"case": "certification", "people": [
        {"id": admin, "name": "管理员", "roles": ["body_admin"]},
        {"id": "lead", "name": "审核组长", "competence": ["CCAA-QMS-2020", "EEPC-2025"]},
        {"id": "aud", "name": "审核员", "competence": ["CCAA-EMS-2021", "EEPC-2025"]},
        {"id": decider, "name": "决定人员", "roles": ["decider"]},
    ]});
    let team = json!([{"person": "lead", "role": "leader"}, {"person": "aud", "role": "auditor"}]);
    let events = [
        json!({"type": "application_received", "date": d(-80), "headcount": 120, "scope": scope, "system_start": d(-300)}),
        json!({"type": "application_reviewed", "date": d(-76), "result": "accepted", "by": admin}),
        json!({"type": "contract_signed", "date": d(-70)}),
        json!({"type": "audit_planned", "date": d(-68), "audit": "S1", "kind": "stage1", "start": d(-50), "end": d(-50), "days": 2, "team": team}),
        json!({"type": "plan_confirmed", "date": d(-68), "audit": "S1"}),
        json!({"type": "audit_completed", "date": d(-50), "audit": "S1", "last_day": d(-50)}),
        json!({"type": "audit_planned", "date": d(-45), "audit": "S2", "kind": "stage2", "start": d(-9), "end": d(-7), "days": 6, "team": team}),
        json!({"type": "plan_confirmed", "date": d(-45), "audit": "S2"}),
        json!({"type": "audit_completed", "date": d(-7), "audit": "S2", "last_day": d(-7), "score": 90.0}),
    ];
    let mut text = header.to_string();
    for e in events {
        text.push('\n');
        text.push_str(&e.to_string());
    }
    text.push('\n');
    text
}

/// Run `f(i, base)` for i in 0..n, all at once, alternating between the servers.
fn at_once<T: Send>(bases: &[String], n: usize, f: impl Fn(usize, &str) -> T + Sync) -> Vec<T> {
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..n)
            .map(|i| {
                let (f, base) = (&f, &bases[i % bases.len()]);
                s.spawn(move || f(i, base))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn rows<T>(rt: &tokio::runtime::Runtime, s: &Store, sql: &str) -> Vec<T>
where
    T: for<'r> tianping_store::sqlx::FromRow<'r, tianping_store::sqlx::any::AnyRow> + Send + Unpin,
{
    rt.block_on(async {
        tianping_store::sqlx::query_as::<_, T>(sql)
            .fetch_all(&s.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    })
}

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("tp-two-servers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn two_servers_on_one_postgres_behave_as_one() {
    let url = match std::env::var("TEST_DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            assert_ne!(
                std::env::var("TIANPING_REQUIRE_POSTGRES").as_deref(),
                Ok("1"),
                "TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
            );
            eprintln!(
                "two servers skipped: TEST_DATABASE_URL is not set (the test needs PostgreSQL)"
            );
            return;
        }
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let name = format!(
        "tp_two_{}_{}",
        std::process::id(),
        &tianping_store::random_token()[..8]
    );
    let admin = rt.block_on(Store::connect(&url)).unwrap();
    rt.block_on(
        tianping_store::sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin.pool),
    )
    .unwrap();
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let db = format!("{base}/{name}");
    let dir = scratch();
    let dropped = Dropped {
        rt: &rt,
        admin,
        name,
    };

    run_two_servers(&rt, &db, &dir);

    drop(dropped);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The test's database, dropped at the end, also when the test fails.
struct Dropped<'a> {
    rt: &'a tokio::runtime::Runtime,
    admin: Store,
    name: String,
}

impl Drop for Dropped<'_> {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = self.rt.block_on(async {
            let r = tianping_store::sqlx::query(&sql)
                .execute(&self.admin.pool)
                .await;
            self.admin.close().await;
            r
        });
    }
}

fn run_two_servers(rt: &tokio::runtime::Runtime, db: &str, dir: &Path) {
    let t0 = Instant::now();
    // both start at once: both migrate the empty database; the demo seeds it
    let mut a = start("demo", db, dir);
    let mut b = start("serve", db, dir);
    wait_ready(&mut a);
    wait_ready(&mut b);
    let bases = vec![a.base.clone(), b.base.clone()];
    let store = rt.block_on(Store::connect(db)).unwrap();

    // a session made through A is honoured by B, and B's sign-out ends it for A
    let r = get(&format!("{}/login", a.base), None);
    let csrf = r.cookie("tp_csrf").expect("a CSRF cookie");
    let form = format!("csrf={csrf}&email=admin%40body.demo&password={PASSWORD}&next=");
    let r = call(
        "POST",
        &format!("{}/login", a.base),
        None,
        Some(&format!("tp_csrf={csrf}")),
        Some(("application/x-www-form-urlencoded", form)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let session = r.cookie("tp_session").expect("a session cookie");
    let cookies = format!("tp_csrf={csrf}; tp_session={session}");
    let inbox = |base: &str| call("GET", &format!("{base}/inbox"), None, Some(&cookies), None);
    let page = inbox(&b.base);
    assert_eq!(page.status, 200, "B knows A's session");
    assert_eq!(inbox(&a.base).status, 200);
    let token_of = |body: &str| {
        let (_, rest) = body.split_once(r#"name="csrf" value=""#)?;
        rest.split('"').next().map(str::to_string)
    };
    let form_csrf = token_of(&page.body).expect("the page's CSRF field");
    let r = call(
        "POST",
        &format!("{}/logout", b.base),
        None,
        Some(&cookies),
        Some((
            "application/x-www-form-urlencoded",
            format!("csrf={form_csrf}"),
        )),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        inbox(&a.base).status,
        303,
        "signed out through B, out on A too"
    );

    // tokens through each server
    let admin_t = token(&a.base, "admin@body.demo");
    let decider_t = token(&b.base, "decider@body.demo");
    let ent_t = [
        token(&a.base, "hefeng@ent.demo"),
        token(&b.base, "hefeng@ent.demo"),
    ];
    let me = |t: &str, base: &str| get(&format!("{base}/api/v1/me"), Some(t)).json();
    let admin_id = me(&admin_t, &b.base)["id"].as_i64().unwrap();
    let decider_id = me(&decider_t, &a.base)["id"].as_i64().unwrap();
    let hefeng_ent = me(&ent_t[0], &b.base)["enterprise_id"].as_i64().unwrap();
    let ents = get(&format!("{}/api/v1/enterprises", a.base), Some(&admin_t)).json();
    let ents: Vec<i64> = ents["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{ents}"))
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(!ents.is_empty());

    // the body's admin imports K cases through both servers at once
    const K: usize = 8;
    let cases: Vec<i64> = at_once(&bases, K, |i, base| {
        let e = ents[i % ents.len()];
        let r = call(
            "POST",
            &format!("{base}/api/v1/cases/import?enterprise_id={e}"),
            Some(&admin_t),
            None,
            Some((
                "application/jsonl",
                history(admin_id, decider_id, &format!("履约管理 {i}")),
            )),
        );
        assert_eq!(r.status, 201, "{base}: {}", r.body);
        let v = r.json();
        assert_eq!(v["violations"], json!([]), "{v}");
        v["case_id"].as_i64().unwrap()
    });
    let ours: BTreeSet<i64> = cases.iter().copied().collect();
    assert_eq!(ours.len(), K);
    let in_ours = ours
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",");

    // four reminder runs at once (as the servers' hourly tasks): each case's decision
    // reminder is sent once, to each decider once
    let runs: Vec<_> = (0..4)
        .map(|_| {
            tianping(dir)
                .args(["due", "--notify", "--database", db])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut r in runs {
        let st = r.wait().unwrap();
        let mut err = String::new();
        r.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(st.success(), "due --notify: {st} {err}");
    }
    let sent: Vec<(i64, String, String)> = rows(
        rt,
        &store,
        &format!("SELECT case_id, kind, stage FROM case_reminders WHERE case_id IN ({in_ours})"),
    );
    let expected: Vec<(i64, String, String)> = ours
        .iter()
        .map(|c| (*c, "decision".to_string(), "week".to_string()))
        .collect();
    let mut got = sent.clone();
    got.sort();
    assert_eq!(got, expected, "one decision reminder per case");
    let deciders: Vec<(i64,)> = rows(
        rt,
        &store,
        "SELECT u.id FROM users u JOIN users d ON d.org_id = u.org_id \
         WHERE d.email = 'decider@body.demo' AND u.role = 'decider'",
    );
    let told: Vec<(i64, String)> = rows(
        rt,
        &store,
        "SELECT user_id, link FROM notifications WHERE kind = 'case_due'",
    );
    let mut per: BTreeMap<(i64, String), usize> = BTreeMap::new();
    for t in told {
        *per.entry(t).or_default() += 1;
    }
    for c in &ours {
        for (d,) in &deciders {
            assert_eq!(
                per.get(&(*d, format!("/cases/{c}"))),
                Some(&1),
                "decider {d}, case {c}: {per:?}"
            );
        }
    }
    assert!(
        per.values().all(|n| *n == 1),
        "a notice sent twice: {per:?}"
    );
    let (reminded,): (i64,) = rows(
        rt,
        &store,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'case_remind' AND object_id IN ({})",
            ours.iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(",")
        ),
    )[0];
    assert_eq!(reminded, K as i64, "one audit entry per case reminded");

    // at once through both: the decider grants every case, the enterprise creates M
    // assessments
    const M: usize = 16;
    let (before,): (i64,) = rows(rt, &store, "SELECT seq FROM audit_head")[0];
    let day = today().to_string();
    let n = K + M;
    let statuses = at_once(&bases, n, |i, base| {
        if i < K {
            let r = post_json(
                &format!("{base}/api/v1/cases/{}/events", cases[i]),
                &decider_t,
                &json!({"type": "decision", "date": day, "audit": "S2", "result": "grant"}),
            );
            (r.status, r.body)
        } else {
            let r = post_json(
                &format!("{base}/api/v1/assessments"),
                &ent_t[i % 2],
                &json!({"enterprise_id": hefeng_ent, "scheme": "t-sdditai-5121-2023",
                        "variant": "manufacturing", "title": format!("并发 {i}")}),
            );
            (r.status, r.body)
        }
    });
    for (i, (st, body)) in statuses.iter().enumerate() {
        let want = if i < K { 200 } else { 201 };
        assert_eq!(*st, want, "request {i}: {body}");
    }
    let certs: Vec<(String, i64)> = rows(
        rt,
        &store,
        &format!("SELECT number, case_id FROM certificates WHERE case_id IN ({in_ours})"),
    );
    let holders: BTreeSet<i64> = certs.iter().map(|c| c.1).collect();
    assert_eq!(certs.len(), K, "one certificate per case: {certs:?}");
    assert_eq!(holders, ours, "{certs:?}");
    let mut seqs: Vec<i64> = certs
        .iter()
        .map(|(n, _)| {
            let digits: String = n.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
            digits.chars().rev().collect::<String>().parse().unwrap()
        })
        .collect();
    seqs.sort();
    seqs.dedup();
    assert_eq!(seqs.len(), K, "no number twice: {certs:?}");
    assert_eq!(
        seqs[K - 1] - seqs[0],
        K as i64 - 1,
        "consecutive numbers: {certs:?}"
    );
    let (created,): (i64,) = rows(
        rt,
        &store,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE seq > {before} AND object_type = 'assessment' AND action = 'create'"
        ),
    )[0];
    assert_eq!(created, M as i64, "every assessment audited once");
    let (granted,): (i64,) = rows(
        rt,
        &store,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE seq > {before} AND action = 'case_event' AND object_id IN ({})",
            ours.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(",")
        ),
    )[0];
    assert_eq!(
        granted,
        2 * K as i64,
        "every grant audited once, and the certificate it issues"
    );
    let (head, count): (i64, i64) = rows(
        rt,
        &store,
        "SELECT (SELECT seq FROM audit_head), (SELECT COUNT(*) FROM audit_log)",
    )[0];
    assert_eq!(head, count, "no gap in the audit log");
    // three checkpoints signed at once with one key and one external file (serialised), then
    // the chain and every checkpoint verified
    let key = dir.join("audit.key").display().to_string();
    let k = tianping(dir)
        .args(["audit", "keygen", "--out", &key])
        .output()
        .unwrap();
    assert!(k.status.success(), "{k:?}");
    let signers: Vec<_> = (0..3)
        .map(|_| {
            tianping(dir)
                .args([
                    "audit",
                    "checkpoint",
                    "--database",
                    db,
                    "--audit-key-file",
                    &key,
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in signers {
        assert!(c.wait().unwrap().success(), "audit checkpoint");
    }
    let (signed,): (i64,) = rows(rt, &store, "SELECT COUNT(*) FROM audit_checkpoint")[0];
    assert_eq!(signed, 3);
    let lines = std::fs::read_to_string(format!("{key}.checkpoints.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 3, "{lines}");
    let v = tianping(dir)
        .args([
            "audit",
            "verify",
            "--database",
            db,
            "--audit-key-file",
            &key,
        ])
        .output()
        .unwrap();
    assert!(
        v.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );

    // the public API's limit, through A and B in turn from one address: the burst of 30
    // passes, then 429 as one server would say — not 30 through each
    let mut refused = None;
    for i in 0..60 {
        let r = get(&format!("{}/api/v1/public/grades", bases[i % 2]), None);
        if r.status == 429 {
            refused = Some((i, r));
            break;
        }
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let (i, r) = refused.expect("refused within 60 requests");
    assert!((30..=32).contains(&i), "refused after {i} requests");
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    let other = get(
        &format!("{}/api/v1/public/grades", bases[(i + 1) % 2]),
        None,
    );
    assert_eq!(other.status, 429, "the other server refuses too");

    rt.block_on(store.close());
    drop(a);
    drop(b);
    eprintln!("two servers: {:.1} s", t0.elapsed().as_secs_f64());
}
