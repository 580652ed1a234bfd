//! Signed checkpoints of the audit log's head. Pure code: no IO, no clock, no randomness —
//! the caller hands in the key seed, the head and the time.
//!
//! A checkpoint says “at `at`, the log had `entries` entries and entry `seq` had hash
//! `head_hash`”, signed with Ed25519 by a key kept outside the database. The signature covers
//! [`canonical`]: the format tag and the five fields, each written as `<byte length>:<value>\n`
//! (the same framing as an entry's hash), so no two different checkpoints share an encoding.
//!
//! Text forms: the key (a 32-byte Ed25519 seed) and the public key are 64 lower-case hex
//! digits; the key id is the first 16 hex digits of SHA-256 over the public key's bytes; the
//! signature is 128 hex digits. A key file may hold `#` comment lines besides the seed.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::sha256_hex;

/// The tag that starts every signed encoding; a new encoding gets a new tag.
pub const FORMAT: &str = "tianping-audit-checkpoint-v1";

/// The signing key. Its `Debug` never shows the secret.
pub struct AuditKey {
    signing: SigningKey,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey(key id {})", self.public().key_id())
    }
}

/// A public key that checks checkpoint signatures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

/// One signed checkpoint, as stored in the table `audit_checkpoint` and as one line of the
/// external JSON Lines file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The sequence number of the head entry (0 for an empty log).
    pub seq: i64,
    /// The hash of entry `seq` (the genesis hash for an empty log).
    pub head_hash: String,
    /// How many entries the log held (equal to `seq` in a log without gaps).
    pub entries: i64,
    /// When it was signed (RFC 3339 UTC, as stored elsewhere).
    pub at: String,
    /// Which key signed it (see [`PublicKey::key_id`]).
    pub key_id: String,
    /// Ed25519 over [`canonical`], hex.
    pub signature: String,
}

/// Why a checkpoint's signature does not check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// Signed by a key that is not among those given.
    UnknownKey,
    /// The signature is not valid for these fields: forged or changed.
    Invalid,
}

/// The bytes a checkpoint's signature covers.
pub fn canonical(seq: i64, head_hash: &str, entries: i64, at: &str, key_id: &str) -> Vec<u8> {
    let mut buf = String::new();
    for f in [
        FORMAT,
        &seq.to_string(),
        head_hash,
        &entries.to_string(),
        at,
        key_id,
    ] {
        buf.push_str(&f.len().to_string());
        buf.push(':');
        buf.push_str(f);
        buf.push('\n');
    }
    buf.into_bytes()
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn from_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.as_bytes();
    if s.len() != 2 * N {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = digit(s[2 * i])? << 4 | digit(s[2 * i + 1])?;
    }
    Some(out)
}

