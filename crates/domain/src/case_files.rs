//! The documents of a certification case: what kinds there are and the clause each answers
//! to, which party uploads which kind, which documents a complete application holds
//! (8.1.1 a)–i)), what a document's subject must name, and which files are accepted.
//!
//! - The client uploads its application documents a)–i), the evidence of its corrections
//!   (8.1.6.5, about one finding) and its appeal (11.1).
//! - The body's admin uploads the contract (8.1.2.3), audit plans (8.1.4.2), audit reports
//!   (8.1.6.4) and other records; the body's auditors upload audit plans and reports.
//! - The decider uploads nothing: a decision is an event of the case.
//!
//! A complete application holds a), d), e), f), g) and i); b) only when the application lists
//! more than one site; c) and h) are uploaded when they apply. Files are accepted as evidence
//! files are ([`crate::evidence`]: PDF, images, Office documents, text), up to the size the
//! caller configures.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::access::Principal;
use crate::case::{may_see, CaseFacts};
use crate::evidence;
use crate::msg::{Denied, FieldError, Lang, Msg};
use crate::text::{text_enum, Role, UnknownText};

text_enum! {
    /// What a document of a case is.
    DocKind, "材料类别" {
        /// 8.1.1 a)
        Licence = "licence", "营业执照（副本）", "Business licence (copy)";
        /// 8.1.1 b), for each site of a multi-site system.
        SiteLegal = "site_legal", "场所法律地位证明", "Legal status of each site";
        /// 8.1.1 c), where laws require one.
        Permit = "permit", "资质证明", "Licences and permits required by law";
        /// 8.1.1 d)
        ApplicationForm = "application_form", "认证申请及信息调查表", "Application and information form";
        /// 8.1.1 e)
        Profile = "profile", "企业简介及组织机构图", "Company profile and organisation chart";
        /// 8.1.1 f)
        Process = "process", "业务活动描述及有效人数", "Business activities and effective headcount";
        /// 8.1.1 g): with the scope and the day the system started operating.
        SystemDocs = "system_docs", "体系成文信息", "Documented information of the system";
        /// 8.1.1 h), if any.
        Certificates = "certificates", "其他管理体系证书", "Other management system certificates";
        /// 8.1.1 i)
        CreditScreenshot = "credit_screenshot", "未列入严重违法失信名单截图", "Screenshot: not on the serious-dishonesty list";
        /// 8.1.2.3
        Contract = "contract", "认证合同", "Certification contract";
        /// 8.1.4.2
        AuditPlan = "audit_plan", "审核计划", "Audit plan";
        /// 8.1.6.4
        AuditReport = "audit_report", "审核报告", "Audit report";
        /// 8.1.6.5: cause analysis, correction and corrective action, about one finding.
        CorrectionEvidence = "correction_evidence", "纠正及纠正措施证据", "Evidence of correction and corrective action";
        /// 11.1
        Appeal = "appeal", "申诉材料", "Appeal";
        Other = "other", "其他材料", "Other record";
    }
}

/// The application documents of 8.1.1, in the order of the clause.
pub const APPLICATION: &[DocKind] = &[
    DocKind::Licence,
    DocKind::SiteLegal,
    DocKind::Permit,
    DocKind::ApplicationForm,
    DocKind::Profile,
    DocKind::Process,
    DocKind::SystemDocs,
    DocKind::Certificates,
    DocKind::CreditScreenshot,
];

/// What the client uploads.
const CLIENT: &[DocKind] = &[
    DocKind::Licence,
    DocKind::SiteLegal,
    DocKind::Permit,
    DocKind::ApplicationForm,
    DocKind::Profile,
    DocKind::Process,
    DocKind::SystemDocs,
    DocKind::Certificates,
    DocKind::CreditScreenshot,
    DocKind::CorrectionEvidence,
    DocKind::Appeal,
];

/// What the body's admin uploads.
const ADMIN: &[DocKind] = &[
    DocKind::Contract,
    DocKind::AuditPlan,
    DocKind::AuditReport,
    DocKind::Other,
];

/// What the body's auditors upload.
const AUDITOR: &[DocKind] = &[DocKind::AuditPlan, DocKind::AuditReport];

