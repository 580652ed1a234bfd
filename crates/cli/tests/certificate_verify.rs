//! `tianping keys rotate|list` and `tianping certificate verify` (I-21): a link signed with a
//! body's key from the keys folder verifies offline against the published keys; a changed
//! character, another number or a key not published does not, and the exit code says so
//! (the PDF and a keys URL: `certificate_verify_pdf.rs`).

use std::path::PathBuf;
use std::process::{Command, Output};

use chrono::NaiveDate;
use tianping_app::cert_keys;
use tianping_app::domain::cert_sign::{self, KeyEntry, KeySet, Payload};

fn tianping(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("TIANPING_KEYS_DIR")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_signed_link_verifies_offline_and_a_tampered_one_does_not() {
    let root =
        Dir(std::env::temp_dir().join(format!("tianping-cert-verify-{}", std::process::id())));
    let keys_dir = root.0.join("keys");
    let kd = keys_dir.display().to_string();

    // the first key of body 7, made by the command line
    let o = tianping(&["keys", "rotate", "--org", "7", "--keys-dir", &kd]);
    assert!(o.status.success(), "{}", stdout(&o));
    let key = cert_keys::active(&keys_dir, 7).unwrap();
    assert!(stdout(&o).contains(&key.kid), "{}", stdout(&o));
    let o = tianping(&["keys", "list", "--keys-dir", &kd]);
    assert!(stdout(&o).contains(&key.kid) && stdout(&o).contains("当前使用"));

    // a link as the app signs it
    let payload = Payload {
        number: "TP-EEPC-2026-0007".into(),
        holder: "成都示例建设有限公司".into(),
        uscc: "91510100MA61234567".into(),
        scheme: "eepc-certification".into(),
        edition: "0123456789ab".into(),
        grade: "AAAA".into(),
        scope: cert_sign::scope_digest("建筑工程施工合同履约管理"),
        issued: NaiveDate::from_ymd_opt(2026, 1, 28).unwrap(),
        valid_until: NaiveDate::from_ymd_opt(2029, 1, 27).unwrap(),
        kid: key.kid.clone(),
    };
    let link = cert_sign::link("http://127.0.0.1:8080", &payload, &key.seed);
    // the keys as published, after a rotation (the old key still verifies)
    cert_keys::rotate(&keys_dir, 7).unwrap();
    let published = KeySet {
        keys: cert_keys::list(&keys_dir)
            .unwrap()
            .into_iter()
            .map(|k| KeyEntry {
                org_id: k.org_id,
                org: "示例认证机构".into(),
                kid: k.kid.clone(),
                public_key: cert_sign::public_b64(&k.public),
                created: k.created,
                active: k.active,
            })
            .collect(),
    };
    assert_eq!(published.keys.len(), 2);
    let keys_file = root.0.join("keys.json");
    std::fs::write(&keys_file, serde_json::to_string(&published).unwrap()).unwrap();
    let kf = keys_file.display().to_string();

    let o = tianping(&["certificate", "verify", &link, "--keys", &kf]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    for s in [
        "签名有效 signature valid",
        "TP-EEPC-2026-0007",
        "成都示例建设有限公司",
        "91510100MA61234567",
        "2029-01-27",
        "示例认证机构",
    ] {
        assert!(out.contains(s), "{s}: {out}");
    }
    // the link in a file works too, and JSON says the same
    let link_file = root.0.join("qr.txt");
    std::fs::write(&link_file, format!("{link}\n")).unwrap();
    let lf = link_file.display().to_string();
    let o = tianping(&[
        "--format",
        "json",
        "certificate",
        "verify",
        &lf,
        "--keys",
        &kf,
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["payload"]["number"], "TP-EEPC-2026-0007");

    // one character changed in the payload, the signature or the number
    let hash = link.find('#').unwrap();
    let dot = link.rfind('.').unwrap();
    for at in [hash + 5, dot + 5, link.find("0007").unwrap() + 3] {
        let mut t = link.clone();
        let c = if &t[at..at + 1] == "A" { "B" } else { "A" };
        t.replace_range(at..at + 1, c);
        let o = tianping(&["certificate", "verify", &t, "--keys", &kf]);
        assert_eq!(o.status.code(), Some(1), "{t}");
        assert!(stdout(&o).contains("签名无效 invalid"), "{}", stdout(&o));
    }
    // keys that do not include the signing key
    std::fs::write(&keys_file, r#"{"keys": []}"#).unwrap();
    let o = tianping(&["certificate", "verify", &link, "--keys", &kf]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("未知密钥 unknown key"),
        "{}",
        stdout(&o)
    );
    // neither a file nor a link, and a keys file that is missing: not checked, exit 2
    let o = tianping(&["certificate", "verify", "no-such-file.txt", "--keys", &kf]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("找不到文件 no-such-file.txt"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let folder = root.0.display().to_string();
    let o = tianping(&["certificate", "verify", &folder, "--keys", &kf]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("无法读取 {folder}")));
    let missing = root.0.join("none.json").display().to_string();
    let o = tianping(&["certificate", "verify", &link, "--keys", &missing]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&missing));
}