impl AuditKey {
    /// The key from its 32-byte seed (the CLI draws the seed from the operating system).
    pub fn from_seed(seed: [u8; 32]) -> AuditKey {
        AuditKey {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// Read a key file's text or the value of `TIANPING_AUDIT_KEY`: 64 hex digits, with
    /// blank lines and `#` comment lines ignored.
    pub fn parse(text: &str) -> Result<AuditKey, String> {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let [line] = lines.as_slice() else {
            return Err(format!(
                "应恰有一行 64 位十六进制的密钥（# 开头为注释），实际有 {} 行",
                lines.len()
            ));
        };
        let seed = from_hex::<32>(line).ok_or_else(|| {
            format!(
                "密钥应为 64 位十六进制数字（0-9、a-f），实际为 {} 个字符",
                line.chars().count()
            )
        })?;
        Ok(AuditKey::from_seed(seed))
    }

    /// The text of a key file: comments naming the public key, then the seed in hex.
    pub fn to_file_text(&self) -> String {
        let p = self.public();
        format!(
            "# 天平 Tianping 审计日志签名密钥（Ed25519 种子，十六进制）。保密；不要放进数据库。\n\
             # Tianping audit log signing key (Ed25519 seed, hex). Keep it secret, outside the database.\n\
             # public key: {}\n# key id: {}\n{}\n",
            p.to_hex(),
            p.key_id(),
            to_hex(self.signing.as_bytes())
        )
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    /// Sign a checkpoint of the head `(seq, head_hash)` of a log with `entries` entries.
    pub fn sign(&self, seq: i64, head_hash: &str, entries: i64, at: &str) -> Checkpoint {
        let key_id = self.public().key_id();
        let sig = self
            .signing
            .sign(&canonical(seq, head_hash, entries, at, &key_id));
        Checkpoint {
            seq,
            head_hash: head_hash.to_string(),
            entries,
            at: at.to_string(),
            key_id,
            signature: to_hex(&sig.to_bytes()),
        }
    }
}

impl PublicKey {
    /// 64 hex digits, as `tianping audit keygen` prints them.
    pub fn parse(text: &str) -> Result<PublicKey, String> {
        let t = text.trim();
        let bytes = from_hex::<32>(t).ok_or_else(|| {
            format!(
                "公钥 “{}” 无效：应为 64 位十六进制数字（tianping audit keygen 打印的那一串）",
                t
            )
        })?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| format!("公钥 “{}” 不是有效的 Ed25519 公钥", t))
    }

    pub fn to_hex(&self) -> String {
        to_hex(self.0.as_bytes())
    }

    /// The first 16 hex digits of SHA-256 over the key's 32 bytes.
    pub fn key_id(&self) -> String {
        sha256_hex(self.0.as_bytes())[..16].to_string()
    }
}

impl Checkpoint {
    /// The bytes its signature covers.
    pub fn canonical(&self) -> Vec<u8> {
        canonical(
            self.seq,
            &self.head_hash,
            self.entries,
            &self.at,
            &self.key_id,
        )
    }

    /// Check the signature against the key among `keys` whose id it names.
    pub fn check_signature(&self, keys: &[PublicKey]) -> Result<PublicKey, SignatureError> {
        let key = keys
            .iter()
            .find(|k| k.key_id() == self.key_id)
            .ok_or(SignatureError::UnknownKey)?;
        let sig = from_hex::<64>(&self.signature).ok_or(SignatureError::Invalid)?;
        key.0
            .verify(&self.canonical(), &Signature::from_bytes(&sig))
            .map_err(|_| SignatureError::Invalid)?;
        Ok(*key)
    }

    /// One line of the external file (without the newline).
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("a checkpoint serialises")
    }

    pub fn from_json_line(line: &str) -> Result<Checkpoint, String> {
        serde_json::from_str(line).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const AT: &str = "2025-01-02T03:04:05.678Z";

    /// RFC 8032, section 7.1, TEST 1: the secret key and the public key it gives.
    const RFC_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn key() -> AuditKey {
        AuditKey::parse(RFC_SECRET).unwrap()
    }

    #[test]
    fn canonical_encoding_is_fixed() {
        let got = String::from_utf8(canonical(12, HEAD, 12, AT, "0123456789abcdef")).unwrap();
        assert_eq!(
            got,
            format!(
                "28:tianping-audit-checkpoint-v1\n2:12\n64:{}\n2:12\n24:{}\n16:0123456789abcdef\n",
                HEAD, AT
            )
        );
        // length prefixes keep fields apart: moving a digit between seq and entries differs
        assert_ne!(
            canonical(1, HEAD, 23, AT, "k"),
            canonical(12, HEAD, 3, AT, "k")
        );
    }

    #[test]
    fn signing_is_deterministic_and_verifies() {
        let k = key();
        let p = k.public();
        // the published test vector: the seed gives the published public key
        assert_eq!(p.to_hex(), RFC_PUBLIC);
        assert_eq!(
            p.key_id(),
            sha256_hex(&from_hex::<32>(RFC_PUBLIC).unwrap())[..16]
        );
        // Ed25519 is deterministic: the same fields give the same signature
        let c = k.sign(12, HEAD, 12, AT);
        assert_eq!(c, k.sign(12, HEAD, 12, AT));
        assert_eq!(c.key_id, p.key_id());
        assert_eq!(c.signature.len(), 128);
        assert_eq!(c.check_signature(&[p]), Ok(p));
    }

    #[test]
    fn any_changed_field_breaks_the_signature() {
        let k = key();
        let p = k.public();
        let c = k.sign(12, HEAD, 12, AT);
        let mut sig = c.signature.clone().into_bytes();
        sig[0] = if sig[0] == b'0' { b'1' } else { b'0' };
        let changed = vec![
            Checkpoint {
                seq: 11,
                ..c.clone()
            },
            Checkpoint {
                head_hash: HEAD.replace('9', "8"),
                ..c.clone()
            },
            Checkpoint {
                entries: 13,
                ..c.clone()
            },
            Checkpoint {
                at: "2025-01-02T03:04:06.678Z".into(),
                ..c.clone()
            },
            Checkpoint {
                signature: String::from_utf8(sig).unwrap(),
                ..c.clone()
            },
            Checkpoint {
                signature: "zz".into(),
                ..c.clone()
            },
        ];
        for x in changed {
            assert_eq!(
                x.check_signature(&[p]),
                Err(SignatureError::Invalid),
                "{x:?}"
            );
        }
        // the key id is signed too: naming another key leaves no key to check it with
        let renamed = Checkpoint {
            key_id: "0000000000000000".into(),
            ..c.clone()
        };
        assert_eq!(
            renamed.check_signature(&[p]),
            Err(SignatureError::UnknownKey)
        );
        // another key's id
        let other = AuditKey::from_seed([8u8; 32]).public();
        assert_eq!(c.check_signature(&[other]), Err(SignatureError::UnknownKey));
        assert_eq!(c.check_signature(&[]), Err(SignatureError::UnknownKey));
        // another key that claims this key's id
        let forged = Checkpoint {
            key_id: p.key_id(),
            ..AuditKey::from_seed([8u8; 32]).sign(12, HEAD, 12, AT)
        };
        assert_eq!(forged.check_signature(&[p]), Err(SignatureError::Invalid));
        assert_eq!(c.check_signature(&[other, p]), Ok(p));
    }

    #[test]
    fn key_and_public_key_text_round_trip() {
        let k = key();
        let text = k.to_file_text();
        assert!(text.contains(&k.public().to_hex()), "{text}");
        let back = AuditKey::parse(&text).unwrap();
        assert_eq!(back.public(), k.public());
        assert_eq!(
            AuditKey::parse(&format!("# comment\n  {}  \n\n", RFC_SECRET.to_uppercase()))
                .unwrap()
                .public(),
            k.public()
        );
        assert!(AuditKey::parse("").unwrap_err().contains("0 行"));
        assert!(AuditKey::parse("abc").unwrap_err().contains("64"));
        assert!(AuditKey::parse(&format!("{0}\n{0}", RFC_SECRET))
            .unwrap_err()
            .contains("2 行"));
        assert_eq!(
            PublicKey::parse(&format!(" {}\n", k.public().to_hex())).unwrap(),
            k.public()
        );
        assert!(PublicKey::parse("12").unwrap_err().contains("64"));
        assert!(!format!("{:?}", k).contains(RFC_SECRET));
    }

    #[test]
    fn json_lines_round_trip_and_refuse_unknown_fields() {
        let c = key().sign(3, HEAD, 3, AT);
        let line = c.to_json_line();
        assert!(!line.contains('\n'));
        assert!(line.starts_with("{\"seq\":3,\"head_hash\":"), "{line}");
        assert_eq!(Checkpoint::from_json_line(&line).unwrap(), c);
        assert!(Checkpoint::from_json_line("{\"seq\":3}").is_err());
        assert!(Checkpoint::from_json_line(&line.replace("\"seq\"", "\"sequence\"")).is_err());
    }
}
