//! Evidence files: attached to an item by the people who may answer it, stored once per
//! content hash, served only to people who see the item.

use serde_json::json;
use tianping_domain::access::draft;
use tianping_domain::{evidence as rules, Access, FieldError};
use tianping_store::audit;
use tianping_store::repo::{self, Evidence, User};
use tianping_store::sha256_hex;

use crate::assessments;
use crate::{actor, App, Error};

pub async fn add(
    app: &App,
    u: &User,
    id: i64,
    indicator: &str,
    file_name: &str,
    data: &[u8],
) -> Result<Evidence, Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    if !access.sees_item(indicator) {
        return Err(Error::NotFound);
    }
    // an item of this assessment's plan (its variant and profile)
    let category = assessments::plan(app, &a)?
        .leaves
        .iter()
        .find(|l| l.ind.id == indicator)
        .ok_or(Error::NotFound)?
        .ind
        .category;
    access.upload_evidence(category)?;
    draft(a.status)?;
    let name = rules::file_name(file_name);
    if name.is_empty() {
        return Err(Error::invalid(
            "file",
            "请选择要上传的文件",
            "Choose a file to upload",
        ));
    }
    if data.is_empty() {
        return Err(Error::invalid("file", "文件为空", "The file is empty"));
    }
    if data.len() > app.config.max_upload_bytes {
        let (size, max) = (data.len(), app.config.max_upload_bytes / 1024 / 1024);
        return Err(Error::invalid(
            "file",
            format!("文件过大：{} 字节，上限 {} MB", size, max),
            format!(
                "The file is too large: {} bytes, the limit is {} MB",
                size, max
            ),
        ));
    }
    let ct = rules::content_type(&name, data)
        .map_err(|m| Error::Invalid(vec![FieldError::msg("file", m)]))?;
    let hash = sha256_hex(data);
    let mut tx = app.begin().await?;
    let ev = repo::add_evidence(&mut tx, a.id, indicator, &hash, data, &name, ct, u.id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "evidence",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!(ev)),
    )
    .await?;
    tx.commit().await?;
    Ok(ev)
}

/// An evidence file the user may download: its record and bytes.
pub async fn file(app: &App, u: &User, evidence_id: i64) -> Result<(Evidence, Vec<u8>), Error> {
    let ev = repo::get_evidence(&app.store, evidence_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (_, access) = assessments::get(app, u, ev.assessment_id).await?;
    if !access.sees_item(&ev.indicator_id) {
        return Err(Error::NotFound);
    }
    let data = repo::blob(&app.store, &ev.sha256)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((ev, data))
}

/// The evidence records of an assessment obtained with [`assessments::get`] (the items the
/// user sees).
pub async fn of(app: &App, a: &repo::Assessment, access: &Access) -> Result<Vec<Evidence>, Error> {
    Ok(repo::evidence_of(&app.store, a.id)
        .await?
        .into_iter()
        .filter(|e| access.sees_item(&e.indicator_id))
        .collect())
}
