//! Signed certificate links (DESIGN I-21): the canonical payload of a certificate, its
//! Ed25519 signature, the QR link that carries both, and checking a link against the
//! published keys. Pure: no IO, no clock, no randomness — the signing seed and the keys come
//! in as arguments (the key files are read by `tianping_app::cert_keys`).
//!
//! # The payload (version `TPC1`)
//!
//! UTF-8 text, eleven lines joined by `\n` (no trailing newline), in this order:
//!
//! ```text
//! TPC1
//! number=<certificate number>
//! holder=<holder's name>
//! uscc=<unified social credit code>
//! scheme=<scheme id>
//! edition=<scheme edition>
//! grade=<grade, empty when none>
//! scope=<first 16 hex digits of SHA-256 of the scope text>
//! issued=<YYYY-MM-DD>
//! valid_until=<YYYY-MM-DD>
//! kid=<key id: first 8 hex digits of SHA-256 of the public key>
//! ```
//!
//! A value never holds a control character (line breaks and tabs in the data become spaces
//! when encoded), so a line break always separates two fields and the first `=` of a line
//! ends its name. Reading is strict: the bytes must be exactly what encoding the fields read
//! gives back, so there is one encoding of each certificate.
//!
//! # The link
//!
//! `{base_url}/verify/{number}#{payload}.{signature}`, both parts in base64url without
//! padding (RFC 4648 §5), the number percent-encoded in the path. The signature is Ed25519
//! over the payload's exact bytes. A link verifies when its signature is valid under the key
//! named by `kid` **and** the path's number equals the signed number; one changed character
//! anywhere (payload, signature, number) makes it fail.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version tag, the payload's first line.
pub const VERSION: &str = "TPC1";

/// The field names after the version line, in their fixed order.
pub const FIELDS: [&str; 10] = [
    "number",
    "holder",
    "uscc",
    "scheme",
    "edition",
    "grade",
    "scope",
    "issued",
    "valid_until",
    "kid",
];

/// What a certificate's signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub number: String,
    pub holder: String,
    pub uscc: String,
    pub scheme: String,
    pub edition: String,
    /// Empty when the certificate names no grade.
    pub grade: String,
    /// [`scope_digest`] of the scope text.
    pub scope: String,
    pub issued: NaiveDate,
    pub valid_until: NaiveDate,
    pub kid: String,
}

/// SHA-256 of the scope text, hex, its first 16 digits.
pub fn scope_digest(scope: &str) -> String {
    hex(&Sha256::digest(scope.as_bytes()))[..16].to_string()
}

/// The key id of a public key: SHA-256 of its 32 bytes, hex, the first 8 digits.
pub fn kid_of(public: &[u8; 32]) -> String {
    hex(&Sha256::digest(public))[..8].to_string()
}

/// The public key of a signing seed.
pub fn public_of(seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A value as written: control characters (line breaks, tabs …) as spaces.
fn clean(v: &str) -> String {
    v.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Payload {
    fn values(&self) -> [String; 10] {
        [
            clean(&self.number),
            clean(&self.holder),
            clean(&self.uscc),
            clean(&self.scheme),
            clean(&self.edition),
            clean(&self.grade),
            clean(&self.scope),
            self.issued.format("%Y-%m-%d").to_string(),
            self.valid_until.format("%Y-%m-%d").to_string(),
            clean(&self.kid),
        ]
    }

    /// The canonical bytes (see the module's documentation).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = String::from(VERSION);
        for (name, value) in FIELDS.iter().zip(self.values()) {
            out.push('\n');
            out.push_str(name);
            out.push('=');
            out.push_str(&value);
        }
        out.into_bytes()
    }

    /// Read canonical bytes back; anything else (another version, a field missing, out of
    /// order or repeated, a bad date, bytes that do not encode back the same) is refused.
    pub fn decode(bytes: &[u8]) -> Result<Payload, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "载荷不是 UTF-8 文本".to_string())?;
        let mut lines = text.split('\n');
        if lines.next() != Some(VERSION) {
            return Err(format!("载荷版本不是 {VERSION}"));
        }
        let mut values: Vec<&str> = Vec::with_capacity(FIELDS.len());
        for name in FIELDS {
            let line = lines.next().ok_or_else(|| format!("载荷缺少字段 {name}"))?;
            let value = line
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('='))
                .ok_or_else(|| format!("载荷的字段应为 {name}"))?;
            values.push(value);
        }
        if lines.next().is_some() {
            return Err("载荷的字段多于规定".into());
        }
        let date = |s: &str, name: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("载荷的 {name} 不是日期"))
        };
        let p = Payload {
            number: values[0].into(),
            holder: values[1].into(),
            uscc: values[2].into(),
            scheme: values[3].into(),
            edition: values[4].into(),
            grade: values[5].into(),
            scope: values[6].into(),
            issued: date(values[7], "issued")?,
            valid_until: date(values[8], "valid_until")?,
            kid: values[9].into(),
        };
        if p.encode() != bytes {
            return Err("载荷不是规范编码".into());
        }
        Ok(p)
    }
}

