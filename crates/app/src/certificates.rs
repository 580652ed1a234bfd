//! Certificates as the public sees them (DESIGN I-21, 003 8.1.8): the signed QR link of a
//! certificate (its payload from the case's fold and the holder's record, signed with the
//! body's active key from [`crate::cert_keys`]), the public status of a certificate number
//! today and on any date, its history, and the look-up by number, credit code or name. No
//! sign-in and no person: nothing here names an auditor, a decider or anyone who entered an
//! event (suspension and withdrawal causes are free text and stay with the body too).

use chrono::NaiveDate;
use serde::Serialize;
use tianping_case::certification::state::CertificateRec;
use tianping_case::certification::{self as cert, CaseState, CertStatus};
use tianping_case::CaseKind;
use tianping_domain::cert_sign::{self, KeyEntry, Payload, Verdict};
use tianping_store::cases::{self as store, CaseRow};
use tianping_store::repo;

use crate::cases::{conflicts_of, context, header_of, parse_events};
use crate::{cert_keys, App, Error};

/// The scheme a certificate is issued under.
pub const SCHEME: &str = "eepc-certification";

/// How many look-up rows are shown.
pub const SHOWN: i64 = 50;

/// A certificate number's status on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    Suspended,
    Withdrawn,
    Cancelled,
    Expired,
    /// A later certificate (a reissue or a renewal) replaced this number.
    Superseded,
    /// The day is before the number was issued.
    NotIssued,
}

impl Status {
    pub fn zh(self) -> &'static str {
        match self {
            Status::Valid => "有效",
            Status::Suspended => "暂停",
            Status::Withdrawn => "撤销",
            Status::Cancelled => "注销",
            Status::Expired => "过期",
            Status::Superseded => "已换发",
            Status::NotIssued => "尚未颁发",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Suspended => "suspended",
            Status::Withdrawn => "withdrawn",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
            Status::Superseded => "superseded",
            Status::NotIssued => "not yet issued",
        }
    }

    fn of(s: CertStatus) -> Status {
        match s {
            CertStatus::Valid => Status::Valid,
            CertStatus::Suspended => Status::Suspended,
            CertStatus::Withdrawn => Status::Withdrawn,
            CertStatus::Cancelled => Status::Cancelled,
            CertStatus::Expired => Status::Expired,
        }
    }
}

/// One step of a certificate's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub date: NaiveDate,
    /// `issued`, `reissued`, `suspended`, `restored`, `withdrawn`, `cancelled`, `expired`.
    pub kind: &'static str,
    /// The certificate number it concerns (issues and reissues).
    pub number: Option<String>,
    /// What changed, for a reissue or renewal (generated words, no person).
    pub change: Option<String>,
}

impl Step {
    pub fn zh(&self) -> &'static str {
        match self.kind {
            "issued" => "颁发证书",
            "reissued" => "换发证书",
            "suspended" => "暂停",
            "restored" => "恢复",
            "withdrawn" => "撤销",
            "cancelled" => "注销",
            _ => "有效期届满",
        }
    }

    pub fn en(&self) -> &'static str {
        match self.kind {
            "issued" => "Certificate issued",
            "reissued" => "Certificate reissued",
            "suspended" => "Suspended",
            "restored" => "Restored",
            "withdrawn" => "Withdrawn",
            "cancelled" => "Cancelled",
            _ => "Validity ended",
        }
    }
}

/// A certificate as its public page and the public API show it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCertificate {
    pub number: String,
    pub holder: String,
    pub uscc: String,
    /// The issuing body.
    pub issuer: String,
    pub scope: String,
    /// The standard (its title) and the scheme's edition.
    pub standard: String,
    pub scheme: String,
    pub edition: String,
    pub grade: Option<String>,
    pub issued: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// The first issue of the chain of renewals.
    pub original: NaiveDate,
    pub today: NaiveDate,
    /// The status today.
    pub status: Status,
    /// The number that replaced this one, when superseded.
    pub superseded_by: Option<String>,
    /// Issues, reissues and status changes of the case's certificates, oldest first.
    pub history: Vec<Step>,
    /// The day asked about (`?on=`) and the status then.
    pub on: Option<(NaiveDate, Status)>,
    /// The key ids of the issuing body: a signature by another key is not this body's.
    pub body_kids: Vec<String>,
}

