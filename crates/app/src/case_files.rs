//! The documents of a certification case: the application's documents of 8.1.1 a)–i), the
//! contract (8.1.2.3), audit plans (8.1.4.2) and reports (8.1.6.4), the evidence of a
//! correction (8.1.6.5), appeals (11.1). Uploaded by the party the rules of
//! `tianping_domain::case_files` allow, stored once per content hash with an audit entry in
//! the same transaction; listed with the uploaders' names and the application's checklist;
//! downloaded only by people who see the case.

use serde::Serialize;
use serde_json::json;
use tianping_domain::case::CaseFacts;
use tianping_domain::case_files::{self as rules, Accepted};
use tianping_store::audit;
use tianping_store::cases::{self as store, CaseFile, CaseRow, NewFile};
use tianping_store::repo::{self, User};
use tianping_store::sha256_hex;

use crate::cases::{self, CaseView};
use crate::{actor, App, Error};

pub use tianping_domain::case_files::{ChecklistRow, DocKind, Need};

/// A document of a case as people see it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDoc {
    pub id: i64,
    pub case_id: i64,
    pub kind: DocKind,
    /// The finding (correction evidence), the audit (plan, report) or a note; may be empty.
    pub subject: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: i64,
    pub uploaded_by_name: String,
    pub uploaded_at: String,
}

/// The documents of a case for one person: the files, what they may upload, the
/// application's checklist and what a correction or an audit document may be about.
#[derive(Debug, Clone, Serialize)]
pub struct Materials {
    pub files: Vec<CaseDoc>,
    /// The kinds this person may upload.
    pub uploadable: Vec<DocKind>,
    /// The application's documents of 8.1.1 a)–i), when the case has an application.
    pub checklist: Option<Vec<ChecklistRow>>,
    /// The required application documents not uploaded yet (empty without an application).
    pub missing: Vec<DocKind>,
    /// The findings of the case (what correction evidence is about).
    pub findings: Vec<String>,
    /// The audits of the case (what a plan or report is about).
    pub audits: Vec<String>,
}

/// An upload as sent: the kind and subject as typed, the file's name and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub kind: &'a str,
    pub subject: &'a str,
    pub file_name: &'a str,
    pub data: &'a [u8],
}

fn facts(c: &CaseRow) -> CaseFacts {
    CaseFacts {
        org_id: c.org_id,
        enterprise_id: c.enterprise_id,
    }
}

fn kind_of(f: &CaseFile) -> Result<DocKind, Error> {
    f.kind
        .parse()
        .map_err(|e| Error::Internal(format!("case file {} of case {}: {e}", f.id, f.case_id)))
}

fn doc(f: CaseFile, kind: DocKind, name: Option<&String>) -> CaseDoc {
    CaseDoc {
        id: f.id,
        case_id: f.case_id,
        kind,
        subject: f.subject,
        file_name: f.file_name,
        content_type: f.content_type,
        size: f.size,
        uploaded_by: f.uploaded_by,
        uploaded_by_name: name.cloned().unwrap_or_default(),
        uploaded_at: f.uploaded_at,
    }
}

async fn docs(app: &App, files: &[CaseFile]) -> Result<Vec<CaseDoc>, Error> {
    let ids: Vec<i64> = files.iter().map(|f| f.uploaded_by).collect();
    let names = repo::user_names(&app.store, &ids).await?;
    files
        .iter()
        .map(|f| Ok(doc(f.clone(), kind_of(f)?, names.get(&f.uploaded_by))))
        .collect()
}

/// The number of sites an application lists (none listed: its one site).
fn site_count(v: &CaseView) -> Option<usize> {
    v.outcome
        .case
        .application
        .as_ref()
        .map(|a| a.sites.len().max(1))
}