/// The signed part of a link: `payload.signature`, both base64url without padding.
pub fn sign(payload: &Payload, seed: &[u8; 32]) -> String {
    let bytes = payload.encode();
    let sig = SigningKey::from_bytes(seed).sign(&bytes);
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&bytes),
        URL_SAFE_NO_PAD.encode(sig.to_bytes())
    )
}

/// A path segment percent-encoded (everything but `A–Z a–z 0–9 - . _ ~`).
pub fn path_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A percent-encoded path segment decoded; `None` for a broken escape or non-UTF-8 bytes.
pub fn path_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The QR link of a certificate: `{base}/verify/{number}#{signed}`.
pub fn link(base_url: &str, payload: &Payload, seed: &[u8; 32]) -> String {
    format!(
        "{}/verify/{}#{}",
        base_url.trim_end_matches('/'),
        path_encode(&payload.number),
        sign(payload, seed)
    )
}

/// A link taken apart: the number of its path and its fragment (the signed part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkParts {
    pub number: String,
    pub signed: String,
}

/// Take a QR text apart: a full link (`…/verify/{number}#{signed}`), or a status page
/// address with `?sig=` (as the page's form sends it).
pub fn parse_link(text: &str) -> Result<LinkParts, String> {
    let text = text.trim();
    let at = text
        .rfind("/verify/")
        .ok_or_else(|| "不是证书验证链接：没有 /verify/{证书编号}".to_string())?;
    let rest = &text[at + "/verify/".len()..];
    let (path, signed) = if let Some((p, f)) = rest.split_once('#') {
        (p, f.to_string())
    } else if let Some((p, q)) = rest.split_once('?') {
        let sig = q
            .split('&')
            .find_map(|kv| kv.strip_prefix("sig="))
            .ok_or_else(|| "链接中没有签名（# 之后或 ?sig=）".to_string())?;
        (p, path_decode(sig).unwrap_or_default())
    } else {
        return Err("链接中没有签名（# 之后的部分）".into());
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let number = path_decode(path).ok_or_else(|| "链接中的证书编号无法解码".to_string())?;
    if number.is_empty() {
        return Err("链接中没有证书编号".into());
    }
    Ok(LinkParts { number, signed })
}

/// A published public key (`/.well-known/tianping-keys.json`, one entry of `keys`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    pub org_id: i64,
    /// The body's name.
    pub org: String,
    pub kid: String,
    /// The 32-byte public key, standard base64.
    pub public_key: String,
    /// When the key was made (RFC 3339).
    pub created: String,
    /// Whether the body signs new links with it.
    pub active: bool,
}

/// The document at `/.well-known/tianping-keys.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySet {
    pub keys: Vec<KeyEntry>,
}

impl KeyEntry {
    /// The key's 32 bytes, when the entry is well formed and its `kid` is the key's own.
    pub fn public_bytes(&self) -> Option<[u8; 32]> {
        let v = STANDARD.decode(self.public_key.trim()).ok()?;
        let k: [u8; 32] = v.try_into().ok()?;
        (kid_of(&k) == self.kid).then_some(k)
    }
}

/// The public key in standard base64, as published.
pub fn public_b64(public: &[u8; 32]) -> String {
    STANDARD.encode(public)
}