fn edition(app: &App) -> (String, String) {
    app.catalog
        .get(SCHEME)
        .map(|s| {
            (
                s.standard.clone(),
                s.version[..s.version.len().min(12)].to_string(),
            )
        })
        .unwrap_or_default()
}

/// The payload of a certificate of a case, signed by the given key id.
pub fn payload(app: &App, holder: &repo::Enterprise, c: &CertificateRec, kid: &str) -> Payload {
    Payload {
        number: c.number.clone(),
        holder: holder.name.clone(),
        uscc: holder.uscc.clone(),
        scheme: SCHEME.into(),
        edition: edition(app).1,
        grade: c.grade.clone().unwrap_or_default(),
        scope: cert_sign::scope_digest(&c.scope),
        issued: c.issued,
        valid_until: c.valid_until,
        kid: kid.into(),
    }
}

/// The QR link of a case's certificate, signed with the body's active key (made on first
/// use): `{base_url}/verify/{number}#{payload}.{signature}`.
pub fn signed_link(
    app: &App,
    case: &CaseRow,
    holder: &repo::Enterprise,
    c: &CertificateRec,
) -> Result<String, Error> {
    let key = cert_keys::active(&cert_keys::dir(app), case.org_id)?;
    let p = payload(app, holder, c, &key.kid);
    Ok(cert_sign::link(&app.config.base_url(), &p, &key.seed))
}

/// The case holding a certificate number, with its fold as of today.
async fn fold_of(app: &App, number: &str) -> Result<Option<(CaseRow, CaseState)>, Error> {
    let Some(id) = store::case_of_certificate(&app.store, number).await? else {
        return Ok(None);
    };
    let Some(c) = store::get(&app.store, id).await? else {
        return Ok(None);
    };
    if c.kind != CaseKind::Certification.as_str() {
        return Ok(None);
    }
    let header = header_of(app, &c).await?;
    let events: Vec<cert::Event> = parse_events(&store::events(&app.store, id).await?)?
        .into_iter()
        .map(|e| e.event)
        .collect();
    let conflicts = conflicts_of(app, &c).await?;
    let outcome = cert::replay(&header, &events, app.today(), context(&conflicts));
    Ok(Some((c, outcome.case)))
}

/// The status of certificate `number` on a day, from the case's fold.
pub fn status_on(case: &CaseState, number: &str, day: NaiveDate) -> Status {
    let Some(mine) = case.certificates.iter().find(|c| c.number == number) else {
        return Status::NotIssued;
    };
    if day < mine.issued {
        return Status::NotIssued;
    }
    match case.certificates.iter().rev().find(|c| c.issued <= day) {
        Some(c) if c.number != number => Status::Superseded,
        _ => case
            .status_on(day)
            .map(Status::of)
            .unwrap_or(Status::NotIssued),
    }
}

/// The history of a case's certificates up to `today`, without causes or people.
pub fn history(case: &CaseState, today: NaiveDate) -> Vec<Step> {
    let mut out: Vec<Step> = case
        .certificates
        .iter()
        .map(|c| Step {
            date: c.issued,
            kind: if c.change.is_some() {
                "reissued"
            } else {
                "issued"
            },
            number: Some(c.number.clone()),
            change: c.change.clone(),
        })
        .collect();
    for s in &case.status_changes {
        let kind = match s.status {
            CertStatus::Suspended => "suspended",
            CertStatus::Withdrawn => "withdrawn",
            CertStatus::Cancelled => "cancelled",
            CertStatus::Expired => "expired",
            // a grant or reissue writes an empty reason; a restoration says so
            CertStatus::Valid if s.reason.is_empty() => continue,
            CertStatus::Valid => "restored",
        };
        out.push(Step {
            date: s.date,
            kind,
            number: None,
            change: None,
        });
    }
    if let Some(c) = case.certificate() {
        if let Some(after) = c.valid_until.succ_opt() {
            if after <= today
                && case.status_on(after) == Some(CertStatus::Expired)
                && !case.status_changes.iter().any(|s| s.status.is_terminal())
            {
                out.push(Step {
                    date: after,
                    kind: "expired",
                    number: None,
                    change: None,
                });
            }
        }
    }
    out.sort_by_key(|s| s.date);
    out
}