/// The documents of a case already read with [`cases::view`] by this person.
pub async fn materials(app: &App, u: &User, v: &CaseView) -> Result<Materials, Error> {
    let files = docs(app, &v.files).await?;
    let held: Vec<DocKind> = files.iter().map(|f| f.kind).collect();
    let checklist = site_count(v).map(|n| rules::checklist(n, &held));
    let missing = site_count(v)
        .map(|n| rules::missing(n, &held))
        .unwrap_or_default();
    let case = &v.outcome.case;
    Ok(Materials {
        uploadable: rules::uploadable(&u.principal(), facts(&v.case)),
        checklist,
        missing,
        findings: case.findings.iter().map(|f| f.id.clone()).collect(),
        audits: case.audits.iter().map(|a| a.id.clone()).collect(),
        files,
    })
}

/// The documents of a case this person sees (else not found).
pub async fn list(app: &App, u: &User, id: i64) -> Result<Materials, Error> {
    let v = cases::view(app, u, id, None).await?;
    materials(app, u, &v).await
}

/// The required application documents (8.1.1) a case does not hold yet, in the clause's
/// order; empty when the case has no application.
pub async fn missing_documents(app: &App, u: &User, id: i64) -> Result<Vec<DocKind>, Error> {
    Ok(list(app, u, id).await?.missing)
}

/// Upload a document to a case: not found when the person does not see the case, forbidden
/// when the kind is another party's (naming who uploads it), invalid when the kind, the
/// subject or the file is wrong (every field at fault at once, each saying what is
/// accepted). The file, its record and the audit entry are written in one transaction.
pub async fn upload(app: &App, u: &User, id: i64, up: Upload<'_>) -> Result<CaseDoc, Error> {
    let v = cases::view(app, u, id, None).await?;
    let kind = rules::parse_kind(up.kind).map_err(|e| Error::Invalid(vec![e]))?;
    rules::may_upload(&u.principal(), facts(&v.case), kind)?;
    let case = &v.outcome.case;
    let findings: Vec<&str> = case.findings.iter().map(|f| f.id.as_str()).collect();
    let audits: Vec<&str> = case.audits.iter().map(|a| a.id.as_str()).collect();
    let subject = rules::check_subject(kind, up.subject, &findings, &audits);
    let file = rules::check_file(up.file_name, up.data, app.config.max_upload_bytes);
    let (
        subject,
        Accepted {
            file_name,
            content_type,
        },
    ) = match (subject, file) {
        (Ok(s), Ok(f)) => (s, f),
        (s, f) => return Err(Error::Invalid(s.err().into_iter().chain(f.err()).collect())),
    };
    let hash = sha256_hex(up.data);
    let mut tx = app.begin().await?;
    let f = store::add_file(
        &mut tx,
        id,
        &NewFile {
            kind: kind.as_str(),
            subject: &subject,
            sha256: &hash,
            data: up.data,
            file_name: &file_name,
            content_type,
        },
        u.id,
    )
    .await?;
    audit::append(
        &mut tx,
        &actor(u),
        "case_file",
        "case",
        &id.to_string(),
        None,
        Some(&json!({
            "record_id": f.id,
            "document": kind.as_str(),
            "subject": f.subject,
            "file_name": f.file_name,
            "content_type": f.content_type,
            "size": f.size,
            "sha256": f.sha256,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(doc(f, kind, Some(&u.name)))
}

/// A document of a case with its bytes, for a person who sees the case (else not found,
/// exactly like a missing file).
pub async fn download(
    app: &App,
    u: &User,
    id: i64,
    file_id: i64,
) -> Result<(CaseDoc, Vec<u8>), Error> {
    cases::get(app, u, id).await?;
    let f = store::file(&app.store, id, file_id)
        .await?
        .ok_or(Error::NotFound)?;
    let data = repo::blob(&app.store, &f.sha256)
        .await?
        .ok_or(Error::NotFound)?;
    let kind = kind_of(&f)?;
    let names = repo::user_names(&app.store, &[f.uploaded_by]).await?;
    let name = names.get(&f.uploaded_by).cloned();
    Ok((doc(f, kind, name.as_ref()), data))
}
