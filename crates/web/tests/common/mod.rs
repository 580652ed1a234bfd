//! Test harness: the application on a fresh SQLite file and, when TEST_DATABASE_URL is set,
//! on a fresh PostgreSQL schema; a cookie-keeping browser-like client and an API client that
//! drive the router in process.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tianping_catalog::Catalog;
use tianping_store::Store;
use tianping_web::{App as AppState, Config};
use tower::ServiceExt;

pub fn catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| Box::leak(Box::new(Catalog::load(None).expect("shipped schemes load"))))
}

pub struct App {
    pub backend: &'static str,
    pub state: AppState,
    pub router: Router,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl App {
    /// Drop the PostgreSQL schema of this run.
    pub async fn cleanup(self) {
        self.state.store.close().await;
        if let Some((url, schema)) = &self.schema {
            if let Ok(s) = Store::connect(url).await {
                let _ = tianping_store::sqlx::query(&format!(
                    "DROP SCHEMA IF EXISTS {} CASCADE",
                    schema
                ))
                .execute(&s.pool)
                .await;
                s.close().await;
            }
        }
    }

    pub fn browser(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            cookies: BTreeMap::new(),
            csrf: String::new(),
            peer: None,
            headers: Vec::new(),
        }
    }

    pub fn api(&self, token: &str) -> Api {
        Api {
            router: self.router.clone(),
            token: token.to_string(),
            accept_language: None,
            peer: None,
            headers: Vec::new(),
        }
    }
}

fn config(database: &str) -> Config {
    Config {
        database: database.to_string(),
        max_upload_bytes: 64 * 1024,
        ..Config::default()
    }
}

async fn state(
    store: Store,
    database: &str,
    clock: Arc<dyn tianping_app::Clock>,
    tweak: fn(&mut Config),
    keys_dir: Option<std::path::PathBuf>,
) -> AppState {
    let mut c = config(database);
    // certificate signing keys in the run's own folder (beside the SQLite file by default)
    c.keys_dir = keys_dir;
    tweak(&mut c);
    AppState::new(store, catalog(), c, clock)
}

/// The application on every database under test.
pub async fn apps() -> Vec<App> {
    apps_with(Arc::new(tianping_app::SystemClock), |_| {}).await
}

