//! A certificate as PDF, in Chinese or English (003 Annex C, C.1 a)–i), DESIGN I-21): holder,
//! registered and operating address (both when they differ), the sites on the certificate,
//! scope, standard with edition, grade, number, dates (the original date and the cycle on a
//! renewed one), issuer, what changed on a reissue, and the QR code of the signed link.

use chrono::NaiveDate;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Serialize;
use tianping_case::certification::state::CertificateRec;
use tianping_domain::Lang;
use tianping_store::cases as store;
use tianping_store::repo::{self, User};

use super::{Pdf, Template};
use crate::cases::CaseView;
use crate::{cases, certificates, App, Error};

/// The certificate's data (`templates/certificate.typ`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertificateDoc {
    pub number: String,
    pub holder: String,
    pub uscc: String,
    /// The registered address; `operating_address` only when it differs.
    pub registered_address: String,
    pub operating_address: Option<String>,
    pub sites: Vec<String>,
    pub scope: String,
    pub standard: String,
    pub edition: String,
    pub grade: Option<String>,
    pub issued: String,
    pub valid_from: String,
    pub valid_until: String,
    /// The first issue of the chain of renewals and the cycle, on a renewed certificate.
    pub original: Option<String>,
    pub cycle: u32,
    /// What changed against the previous certificate (a reissue or renewal), as the case
    /// records it (Chinese), and in English from the two records.
    pub change: Option<String>,
    pub change_en: Option<String>,
    pub issuer: String,
    /// The signed QR link (I-21), also printed under the code.
    pub link: String,
}

/// The certificate's data from a case view and its record; `link` the signed QR link.
pub fn build(app: &App, v: &CaseView, rec: &CertificateRec, link: String) -> CertificateDoc {
    let h = v.holder.as_ref();
    let reg = h.map(|h| h.registered_address.clone()).unwrap_or_default();
    let op = h
        .map(|h| h.operating_address.trim().to_string())
        .filter(|o| !o.is_empty() && *o != reg.trim());
    let sites = v
        .outcome
        .case
        .application
        .as_ref()
        .map(|a| {
            a.sites
                .iter()
                .filter(|s| !s.temporary)
                .map(|s| s.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let scheme = app.catalog.get(certificates::SCHEME);
    let certs = &v.outcome.case.certificates;
    let prev = certs
        .iter()
        .position(|c| c.number == rec.number)
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| certs.get(i));
    CertificateDoc {
        number: rec.number.clone(),
        holder: h
            .map(|h| h.name.clone())
            .unwrap_or_else(|| v.case.enterprise_name.clone()),
        uscc: h.map(|h| h.uscc.clone()).unwrap_or_default(),
        registered_address: reg,
        operating_address: op,
        sites,
        scope: rec.scope.clone(),
        standard: scheme.map(|s| s.standard.clone()).unwrap_or_default(),
        edition: scheme
            .map(|s| s.version[..s.version.len().min(12)].to_string())
            .unwrap_or_default(),
        grade: rec.grade.clone(),
        issued: rec.issued.to_string(),
        valid_from: rec.valid_from.to_string(),
        valid_until: rec.valid_until.to_string(),
        original: (rec.cycle > 1 || rec.original != rec.issued).then(|| rec.original.to_string()),
        cycle: rec.cycle,
        change: rec.change.clone(),
        change_en: change_en(prev, rec),
        issuer: v.case.org_name.clone(),
        link,
    }
}

/// What changed, in English, from the certificate before `rec` and `rec` (the case writes
/// its reason in Chinese): a renewal's continued validity and grade, a reissue's scope.
fn change_en(prev: Option<&CertificateRec>, rec: &CertificateRec) -> Option<String> {
    rec.change.as_ref()?;
    let p = match prev {
        Some(p) => p,
        None => return Some("Reissued".into()),
    };
    let mut parts = Vec::new();
    if rec.cycle > p.cycle {
        parts.push(format!(
            "Recertified: validity continues from {}",
            rec.valid_from
        ));
    }
    if p.scope != rec.scope {
        parts.push(format!(
            "scope changed from “{}” to “{}”",
            p.scope, rec.scope
        ));
    }
    if let (Some(a), Some(b)) = (&p.grade, &rec.grade) {
        if a != b {
            parts.push(format!("grade changed from {a} to {b}"));
        }
    }
    if parts.is_empty() {
        parts.push("Reissued with no recorded change".into());
    }
    let mut s = parts.join("; ");
    if let Some(first) = s.get(..1) {
        let up = first.to_uppercase();
        s.replace_range(..1, &up);
    }
    Some(s)
}

/// The QR code of a link as SVG.
pub fn qr_svg(link: &str) -> Result<Vec<u8>, Error> {
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| Error::Internal(format!("QR code: {}", e)))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build()
        .into_bytes())
}

/// Certificate `number` as PDF for a person who may see its case (404 otherwise). Created on
/// the issue day; the same certificate and key give the same bytes.
pub async fn pdf(app: &App, u: &User, number: &str, l: Lang) -> Result<Pdf, Error> {
    let number = number.trim();
    let id = store::case_of_certificate(&app.store, number)
        .await?
        .ok_or(Error::NotFound)?;
    let v = cases::view(app, u, id, None).await?;
    let rec = v
        .outcome
        .case
        .certificates
        .iter()
        .find(|c| c.number == number)
        .ok_or(Error::NotFound)?
        .clone();
    let holder: &repo::Enterprise = v.holder.as_ref().ok_or(Error::NotFound)?;
    let link = certificates::signed_link(app, &v.case, holder, &rec)?;
    let qr = qr_svg(&link)?;
    let data = build(app, &v, &rec, link);
    let created = midnight(rec.issued);
    let bytes = super::render(
        app,
        Template::Certificate,
        data,
        l,
        created,
        format!("tianping/certificate/{}/{}", rec.number, l.code()),
        vec![("/qr.svg".into(), qr)],
    )
    .await?;
    Ok(Pdf {
        bytes,
        filename: format!(
            "certificate-{}{}.pdf",
            rec.number,
            if l == Lang::En { "-en" } else { "" }
        ),
    })
}

fn midnight(d: NaiveDate) -> chrono::NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}
