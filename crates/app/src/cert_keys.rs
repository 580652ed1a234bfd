//! The certification bodies' certificate signing keys (I-21), kept in files outside the
//! database: one folder ([`crate::Config::keys_path`]), one file per key named
//! `<org_id>-<kid>.key` holding the 32-byte Ed25519 seed (mode 0600, the folder 0700), and
//! `<org_id>.active` naming the key id the body signs new links with. A body's first key is
//! made when it first signs ([`active`]); [`rotate`] makes a new one active and keeps the old
//! ones, which still verify the links they signed. Signing and checking are the pure
//! `tianping_domain::cert_sign`; this module only reads and writes the files.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand::RngCore;
use tianping_domain::cert_sign::{kid_of, public_b64, public_of, KeyEntry};

use crate::{App, Error};

/// One body's key, as read from its file.
#[derive(Clone)]
pub struct OrgKey {
    pub org_id: i64,
    pub kid: String,
    pub seed: [u8; 32],
    pub public: [u8; 32],
    /// When the file was written (RFC 3339, UTC).
    pub created: String,
    pub active: bool,
    pub path: PathBuf,
}

impl std::fmt::Debug for OrgKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgKey")
            .field("org_id", &self.org_id)
            .field("kid", &self.kid)
            .field("active", &self.active)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn io(what: &str, p: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!("{what} {}：{e}", p.display()))
}

fn ensure_dir(dir: &Path) -> Result<(), Error> {
    if !dir.is_dir() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| io("无法创建签名密钥目录", dir, e))?;
    }
    Ok(())
}

fn active_file(dir: &Path, org: i64) -> PathBuf {
    dir.join(format!("{org}.active"))
}

fn active_kid(dir: &Path, org: i64) -> Option<String> {
    fs::read_to_string(active_file(dir, org))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn read_key(dir: &Path, org: i64, kid: &str, active: bool) -> Result<OrgKey, Error> {
    let path = dir.join(format!("{org}-{kid}.key"));
    let bytes = fs::read(&path).map_err(|e| io("无法读取签名密钥", &path, e))?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::Internal(format!("签名密钥文件 {} 应为 32 字节", path.display())))?;
    let public = public_of(&seed);
    if kid_of(&public) != kid {
        return Err(Error::Internal(format!(
            "签名密钥文件 {} 的内容与文件名中的密钥编号不符",
            path.display()
        )));
    }
    let created = fs::metadata(&path)
        .and_then(|m| m.modified())
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
        .unwrap_or_default();
    Ok(OrgKey {
        org_id: org,
        kid: kid.to_string(),
        seed,
        public,
        created,
        active,
        path,
    })
}

/// Make a new key for a body and make it the active one (the old keys stay).
pub fn rotate(dir: &Path, org: i64) -> Result<OrgKey, Error> {
    ensure_dir(dir)?;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let kid = kid_of(&public_of(&seed));
    let path = dir.join(format!("{org}-{kid}.key"));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| io("无法创建签名密钥", &path, e))?;
    f.write_all(&seed)
        .and_then(|_| f.sync_all())
        .map_err(|e| io("无法写入签名密钥", &path, e))?;
    // the mode asked for is masked by the umask: set it exactly
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600))
        .map_err(|e| io("无法设置签名密钥的权限", &path, e))?;
    let tmp = dir.join(format!("{org}.active.tmp"));
    fs::write(&tmp, format!("{kid}\n"))
        .and_then(|_| fs::rename(&tmp, active_file(dir, org)))
        .map_err(|e| io("无法记录当前签名密钥", &tmp, e))?;
    read_key(dir, org, &kid, true)
}

/// The key a body signs with now, made on first use.
pub fn active(dir: &Path, org: i64) -> Result<OrgKey, Error> {
    match active_kid(dir, org) {
        Some(kid) => read_key(dir, org, &kid, true),
        None => rotate(dir, org),
    }
}