/// Who uploads a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploader {
    Client,
    BodyAdmin,
    /// The body's admin or one of its auditors.
    BodyStaff,
}

/// What a document's subject names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A finding of the case (required).
    Finding,
    /// An audit of the case (optional: a plan may come before the audit is entered).
    Audit,
    /// A short note, optional.
    Note,
}

/// The most characters of a subject.
pub const SUBJECT_MAX: usize = 200;

impl DocKind {
    /// The clause the document answers to.
    pub fn clause(self) -> &'static str {
        match self {
            DocKind::Licence => "8.1.1 a)",
            DocKind::SiteLegal => "8.1.1 b)",
            DocKind::Permit => "8.1.1 c)",
            DocKind::ApplicationForm => "8.1.1 d)",
            DocKind::Profile => "8.1.1 e)",
            DocKind::Process => "8.1.1 f)",
            DocKind::SystemDocs => "8.1.1 g)",
            DocKind::Certificates => "8.1.1 h)",
            DocKind::CreditScreenshot => "8.1.1 i)",
            DocKind::Contract => "8.1.2.3",
            DocKind::AuditPlan => "8.1.4.2",
            DocKind::AuditReport => "8.1.6.4",
            DocKind::CorrectionEvidence => "8.1.6.5",
            DocKind::Appeal => "11.1",
            DocKind::Other => "",
        }
    }

    /// The letter of an application document in 8.1.1 (a–i).
    pub fn letter(self) -> Option<char> {
        APPLICATION
            .iter()
            .position(|k| *k == self)
            .map(|i| (b'a' + i as u8) as char)
    }

    /// Who uploads it.
    pub fn uploader(self) -> Uploader {
        if CLIENT.contains(&self) {
            Uploader::Client
        } else if AUDITOR.contains(&self) {
            Uploader::BodyStaff
        } else {
            Uploader::BodyAdmin
        }
    }

    /// What its subject names.
    pub fn subject(self) -> Subject {
        match self {
            DocKind::CorrectionEvidence => Subject::Finding,
            DocKind::AuditPlan | DocKind::AuditReport => Subject::Audit,
            _ => Subject::Note,
        }
    }

    /// The kind's name with its clause, for people (“营业执照（副本）（8.1.1 a)）”).
    pub fn title(self, l: Lang) -> String {
        match (self.clause(), l) {
            ("", _) => self.label(l).to_string(),
            (c, Lang::Zh) => format!("{}（{}）", self.label(l), c),
            (c, Lang::En) => format!("{} ({})", self.label(l), c),
        }
    }
}

/// The kinds this person may upload to a case they see, in the order of [`DocKind::ALL`].
pub fn uploadable(p: &Principal, c: CaseFacts) -> Vec<DocKind> {
    let list: &[DocKind] = match p.role {
        Role::Enterprise if p.enterprise_id == Some(c.enterprise_id) => CLIENT,
        Role::BodyAdmin if p.org_id == Some(c.org_id) => ADMIN,
        Role::Auditor if p.org_id == Some(c.org_id) => AUDITOR,
        _ => &[],
    };
    DocKind::ALL
        .iter()
        .copied()
        .filter(|k| list.contains(k))
        .collect()
}

