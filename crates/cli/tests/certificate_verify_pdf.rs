//! `tianping certificate verify` on the certificate PDF itself and with the keys fetched from
//! the running service (I-21): the demo's certificate, rendered by the app, verifies from the
//! file against the keys saved as a file and against `/.well-known/tianping-keys.json` served
//! by the real web app on a local port; one byte of the link changed fails; a PDF without a
//! certificate link, an unreachable keys URL, a 404 and a page that is not the keys file are
//! each refused with exit 2, naming the file or URL.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use tianping_app::domain::cert_sign::KeySet;
use tianping_app::{certificates, demo, documents, App, Config, Lang};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tianping(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tianping"));
    c.args(args).current_dir(root());
    // the keys URL is on this machine: no proxy in between
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        c.env_remove(v);
    }
    c.output().expect("binary runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A port nothing listens on (bound, then let go).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// The demo seeded in a new SQLite file, one of its certificates as a PDF (number, bytes),
/// and the app; served at `addr` by the same runtime.
fn demo_certificate(
    dir: &Path,
    addr: SocketAddr,
) -> (tokio::runtime::Runtime, App, String, Vec<u8>) {
    tianping_app::accounts::use_cheap_hashing_for_tests();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let config = Config {
        database: dir.join("t.db").display().to_string(),
        keys_dir: Some(dir.join("keys")),
        bind: addr,
        base_url: Some(format!("http://{addr}")),
        ..Config::default()
    };
    let (app, number, pdf) = rt.block_on(async {
        let app = App::open(config).await.unwrap();
        assert!(demo::seed(&app).await.unwrap());
        let hits = tianping_store::cases::find_certificates(&app.store, "", 10)
            .await
            .unwrap();
        let number = hits
            .first()
            .expect("the demo has certificates")
            .number
            .clone();
        let admin = tianping_store::repo::user_by_email(&app.store, "admin@body.demo")
            .await
            .unwrap()
            .unwrap();
        let pdf = documents::certificate::pdf(&app, &admin, &number, Lang::Zh)
            .await
            .unwrap();
        (app, number, pdf.bytes)
    });
    (rt, app, number, pdf)
}

#[test]
fn a_certificate_pdf_verifies_with_keys_from_a_file_or_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let (rt, app, number, pdf) = demo_certificate(dir.path(), addr);
    let keys = KeySet {
        keys: rt.block_on(certificates::keys(&app)).unwrap(),
    };
    let keys_file = dir.path().join("keys.json");
    std::fs::write(&keys_file, serde_json::to_string(&keys).unwrap()).unwrap();
    let kf = keys_file.display().to_string();
    let cert = dir.path().join("certificate.pdf");
    std::fs::write(&cert, &pdf).unwrap();
    let cf = cert.display().to_string();
    rt.spawn(tianping_web::serve(app.clone()));
    let up = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        TcpStream::connect(addr).is_ok()
    });
    assert!(up, "the service listens on {addr}");

    // the PDF, against the keys file and against the service's well-known URL
    let well_known = format!("http://{addr}/.well-known/tianping-keys.json");
    let site = format!("http://{addr}");
    for k in [kf.as_str(), well_known.as_str(), site.as_str()] {
        let o = tianping(&["certificate", "verify", &cf, "--keys", k]);
        let s = out(&o);
        assert_eq!(o.status.code(), Some(0), "{k}: {s}{}", err(&o));
        for want in [
            "签名有效 signature valid",
            number.as_str(),
            "华信评价认证中心",
        ] {
            assert!(s.contains(want), "{k}: {want} in {s}");
        }
        assert_eq!(s.matches("证书编号").count(), 1, "one link: {s}");
    }

    // one byte of the signed link changed, wherever the PDF holds it, or only on the QR code
    let raw = String::from_utf8_lossy(&pdf).into_owned();
    let start = raw.find(&format!("http://{addr}/verify/")).unwrap();
    let len = raw[start..].find([')', '<']).unwrap();
    let link = &raw[start..start + len];
    assert!(link.contains('#'), "{link}");
    let copies = raw.matches(link).count();
    assert!(
        copies >= 3,
        "annotations and keywords hold the link: {copies}"
    );
    let at = link.len() - 5;
    let mut bad = link.as_bytes().to_vec();
    bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
    for only_first in [false, true] {
        let mut bytes = pdf.clone();
        let mut from = 0;
        let mut changed = 0;
        while let Some(p) = find(&bytes[from..], link.as_bytes()) {
            let p = from + p;
            bytes[p..p + link.len()].copy_from_slice(&bad);
            changed += 1;
            from = p + link.len();
            if only_first {
                break;
            }
        }
        assert!(changed >= 1);
        let t = dir.path().join("tampered.pdf");
        std::fs::write(&t, &bytes).unwrap();
        let o = tianping(&["certificate", "verify", t.to_str().unwrap(), "--keys", &kf]);
        assert_eq!(o.status.code(), Some(1), "{}", out(&o));
        assert!(out(&o).contains("签名无效 invalid"), "{}", out(&o));
        // changed on the QR code's annotation only: the two links differ, each is checked
        assert_eq!(out(&o).contains("链接 1/2"), only_first, "{}", out(&o));
        assert_eq!(out(&o).contains("签名有效"), only_first, "{}", out(&o));
    }
    // JSON: one object per link
    let o = tianping(&[
        "--format",
        "json",
        "certificate",
        "verify",
        &cf,
        "--keys",
        &kf,
    ]);
    assert!(o.status.success());
    let lines: Vec<serde_json::Value> = out(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{}", out(&o));
    assert_eq!(lines[0]["verdict"], "valid");
    assert_eq!(lines[0]["payload"]["number"], number.as_str());
    assert_eq!(lines[0]["link"], link);

    // refusals, exit 2, naming what was given
    let report = dir.path().join("report.pdf");
    let o = tianping(&[
        "report",
        "--scheme",
        "t11-aii-001-2020",
        "--input",
        "examples/t11-odm-oem.json",
        "--date",
        "2026-03-01",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let o = tianping(&[
        "certificate",
        "verify",
        report.to_str().unwrap(),
        "--keys",
        &kf,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("中没有证书验证链接") && err(&o).contains("report.pdf"),
        "{}",
        err(&o)
    );
    let gone = format!(
        "http://127.0.0.1:{}/.well-known/tianping-keys.json",
        free_port()
    );
    let not_found = format!("http://{addr}/no-such-keys.json");
    let a_page = format!("http://{addr}/verify/{number}");
    for (url, want) in [
        (gone.as_str(), "连接"),
        (not_found.as_str(), "HTTP 404"),
        (
            a_page.as_str(),
            "不是 /.well-known/tianping-keys.json 的格式",
        ),
    ] {
        let o = tianping(&["certificate", "verify", &cf, "--keys", url]);
        assert_eq!(o.status.code(), Some(2), "{url}: {}", out(&o));
        let e = err(&o);
        assert!(e.contains(url) && e.contains(want), "{url}: {e}");
    }
    let o = tianping(&["certificate", "verify", &cf, "--keys", "ftp://x/keys.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("http:// 或 https://"), "{}", err(&o));
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