/// The application on every database under test, with this clock and configuration changes.
pub async fn apps_with(clock: Arc<dyn tianping_app::Clock>, tweak: fn(&mut Config)) -> Vec<App> {
    tianping_app::accounts::use_cheap_hashing_for_tests();
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.db").display().to_string();
    let store = Store::open(&path).await.unwrap();
    let st = state(store, &path, clock.clone(), tweak, None).await;
    out.push(App {
        backend: "sqlite",
        router: tianping_web::router(st.clone()),
        state: st,
        _dir: Some(dir),
        schema: None,
    });
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let schema = format!("tp_web_{}", &tianping_store::random_token()[..16]);
            let store = Store::connect_in_schema(&url, Some(&schema)).await.unwrap();
            store.migrate().await.unwrap();
            let keys = tempfile::tempdir().unwrap();
            let st = state(
                store,
                &url,
                clock.clone(),
                tweak,
                Some(keys.path().join("keys")),
            )
            .await;
            out.push(App {
                backend: "postgres",
                router: tianping_web::router(st.clone()),
                state: st,
                _dir: Some(keys),
                schema: Some((url, schema)),
            });
        }
        _ => {
            if std::env::var("TIANPING_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
            }
            eprintln!("PostgreSQL skipped: TEST_DATABASE_URL is not set (SQLite only)");
        }
    }
    out
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({}): {}", e, self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
    pub fn content_type(&self) -> String {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

/// Send a request as if from `peer` (the connection's address, as `serve` records it), with
/// extra headers.
async fn send_from(
    router: &Router,
    mut req: Request<Body>,
    peer: Option<SocketAddr>,
    headers: &[(String, String)],
) -> Resp {
    if let Some(p) = peer {
        req.extensions_mut().insert(ConnectInfo(p));
    }
    for (k, v) in headers {
        req.headers_mut().append(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    send(router, req).await
}

pub async fn send(router: &Router, req: Request<Body>) -> Resp {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

/// A browser: keeps cookies and the last CSRF token it saw in a form.
pub struct Browser {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub csrf: String,
    /// The connection's address (none: as a router called directly).
    pub peer: Option<SocketAddr>,
    /// Headers added to every request.
    pub headers: Vec<(String, String)>,
}

pub fn enc(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{:02X}", b));
        }
    }
    o
}

impl Browser {
    /// The same browser connecting from `ip`.
    pub fn from(mut self, ip: &str) -> Browser {
        self.peer = Some(SocketAddr::new(ip.parse().unwrap(), 40000));
        self
    }

    /// The same browser adding a header to every request.
    pub fn header(mut self, name: &str, value: &str) -> Browser {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{}={}", k, v))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, r: &Resp) {
        for v in r.headers.get_all("set-cookie") {
            let s = v.to_str().unwrap_or("");
            let first = s.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                if s.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
        if let Some(i) = r.body.find(r#"name="csrf" value=""#) {
            let rest = &r.body[i + 19..];
            if let Some(end) = rest.find('"') {
                self.csrf = rest[..end].to_string();
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let req = Request::builder()
            .uri(path)
            .header("cookie", self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let r = send_from(&self.router, req, self.peer, &self.headers).await;
        self.absorb(&r);
        r
    }

    /// POST a form; the CSRF token is added unless the fields carry one.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            body.push(format!("csrf={}", self.csrf));
        }
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
            .unwrap();
        let r = send_from(&self.router, req, self.peer, &self.headers).await;
        self.absorb(&r);
        r
    }

    pub async fn upload(&mut self, path: &str, file_name: &str, data: &[u8]) -> Resp {
        self.upload_with(path, &[], file_name, data).await
    }

    /// Upload a file with other form fields (the CSRF token is added).
    pub async fn upload_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        data: &[u8],
    ) -> Resp {
        let b = "----tianpingboundary";
        let mut body = Vec::new();
        let csrf = self.csrf.clone();
        for (k, v) in [("csrf", csrf.as_str())].iter().chain(fields) {
            body.extend_from_slice(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", self.cookie_header())
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(Body::from(body))
            .unwrap();
        let r = send_from(&self.router, req, self.peer, &self.headers).await;
        self.absorb(&r);
        r
    }

    /// Sign in through the login form.
    pub async fn login(&mut self, email: &str, password: &str) -> Resp {
        self.get("/login").await;
        let r = self
            .post(
                "/login",
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login {} failed: {}",
            email,
            r.body
        );
        // pick up the session's CSRF token
        self.get("/").await;
        r
    }
}

/// An API client with a bearer token (and, if set, an `Accept-Language` header).
pub struct Api {
    router: Router,
    pub token: String,
    pub accept_language: Option<String>,
    /// The connection's address (none: as a router called directly).
    pub peer: Option<SocketAddr>,
    /// Headers added to every request.
    pub headers: Vec<(String, String)>,
}

impl Api {
    /// The same client sending `Accept-Language: value`.
    pub fn lang(mut self, value: &str) -> Api {
        self.accept_language = Some(value.to_string());
        self
    }

    /// The same client connecting from `ip`.
    pub fn from(mut self, ip: &str) -> Api {
        self.peer = Some(SocketAddr::new(ip.parse().unwrap(), 40000));
        self
    }

    /// The same client adding a header to every request.
    pub fn header(mut self, name: &str, value: &str) -> Api {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(format!("/api/v1{}", path));
        if !self.token.is_empty() {
            b = b.header("authorization", format!("Bearer {}", self.token));
        }
        if let Some(l) = &self.accept_language {
            b = b.header("accept-language", l.as_str());
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        send_from(&self.router, req, self.peer, &self.headers).await
    }
    pub async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None).await
    }
    pub async fn put(&self, path: &str, v: Value) -> Resp {
        self.call(Method::PUT, path, Some(v)).await
    }
    pub async fn post(&self, path: &str, v: Value) -> Resp {
        self.call(Method::POST, path, Some(v)).await
    }
}

pub const PW: &str = "correct-horse-battery";

/// A valid USCC made from a 16-character prefix.
pub fn uscc(n: usize) -> String {
    tianping_app::demo::complete_uscc(&format!("9111010{:09}", 100_000_000 + n * 7919)[..16])
}

/// The fixture: two bodies (one with staff), a platform, two enterprises (A engaged with the
/// body and the platform, B with nobody), a self-assessment each, and an on-site assessment
/// of A by the body with expert 1 assigned to one item.
pub struct Fixture {
    pub body_id: i64,
    pub body2_id: i64,
    pub platform_id: i64,
    pub ent_a: i64,
    pub ent_b: i64,
    pub self_a: i64,
    pub self_b: i64,
    pub onsite_a: i64,
    pub star_a: i64,
    pub item: String,
    pub other_item: String,
}

pub async fn fixture(app: &App) -> Fixture {
    use tianping_app::accounts::SignupInput;
    use tianping_app::assessments::AssessmentInput;
    use tianping_app::domain::enterprise::EnterpriseInput;
    use tianping_app::{accounts, admin, answers, assessments, enterprises};
    use tianping_store::repo::{self, NewUser};
    let st = &app.state;
    let hash = tianping_app::accounts::hash_password(PW).unwrap();
    let mut tx = st.store.begin().await.unwrap();
    let sys = repo::create_user(
        &mut tx,
        &NewUser {
            email: "sys@t.test",
            name: "Sys",
            password_hash: &hash,
            role: tianping_app::domain::Role::Sysadmin,
            org_id: None,
            enterprise_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let body = admin::create_org(st, &sys, "body", "Body One")
        .await
        .unwrap();
    let body2 = admin::create_org(st, &sys, "body", "Body Two")
        .await
        .unwrap();
    let platform = admin::create_org(st, &sys, "platform", "Platform")
        .await
        .unwrap();
    let mut tx = st.store.begin().await.unwrap();
    for (email, role, org) in [
        ("admin@b1.test", "body_admin", body.id),
        ("auditor@b1.test", "auditor", body.id),
        ("expert1@b1.test", "expert", body.id),
        ("expert2@b1.test", "expert", body.id),
        ("decider@b1.test", "decider", body.id),
        ("auditor@b2.test", "auditor", body2.id),
        ("operator@p.test", "operator", platform.id),
    ] {
        repo::create_user(
            &mut tx,
            &NewUser {
                email,
                name: email,
                password_hash: &hash,
                role: role.parse().unwrap(),
                org_id: Some(org),
                enterprise_id: None,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mk = |email: &str, name: &str, n: usize| SignupInput {
        email: email.into(),
        user_name: name.into(),
        password: PW.into(),
        enterprise: EnterpriseInput {
            uscc: uscc(n),
            name: name.into(),
            industry_code: "C3511".into(),
            headcount: "100".into(),
            enterprise_type: "tech-service".into(),
            ..Default::default()
        },
    };
    let ua = accounts::signup(st, &mk("a@a.test", "Enterprise A", 1))
        .await
        .unwrap();
    let ub = accounts::signup(st, &mk("b@b.test", "Enterprise B", 2))
        .await
        .unwrap();
    let ent_a = ua.enterprise_id.unwrap();
    let ent_b = ub.enterprise_id.unwrap();
    enterprises::engage(st, &ua, ent_a, body.id).await.unwrap();
    enterprises::engage(st, &ua, ent_a, platform.id)
        .await
        .unwrap();
    let new = |e: i64, scheme: &str, variant: &str| AssessmentInput {
        enterprise_id: e.to_string(),
        scheme: scheme.into(),
        variant: variant.into(),
        ..Default::default()
    };
    let self_a = assessments::create(st, &ua, &new(ent_a, "t-cic-capability", ""))
        .await
        .unwrap()
        .id;
    let self_b = assessments::create(st, &ub, &new(ent_b, "t-cic-capability", ""))
        .await
        .unwrap()
        .id;
    let star_a = assessments::create(st, &ua, &new(ent_a, "t11-aii-001-2020", "tech-service"))
        .await
        .unwrap()
        .id;
    let auditor = repo::user_by_email(&st.store, "auditor@b1.test")
        .await
        .unwrap()
        .unwrap();
    let expert1 = repo::user_by_email(&st.store, "expert1@b1.test")
        .await
        .unwrap()
        .unwrap();
    let onsite_a = assessments::create(st, &auditor, &new(ent_a, "t-cic-capability", ""))
        .await
        .unwrap()
        .id;
    let scheme = st.catalog.get("t-cic-capability").unwrap();
    let item = scheme
        .indicators
        .iter()
        .find(|i| !i.expert_panel && !i.likert)
        .unwrap()
        .id
        .clone();
    let other_item = scheme
        .indicators
        .iter()
        .filter(|i| !i.expert_panel && !i.likert)
        .nth(1)
        .unwrap()
        .id
        .clone();
    answers::assign_expert(st, &auditor, onsite_a, &item, expert1.id, false)
        .await
        .unwrap();
    Fixture {
        body_id: body.id,
        body2_id: body2.id,
        platform_id: platform.id,
        ent_a,
        ent_b,
        self_a,
        self_b,
        onsite_a,
        star_a,
        item,
        other_item,
    }
}

/// An API token for a user of the fixture.
pub async fn token(app: &App, email: &str) -> String {
    let r = app
        .api("")
        .post(
            "/tokens",
            serde_json::json!({"email": email, "password": PW, "name": "test"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

/// The kinds of a person's notifications (through the API), newest first.
pub async fn kinds(app: &App, email: &str) -> Vec<String> {
    let t = token(app, email).await;
    let r = app.api(&t).get("/notifications?per_page=100").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Record a CCAA registration (valid to 2035) and the EEPC training for a body's auditor, so
/// that the certification rules accept them on an audit team (8.1.4.1).
#[allow(dead_code)]
pub async fn qualify(app: &App, email: &str) {
    use tianping_app::domain::people::CompetenceInput;
    let st = &app.state;
    let person = tianping_store::repo::user_by_email(&st.store, email)
        .await
        .unwrap()
        .unwrap();
    let admin = tianping_store::repo::users_of_org(&st.store, person.org_id.unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == tianping_app::domain::Role::BodyAdmin)
        .unwrap();
    for (kind, value, obtained, until) in [
        ("ccaa", "CCAA-2020-N-0001", "2020-01-01", "2035-12-31"),
        ("eepc", "EEPC 培训合格", "2024-06-01", ""),
    ] {
        let input = CompetenceInput {
            kind: kind.into(),
            value: value.into(),
            obtained_on: obtained.into(),
            valid_until: until.into(),
        };
        tianping_app::people::add_competence(st, &admin, person.id, &input)
            .await
            .unwrap();
    }
}

/// The enterprise `email` uploads the application documents 8.1.1 requires (a, d, e, f, g, i;
/// b too for several sites) to case `case`, so that the body may accept it (8.1.2.2).
#[allow(dead_code)]
pub async fn upload_application_documents(app: &App, case: i64, email: &str) {
    let st = &app.state;
    let u = tianping_store::repo::user_by_email(&st.store, email)
        .await
        .unwrap()
        .unwrap();
    let missing = tianping_app::case_files::missing_documents(st, &u, case)
        .await
        .unwrap();
    for kind in missing {
        let name = format!("{}.txt", kind.as_str());
        let text = format!("{}（测试文件）", kind.label(tianping_app::Lang::Zh));
        tianping_app::case_files::upload(
            st,
            &u,
            case,
            tianping_app::case_files::Upload {
                kind: kind.as_str(),
                subject: "",
                file_name: &name,
                data: text.as_bytes(),
            },
        )
        .await
        .unwrap();
    }
}