/// Whether this person may upload a document of this kind to the case: not found when they do
/// not see it, forbidden (naming who uploads it and what they may upload) otherwise.
pub fn may_upload(p: &Principal, c: CaseFacts, kind: DocKind) -> Result<(), Denied> {
    may_see(p, c)?;
    let mine = uploadable(p, c);
    if mine.contains(&kind) {
        return Ok(());
    }
    let (zh_who, en_who) = match kind.uploader() {
        Uploader::Client => (
            "申请组织（企业用户）",
            "the client (the enterprise's users)",
        ),
        Uploader::BodyAdmin => ("认证机构管理员", "the body's administrator"),
        Uploader::BodyStaff => (
            "认证机构管理员或审核员",
            "the body's administrator or auditors",
        ),
    };
    let (zh_mine, en_mine) = if mine.is_empty() {
        (
            "您不能上传案卷材料".to_string(),
            "You upload no documents to a case".to_string(),
        )
    } else {
        (
            format!(
                "您可上传：{}",
                mine.iter()
                    .map(|k| k.label(Lang::Zh))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            format!(
                "You may upload: {}",
                mine.iter()
                    .map(|k| k.label(Lang::En))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    };
    Err(Denied::Forbidden(Msg::new(
        format!("{}只能由{}上传；{}", kind.title(Lang::Zh), zh_who, zh_mine),
        format!(
            "{} is uploaded by {} only. {}",
            kind.title(Lang::En),
            en_who,
            en_mine
        ),
    )))
}

/// Whether an application document is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    Required,
    /// Uploaded when it applies (c), h)).
    IfApplicable,
    /// Not needed for this application (b) with one site).
    NotNeeded,
}

impl Need {
    /// The one spelling in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::IfApplicable => "if_applicable",
            Need::NotNeeded => "not_needed",
        }
    }

    pub fn label(self, l: Lang) -> &'static str {
        match self {
            Need::Required => l.t("必须提交", "required"),
            Need::IfApplicable => l.t("适用时提交", "if applicable"),
            Need::NotNeeded => l.t("不适用（单一场所）", "not needed (one site)"),
        }
    }
}

/// Whether an application document is needed, for an application listing `sites` sites (no
/// site listed counts as one).
pub fn need(kind: DocKind, sites: usize) -> Need {
    match kind {
        DocKind::SiteLegal if sites > 1 => Need::Required,
        DocKind::SiteLegal => Need::NotNeeded,
        DocKind::Permit | DocKind::Certificates => Need::IfApplicable,
        k if APPLICATION.contains(&k) => Need::Required,
        _ => Need::NotNeeded,
    }
}

/// Whether the body may accept an application that holds these documents: an application is
/// accepted only when its documents are complete (8.1.2.2, "申请材料齐全并符合有关要求的，受理
/// 认证申请"); otherwise the body asks for supplements by a date or refuses. The refusal
/// names each missing document with its letter.
pub fn acceptance(missing: &[DocKind]) -> Result<(), String> {
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing
        .iter()
        .map(|k| match k.letter() {
            Some(c) => format!("{c}) {}", k.label(crate::msg::Lang::Zh)),
            None => k.label(crate::msg::Lang::Zh).to_string(),
        })
        .collect();
    Err(format!(
        "申请材料不齐全，不能受理：缺少 {}；请要求申请组织在期限内补充（要求补充材料），或待其上传后再评审",
        names.join("、")
    ))
}

/// One line of the application checklist (8.1.1 a)–i)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistRow {
    pub kind: DocKind,
    pub letter: char,
    pub need: Need,
    /// How many files of this kind the case holds.
    pub files: usize,
    /// Required and not uploaded.
    pub missing: bool,
}

/// The application checklist of 8.1.1 for an application listing `sites` sites, given the
/// kinds of the files the case holds (one entry per file).
pub fn checklist(sites: usize, held: &[DocKind]) -> Vec<ChecklistRow> {
    APPLICATION
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let files = held.iter().filter(|k| **k == kind).count();
            let need = need(kind, sites);
            ChecklistRow {
                kind,
                letter: (b'a' + i as u8) as char,
                need,
                files,
                missing: need == Need::Required && files == 0,
            }
        })
        .collect()
}

/// The required application documents not yet uploaded, in the order of 8.1.1.
pub fn missing(sites: usize, held: &[DocKind]) -> Vec<DocKind> {
    checklist(sites, held)
        .into_iter()
        .filter(|r| r.missing)
        .map(|r| r.kind)
        .collect()
}

/// A kind of document as typed (field `kind`), or what would be accepted.
pub fn parse_kind(s: &str) -> Result<DocKind, FieldError> {
    s.trim().parse().map_err(|e: UnknownText| {
        FieldError::new(
            "kind",
            e.to_string(),
            format!(
                "Unknown kind of document “{}”; one of: {}",
                e.got,
                DocKind::TEXTS.join(", ")
            ),
        )
    })
}