/// What checking a link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature is valid and the number is the signed one.
    Valid { payload: Payload, key: KeyEntry },
    /// No published key has the payload's key id: nothing can be said of the signature.
    UnknownKey { payload: Payload },
    /// Anything else: the reason in words (with the payload when it could be read).
    Invalid {
        payload: Option<Payload>,
        reason: String,
    },
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }

    /// The verdict in both languages, as the command line and the page say it.
    pub fn words(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "签名有效 signature valid",
            Verdict::UnknownKey { .. } => "未知密钥 unknown key",
            Verdict::Invalid { .. } => "签名无效 invalid",
        }
    }

    pub fn payload(&self) -> Option<&Payload> {
        match self {
            Verdict::Valid { payload, .. } | Verdict::UnknownKey { payload } => Some(payload),
            Verdict::Invalid { payload, .. } => payload.as_ref(),
        }
    }
}

/// Check the signed part of a link for certificate `number` against the published keys.
pub fn verify(number: &str, signed: &str, keys: &[KeyEntry]) -> Verdict {
    let bad = |payload: Option<Payload>, reason: &str| Verdict::Invalid {
        payload,
        reason: reason.to_string(),
    };
    let Some((p64, s64)) = signed.trim().split_once('.') else {
        return bad(None, "签名部分应为“载荷.签名”");
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(p64) else {
        return bad(None, "载荷不是 base64url");
    };
    let payload = match Payload::decode(&bytes) {
        Ok(p) => p,
        Err(e) => return bad(None, &e),
    };
    let Ok(sig) = URL_SAFE_NO_PAD.decode(s64) else {
        return bad(Some(payload), "签名不是 base64url");
    };
    let Ok(sig) = Signature::from_slice(&sig) else {
        return bad(Some(payload), "签名长度不对");
    };
    let Some((key, public)) = keys
        .iter()
        .filter(|k| k.kid == payload.kid)
        .find_map(|k| k.public_bytes().map(|b| (k, b)))
    else {
        return Verdict::UnknownKey { payload };
    };
    let Ok(vk) = VerifyingKey::from_bytes(&public) else {
        return bad(Some(payload), "公钥无效");
    };
    if vk.verify_strict(&bytes, &sig).is_err() {
        return bad(Some(payload), "签名与载荷不符");
    }
    if payload.number != number {
        return bad(Some(payload), "链接中的证书编号与签名的编号不同");
    }
    Verdict::Valid {
        payload,
        key: key.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: [u8; 32] = [7; 32];

    fn payload(kid: &str) -> Payload {
        Payload {
            number: "EEPC-2026-0001".into(),
            holder: "成都示例科技有限公司".into(),
            uscc: "91510100MA6CXXXX0X".into(),
            scheme: "eepc-certification".into(),
            edition: "0123456789ab".into(),
            grade: "AAAA".into(),
            scope: scope_digest("软件开发与信息技术服务"),
            issued: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            valid_until: NaiveDate::from_ymd_opt(2029, 3, 1).unwrap(),
            kid: kid.into(),
        }
    }

    fn key(seed: &[u8; 32]) -> KeyEntry {
        let public = public_of(seed);
        KeyEntry {
            org_id: 1,
            org: "示例认证".into(),
            kid: kid_of(&public),
            public_key: public_b64(&public),
            created: "2026-01-01T00:00:00Z".into(),
            active: true,
        }
    }

    fn signed_link() -> (String, KeyEntry) {
        let k = key(&SEED);
        (link("http://127.0.0.1:8080/", &payload(&k.kid), &SEED), k)
    }

    fn check(text: &str, keys: &[KeyEntry]) -> Verdict {
        match parse_link(text) {
            Ok(p) => verify(&p.number, &p.signed, keys),
            Err(e) => Verdict::Invalid {
                payload: None,
                reason: e,
            },
        }
    }

    #[test]
    fn the_payload_is_fixed_text_and_reads_back() {
        let p = payload("abcd1234");
        let text = String::from_utf8(p.encode()).unwrap();
        assert_eq!(
            text,
            format!(
                "TPC1\nnumber=EEPC-2026-0001\nholder=成都示例科技有限公司\nuscc=91510100MA6CXXXX0X\nscheme=eepc-certification\nedition=0123456789ab\ngrade=AAAA\nscope={}\nissued=2026-03-02\nvalid_until=2029-03-01\nkid=abcd1234",
                scope_digest("软件开发与信息技术服务")
            )
        );
        assert_eq!(Payload::decode(&p.encode()).unwrap(), p);
        assert_eq!(p.scope.len(), 16);
        // a line break in the data cannot add a field
        let mut q = p.clone();
        q.holder = "A\ngrade=AAAAA".into();
        let back = Payload::decode(&q.encode()).unwrap();
        assert_eq!(back.holder, "A grade=AAAAA");
        assert_eq!(back.grade, "AAAA");
        // not canonical: a trailing newline, another version, fields out of order
        let mut t = p.encode();
        t.push(b'\n');
        assert!(Payload::decode(&t).is_err());
        assert!(Payload::decode(text.replace("TPC1", "TPC2").as_bytes()).is_err());
        assert!(Payload::decode(
            text.replace("grade=AAAA\nscope", "scope")
                .replace("kid=", "grade=AAAA\nkid=")
                .as_bytes()
        )
        .is_err());
        assert!(Payload::decode(text.replace("2026-03-02", "2026-3-2").as_bytes()).is_err());
    }

    #[test]
    fn a_link_round_trips() {
        let (l, k) = signed_link();
        assert!(
            l.starts_with("http://127.0.0.1:8080/verify/EEPC-2026-0001#"),
            "{l}"
        );
        let v = check(&l, std::slice::from_ref(&k));
        assert!(v.is_valid(), "{v:?}");
        assert_eq!(v.payload().unwrap(), &payload(&k.kid));
        assert_eq!(v.words(), "签名有效 signature valid");
        // the form's ?sig= carries the same
        let p = parse_link(&l).unwrap();
        let form = format!(
            "http://x/verify/{}?sig={}",
            path_encode(&p.number),
            path_encode(&p.signed)
        );
        assert!(check(&form, std::slice::from_ref(&k)).is_valid());
    }

    #[test]
    fn every_single_character_change_fails() {
        let (l, k) = signed_link();
        let keys = std::slice::from_ref(&k);
        let hash = l.find('#').unwrap();
        let start = l.find("/verify/").unwrap() + "/verify/".len();
        // each character replaced by the next of the base64url alphabet (a signature check
        // takes milliseconds without optimisation, so one replacement per position)
        let alphabet: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                .chars()
                .collect();
        let mut tried = 0;
        for (i, c) in l.char_indices() {
            if i < start || i == hash {
                continue;
            }
            let at = alphabet.iter().position(|a| *a == c).unwrap_or(0);
            let r = alphabet[(at + 1) % alphabet.len()];
            let mut t = l.clone();
            t.replace_range(i..i + c.len_utf8(), &r.to_string());
            let v = check(&t, keys);
            assert!(!v.is_valid(), "changed {c} at {i} to {r}: {t}");
            tried += 1;
        }
        assert!(tried > 300, "{tried}");
        // a character taken away or added fails too
        for i in start..l.len() {
            if i == hash {
                continue;
            }
            let mut t = l.clone();
            t.remove(i);
            assert!(!check(&t, keys).is_valid(), "removed at {i}");
        }
        assert!(!check(&format!("{l}A"), keys).is_valid());
    }

    #[test]
    fn an_unknown_key_and_another_bodys_key_are_told_apart() {
        let (l, _) = signed_link();
        let other = key(&[9; 32]);
        let v = check(&l, std::slice::from_ref(&other));
        assert!(matches!(v, Verdict::UnknownKey { .. }), "{v:?}");
        assert_eq!(v.words(), "未知密钥 unknown key");
        assert!(check(&l, &[]).words().contains("unknown"));
        // a published entry whose kid is not its key's own is not used
        let mut forged = other.clone();
        forged.kid = kid_of(&public_of(&SEED));
        assert!(matches!(check(&l, &[forged]), Verdict::UnknownKey { .. }));
        // signed with another seed but naming this key's id: invalid
        let k = key(&SEED);
        let wrong = link("http://x", &payload(&k.kid), &[9; 32]);
        let v = check(&wrong, &[k]);
        assert!(matches!(v, Verdict::Invalid { .. }), "{v:?}");
        assert_eq!(v.words(), "签名无效 invalid");
    }

    #[test]
    fn numbers_with_any_characters_survive_the_path() {
        for n in ["EEPC/2026 第1号", "A-1", "x%y#z?"] {
            assert_eq!(path_decode(&path_encode(n)).as_deref(), Some(n));
            let k = key(&SEED);
            let mut p = payload(&k.kid);
            p.number = n.into();
            let l = link("https://tp.example.cn", &p, &SEED);
            assert!(check(&l, &[k]).is_valid(), "{l}");
        }
        assert!(parse_link("http://x/verify/A-1").is_err());
        assert!(parse_link("nothing").is_err());
    }
}