/// Every key in the folder, by body and then by when it was made.
pub fn list(dir: &Path) -> Result<Vec<OrgKey>, Error> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io("无法读取签名密钥目录", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io("无法读取签名密钥目录", dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".key") else {
            continue;
        };
        let Some((org, kid)) = stem.split_once('-') else {
            continue;
        };
        let Ok(org) = org.parse::<i64>() else {
            continue;
        };
        let active = active_kid(dir, org).as_deref() == Some(kid);
        out.push(read_key(dir, org, kid, active)?);
    }
    out.sort_by(|a, b| (a.org_id, &a.created, &a.kid).cmp(&(b.org_id, &b.created, &b.kid)));
    Ok(out)
}

/// The configured keys folder.
pub fn dir(app: &App) -> PathBuf {
    app.config.keys_path()
}

/// The published keys (`/.well-known/tianping-keys.json`): every key with its body's name.
pub async fn published(app: &App) -> Result<Vec<KeyEntry>, Error> {
    let mut out = Vec::new();
    for k in list(&dir(app))? {
        let org = tianping_store::repo::get_org(&app.store, k.org_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        out.push(KeyEntry {
            org_id: k.org_id,
            org,
            kid: k.kid.clone(),
            public_key: public_b64(&k.public),
            created: k.created.clone(),
            active: k.active,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_with_mode_0600_and_rotation_keeps_the_old() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("keys");
        let k1 = active(&dir, 3).unwrap();
        assert_eq!(k1.kid.len(), 8);
        assert_eq!(k1.kid, kid_of(&k1.public));
        assert!(k1.path.ends_with(format!("3-{}.key", k1.kid)));
        let mode = fs::metadata(&k1.path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(fs::read(&k1.path).unwrap().len(), 32);
        let dmode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(dmode, 0o700);
        // the same key on the next use
        assert_eq!(active(&dir, 3).unwrap().kid, k1.kid);
        // another body has its own
        let other = active(&dir, 4).unwrap();
        assert_ne!(other.kid, k1.kid);
        // rotation: a new active key, the old one kept and listed as not active
        let k2 = rotate(&dir, 3).unwrap();
        assert_ne!(k2.kid, k1.kid);
        assert_eq!(active(&dir, 3).unwrap().kid, k2.kid);
        let all = list(&dir).unwrap();
        let of3: Vec<(&str, bool)> = all
            .iter()
            .filter(|k| k.org_id == 3)
            .map(|k| (k.kid.as_str(), k.active))
            .collect();
        assert_eq!(of3.len(), 2);
        assert!(of3.contains(&(k1.kid.as_str(), false)));
        assert!(of3.contains(&(k2.kid.as_str(), true)));
        assert_eq!(all.iter().filter(|k| k.active).count(), 2);
        // a file changed by hand is refused, not used
        fs::write(&k1.path, [0u8; 32]).unwrap();
        assert!(list(&dir).is_err());
    }

    #[test]
    fn an_old_key_still_verifies_what_it_signed() {
        use tianping_domain::cert_sign::{link, parse_link, scope_digest, verify, Payload};
        let d = tempfile::tempdir().unwrap();
        let k1 = active(d.path(), 1).unwrap();
        let p = Payload {
            number: "N-1".into(),
            holder: "甲".into(),
            uscc: "91".into(),
            scheme: "eepc-certification".into(),
            edition: "e".into(),
            grade: String::new(),
            scope: scope_digest("s"),
            issued: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_until: chrono::NaiveDate::from_ymd_opt(2028, 12, 31).unwrap(),
            kid: k1.kid.clone(),
        };
        let old = link("http://x", &p, &k1.seed);
        rotate(d.path(), 1).unwrap();
        let keys: Vec<KeyEntry> = list(d.path())
            .unwrap()
            .into_iter()
            .map(|k| KeyEntry {
                org_id: k.org_id,
                org: String::new(),
                kid: k.kid.clone(),
                public_key: public_b64(&k.public),
                created: k.created,
                active: k.active,
            })
            .collect();
        assert_eq!(keys.len(), 2);
        let parts = parse_link(&old).unwrap();
        assert!(verify(&parts.number, &parts.signed, &keys).is_valid());
    }
}