/// The subject of a document as kept: a finding of the case for correction evidence
/// (required), an audit of the case for a plan or report (optional), else an optional note.
/// `findings` and `audits` are the ids the case holds.
pub fn check_subject(
    kind: DocKind,
    subject: &str,
    findings: &[&str],
    audits: &[&str],
) -> Result<String, FieldError> {
    let s = subject.trim();
    let bad = |zh: String, en: String| Err(FieldError::new("subject", zh, en));
    if s.chars().count() > SUBJECT_MAX || s.chars().any(char::is_control) {
        return bad(
            format!("说明最多 {SUBJECT_MAX} 个字符，且不能含控制字符"),
            format!("At most {SUBJECT_MAX} characters, without control characters"),
        );
    }
    let (ids, zh_what, en_what) = match kind.subject() {
        Subject::Note => return Ok(s.to_string()),
        Subject::Finding => (findings, "不符合项", "finding"),
        Subject::Audit => (audits, "审核", "audit"),
    };
    if s.is_empty() {
        if kind.subject() == Subject::Audit {
            return Ok(String::new());
        }
        if ids.is_empty() {
            return bad(
                "本案卷尚无不符合项，无需提交纠正证据".into(),
                "The case has no finding to correct".into(),
            );
        }
        return bad(
            format!("请注明所针对的不符合项编号：{}", ids.join("、")),
            format!("Name the finding: one of {}", ids.join(", ")),
        );
    }
    if ids.contains(&s) {
        return Ok(s.to_string());
    }
    let (zh_ok, en_ok) = if ids.is_empty() {
        ("本案卷尚无".to_string(), "the case has none".to_string())
    } else {
        (
            format!("可选：{}", ids.join("、")),
            format!("one of {}", ids.join(", ")),
        )
    };
    bad(
        format!("本案卷没有编号为“{s}”的{zh_what}；{zh_ok}"),
        format!("The case has no {en_what} “{s}”; {en_ok}"),
    )
}

/// A size in words: “512 KB”, “10 MB”.
pub fn size_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / 1024 / 1024)
    } else if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// An accepted file: the name kept and the content type it is stored and served with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub file_name: String,
    pub content_type: &'static str,
}