/// A certificate number's public page; `None` for a number never issued.
pub async fn public(
    app: &App,
    number: &str,
    on: Option<NaiveDate>,
) -> Result<Option<PublicCertificate>, Error> {
    let number = number.trim();
    let Some((c, case)) = fold_of(app, number).await? else {
        return Ok(None);
    };
    let Some(rec) = case.certificates.iter().find(|x| x.number == number) else {
        return Ok(None);
    };
    let holder = repo::get_enterprise(&app.store, c.enterprise_id).await?;
    let (standard, edition) = edition(app);
    let today = app.today();
    let status = status_on(&case, number, today);
    let superseded_by = (status == Status::Superseded)
        .then(|| case.certificates.iter().rev().find(|x| x.issued <= today))
        .flatten()
        .map(|x| x.number.clone());
    let body_kids = cert_keys::list(&cert_keys::dir(app))?
        .into_iter()
        .filter(|k| k.org_id == c.org_id)
        .map(|k| k.kid)
        .collect();
    Ok(Some(PublicCertificate {
        number: rec.number.clone(),
        holder: holder
            .as_ref()
            .map(|h| h.name.clone())
            .unwrap_or_else(|| c.enterprise_name.clone()),
        uscc: holder.map(|h| h.uscc).unwrap_or_default(),
        issuer: c.org_name.clone(),
        scope: rec.scope.clone(),
        standard,
        scheme: SCHEME.into(),
        edition,
        grade: rec.grade.clone(),
        issued: rec.issued,
        valid_from: rec.valid_from,
        valid_until: rec.valid_until,
        original: rec.original,
        today,
        status,
        superseded_by,
        history: history(&case, today),
        on: on.map(|d| (d, status_on(&case, number, d))),
        body_kids,
    }))
}

/// The signed part of a link checked against every published key, and against the issuing
/// body's keys: a valid signature by another body's key is reported as invalid here.
pub async fn check_signature(
    app: &App,
    cert: &PublicCertificate,
    signed: &str,
) -> Result<Verdict, Error> {
    let keys = cert_keys::published(app).await?;
    let v = cert_sign::verify(&cert.number, signed, &keys);
    Ok(match v {
        Verdict::Valid { payload, key } if !cert.body_kids.contains(&key.kid) => Verdict::Invalid {
            payload: Some(payload),
            reason: "签名密钥不属于颁证机构".into(),
        },
        v => v,
    })
}

/// The published keys.
pub async fn keys(app: &App) -> Result<Vec<KeyEntry>, Error> {
    cert_keys::published(app).await
}

/// One row of the look-up.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub number: String,
    pub holder: String,
    pub uscc: String,
    pub issuer: String,
    pub issued: String,
    pub status: Status,
}

/// Certificates by number, credit code (its start) or holder's name (a part), newest first.
pub async fn lookup(app: &App, q: &str) -> Result<Vec<Hit>, Error> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let q: String = q.chars().take(50).collect();
    let today = app.today();
    let mut out = Vec::new();
    for h in store::find_certificates(&app.store, &q, SHOWN).await? {
        let status = match fold_of(app, &h.number).await? {
            Some((_, case)) => status_on(&case, &h.number, today),
            None => Status::NotIssued,
        };
        out.push(Hit {
            number: h.number,
            holder: h.enterprise_name,
            uscc: h.uscc,
            issuer: h.body_name,
            issued: h.issued_on,
            status,
        });
    }
    Ok(out)
}