/// Whether an upload is accepted: a file chosen, not empty, at most `max_bytes`, of an
/// accepted type whose first bytes agree with its extension. Each refusal says what is
/// accepted.
pub fn check_file(file_name: &str, data: &[u8], max_bytes: usize) -> Result<Accepted, FieldError> {
    let types = evidence::TYPES.iter().map(|(e, _)| *e).collect::<Vec<_>>();
    let name = evidence::file_name(file_name);
    if name.is_empty() {
        return Err(FieldError::new(
            "file",
            format!("请选择要上传的文件（{}）", types.join("、")),
            format!("Choose a file to upload ({})", types.join(", ")),
        ));
    }
    if data.is_empty() {
        return Err(FieldError::new("file", "文件为空", "The file is empty"));
    }
    if data.len() > max_bytes {
        let max = size_words(max_bytes);
        return Err(FieldError::new(
            "file",
            format!(
                "文件过大：{} 字节，上限 {max}；可上传 {max} 以内的 {} 文件",
                data.len(),
                types.join("、")
            ),
            format!(
                "The file is too large: {} bytes, the limit is {max}; upload a {} file of at most {max}",
                data.len(),
                types.join(", ")
            ),
        ));
    }
    let content_type =
        evidence::content_type(&name, data).map_err(|m| FieldError::msg("file", m))?;
    Ok(Accepted {
        file_name: name,
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_is_accepted_only_complete() {
        assert!(acceptance(&[]).is_ok());
        let e = acceptance(&[DocKind::Licence, DocKind::CreditScreenshot]).unwrap_err();
        assert!(e.contains("a) 营业执照") && e.contains("i) "), "{e}");
    }

    fn p(role: Role, org: Option<i64>, ent: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            role,
            org_id: org,
            enterprise_id: ent,
        }
    }

    const C: CaseFacts = CaseFacts {
        org_id: 7,
        enterprise_id: 3,
    };

    #[test]
    fn every_kind_has_a_clause_and_the_application_its_letters() {
        let letters: String = APPLICATION.iter().filter_map(|k| k.letter()).collect();
        assert_eq!(letters, "abcdefghi");
        assert_eq!(DocKind::Licence.clause(), "8.1.1 a)");
        assert_eq!(DocKind::CreditScreenshot.clause(), "8.1.1 i)");
        assert_eq!(DocKind::Contract.clause(), "8.1.2.3");
        assert_eq!(DocKind::AuditPlan.clause(), "8.1.4.2");
        assert_eq!(DocKind::AuditReport.clause(), "8.1.6.4");
        assert_eq!(DocKind::CorrectionEvidence.clause(), "8.1.6.5");
        assert_eq!(DocKind::Appeal.clause(), "11.1");
        assert_eq!(DocKind::Contract.letter(), None);
        for k in DocKind::ALL {
            assert_eq!(k.as_str().parse::<DocKind>().unwrap(), *k);
            assert!(!k.label(Lang::Zh).is_empty() && !k.label(Lang::En).is_empty());
        }
        assert_eq!(
            DocKind::Licence.title(Lang::Zh),
            "营业执照（副本）（8.1.1 a)）"
        );
        assert_eq!(DocKind::Other.title(Lang::En), "Other record");
    }

    #[test]
    fn each_party_uploads_its_own_documents() {
        let client = p(Role::Enterprise, None, Some(3));
        let admin = p(Role::BodyAdmin, Some(7), None);
        let auditor = p(Role::Auditor, Some(7), None);
        let decider = p(Role::Decider, Some(7), None);
        assert_eq!(uploadable(&client, C).len(), 11);
        for k in APPLICATION {
            assert!(may_upload(&client, C, *k).is_ok());
            assert!(matches!(
                may_upload(&admin, C, *k),
                Err(Denied::Forbidden(_))
            ));
        }
        assert!(may_upload(&client, C, DocKind::CorrectionEvidence).is_ok());
        assert!(may_upload(&client, C, DocKind::Appeal).is_ok());
        let Err(Denied::Forbidden(m)) = may_upload(&client, C, DocKind::Contract) else {
            panic!("the client uploads no contract");
        };
        assert!(
            m.zh.contains("认证合同") && m.zh.contains("认证机构管理员"),
            "{}",
            m.zh
        );
        assert!(m.zh.contains("您可上传：营业执照"), "{}", m.zh);
        assert_eq!(
            uploadable(&admin, C),
            vec![
                DocKind::Contract,
                DocKind::AuditPlan,
                DocKind::AuditReport,
                DocKind::Other
            ]
        );
        assert_eq!(
            uploadable(&auditor, C),
            vec![DocKind::AuditPlan, DocKind::AuditReport]
        );
        assert!(may_upload(&auditor, C, DocKind::Contract).is_err());
        assert!(uploadable(&decider, C).is_empty());
        let Err(Denied::Forbidden(m)) = may_upload(&decider, C, DocKind::AuditReport) else {
            panic!("the decider uploads nothing");
        };
        assert!(m.zh.contains("您不能上传"), "{}", m.zh);
        // people who do not see the case are told it does not exist
        for other in [
            p(Role::Enterprise, None, Some(4)),
            p(Role::BodyAdmin, Some(8), None),
            p(Role::Auditor, Some(8), None),
            p(Role::Expert, Some(7), None),
        ] {
            assert_eq!(
                may_upload(&other, C, DocKind::AuditPlan),
                Err(Denied::NotFound)
            );
        }
        // the platform sees a case and uploads nothing
        let op = p(Role::Operator, Some(1), None);
        assert!(matches!(
            may_upload(&op, C, DocKind::Other),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn a_complete_application_depends_on_its_sites() {
        use DocKind::*;
        assert_eq!(
            missing(1, &[]),
            vec![
                Licence,
                ApplicationForm,
                Profile,
                Process,
                SystemDocs,
                CreditScreenshot
            ]
        );
        // no site listed counts as one
        assert_eq!(missing(0, &[]), missing(1, &[]));
        assert_eq!(missing(2, &[])[1], SiteLegal);
        let all = [
            Licence,
            ApplicationForm,
            Profile,
            Process,
            SystemDocs,
            CreditScreenshot,
        ];
        assert!(missing(1, &all).is_empty());
        assert_eq!(missing(3, &all), vec![SiteLegal]);
        let mut more = all.to_vec();
        more.push(SiteLegal);
        assert!(missing(3, &more).is_empty());
        let rows = checklist(1, &[Licence, Licence, Permit]);
        assert_eq!(rows.len(), 9);
        assert_eq!(
            (rows[0].letter, rows[0].files, rows[0].missing),
            ('a', 2, false)
        );
        assert_eq!(rows[1].need, Need::NotNeeded);
        assert_eq!((rows[2].need, rows[2].files), (Need::IfApplicable, 1));
        assert_eq!(rows[7].need, Need::IfApplicable);
        assert!(!rows[7].missing);
        assert!(rows[8].missing);
        // documents outside the application are not on the checklist
        assert_eq!(need(Contract, 5), Need::NotNeeded);
    }

    #[test]
    fn subjects_name_what_the_case_holds() {
        let f = ["NC-1", "NC-2"];
        let a = ["S1", "S2"];
        use DocKind::*;
        assert_eq!(
            check_subject(CorrectionEvidence, " NC-2 ", &f, &a).unwrap(),
            "NC-2"
        );
        let e = check_subject(CorrectionEvidence, "", &f, &a).unwrap_err();
        assert!(e.message.zh.contains("NC-1、NC-2"), "{}", e.message.zh);
        let e = check_subject(CorrectionEvidence, "NC-9", &f, &a).unwrap_err();
        assert!(e.message.zh.contains("NC-9") && e.message.zh.contains("可选"));
        assert!(check_subject(CorrectionEvidence, "", &[], &a)
            .unwrap_err()
            .message
            .zh
            .contains("尚无不符合项"));
        assert_eq!(check_subject(AuditPlan, "", &f, &a).unwrap(), "");
        assert_eq!(check_subject(AuditReport, "S2", &f, &a).unwrap(), "S2");
        assert!(check_subject(AuditReport, "S3", &f, &a).is_err());
        assert!(check_subject(AuditReport, "S1", &f, &[]).is_err());
        assert_eq!(check_subject(Licence, "副本", &f, &a).unwrap(), "副本");
        assert!(check_subject(Other, &"x".repeat(201), &f, &a).is_err());
        assert!(check_subject(Other, "a\u{7}b", &f, &a).is_err());
    }

    #[test]
    fn files_are_checked_for_name_size_and_type() {
        let ok = check_file("C:\\docs\\营业执照.pdf", b"%PDF-1.7 x", 100).unwrap();
        assert_eq!(ok.file_name, "营业执照.pdf");
        assert_eq!(ok.content_type, "application/pdf");
        let e = check_file("", b"x", 100).unwrap_err();
        assert!(e.message.zh.contains("请选择") && e.message.zh.contains("pdf"));
        assert!(check_file("a.pdf", b"", 100).is_err());
        let e = check_file("a.pdf", &[b'%'; 101], 100).unwrap_err();
        assert!(e.message.zh.contains("上限 1 KB") && e.message.zh.contains("pdf"));
        let e = check_file("a.exe", b"MZ", 100).unwrap_err();
        assert_eq!(e.field, "file");
        assert!(e.message.zh.contains("pdf、png"), "{}", e.message.zh);
        assert!(e.message.en.contains("pdf, png"), "{}", e.message.en);
        assert!(check_file("a.png", b"%PDF-1.7", 100).is_err());
        assert_eq!(size_words(10 * 1024 * 1024), "10 MB");
        assert_eq!(size_words(64 * 1024), "64 KB");
        assert_eq!(size_words(1536 * 1024), "1.5 MB");
    }

    #[test]
    fn kinds_as_typed() {
        assert_eq!(parse_kind(" contract ").unwrap(), DocKind::Contract);
        let e = parse_kind("passport").unwrap_err();
        assert_eq!(e.field, "kind");
        assert!(e.message.zh.contains("licence"), "{}", e.message.zh);
        assert!(e.message.en.contains("credit_screenshot"));
    }
}
