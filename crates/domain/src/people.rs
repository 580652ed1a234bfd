//! A certification body's people (8.1.4.1, 5.2): competence records and declared conflicts
//! of interest, who may keep them, and what they are checked against.
//!
//! - Competence: a CCAA registration (its number and the last day it is valid), the EEPC
//!   certification training (the day it was passed) and business areas. An auditor is
//!   *qualified* on a day when a CCAA registration and an EEPC training are both valid then
//!   (8.1.4.1 1)). The body admin records them for anyone of the body.
//! - Conflicts of interest: a person declares, per client enterprise, why they may not take
//!   part (e.g. “2年内为其提供咨询”) and, optionally, the last day the conflict lasts (absent:
//!   for good). The person themself or the body admin declares; only the body admin withdraws
//!   a declaration (impartiality is the body's to keep, 5.2: a person does not lift their own).
//!
//! Who may see a person's records: the person, the body admin of their body and the system
//! administrator; anyone else is told the person does not exist.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::access::Principal;
use crate::msg::{Denied, FieldError, Lang};
use crate::text::{text_enum, OrgKind, Role, UnknownText};

text_enum! {
    /// What a competence record is.
    CompetenceKind, "能力记录类别" {
        /// A CCAA registration as a management system auditor: its number and valid-until date.
        Ccaa = "ccaa", "CCAA 注册审核员资格", "CCAA auditor registration";
        /// The EEPC certification training, with the day it was passed.
        Eepc = "eepc", "EEPC 认证知识培训", "EEPC certification training";
        /// A business area (code or name) the person is competent in.
        BusinessArea = "business_area", "业务范围专业能力", "Business area";
    }
}

/// The most characters of a conflict's reason.
pub const REASON_MAX: usize = 500;
/// The most characters of a competence record's value.
pub const VALUE_MAX: usize = 100;

/// A member of staff whose records are read or kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    pub user_id: i64,
    pub role: Role,
    pub org_id: Option<i64>,
}

impl Staff {
    /// The body the person belongs to, if they are a body's staff (not an enterprise member,
    /// a platform operator or a system administrator).
    fn body(&self) -> Option<i64> {
        match self.role.org_kind() {
            Some(OrgKind::Body) => self.org_id,
            _ => None,
        }
    }
}

fn admin_of(p: &Principal, org: i64) -> bool {
    p.role == Role::BodyAdmin && p.org_id == Some(org)
}

/// Whether `p` sees the people of body `org_id` with their competence (the body admin, the
/// system administrator).
pub fn read_body(p: &Principal, org_id: i64) -> Result<(), Denied> {
    if admin_of(p, org_id) || p.role == Role::Sysadmin {
        Ok(())
    } else {
        Err(Denied::NotFound)
    }
}

/// Whether `p` sees `person`'s records: the person themself, their body's admin, the system
/// administrator.
pub fn read_person(p: &Principal, person: &Staff) -> Result<(), Denied> {
    let Some(body) = person.body() else {
        return Err(Denied::NotFound);
    };
    if person.user_id == p.user_id || admin_of(p, body) || p.role == Role::Sysadmin {
        Ok(())
    } else {
        Err(Denied::NotFound)
    }
}

/// Whether `p` may add or remove `person`'s competence records: the admin of their body.
pub fn record_competence(p: &Principal, person: &Staff) -> Result<(), Denied> {
    read_person(p, person)?;
    match person.body() {
        Some(b) if admin_of(p, b) => Ok(()),
        _ => Err(Denied::forbidden(
            "只有本机构的机构管理员可以记录人员的能力（注册资格、培训、业务范围）",
            "Only an admin of the body records its people's competence (registration, training, business areas)",
        )),
    }
}

/// Whether `p` may declare a conflict of interest for `person`: the person themself or the
/// admin of their body.
pub fn declare_conflict(p: &Principal, person: &Staff) -> Result<(), Denied> {
    read_person(p, person)?;
    match person.body() {
        Some(b) if admin_of(p, b) || p.user_id == person.user_id => Ok(()),
        _ => Err(Denied::forbidden(
            "只有本人或本机构的机构管理员可以声明利益冲突",
            "Only the person themself or an admin of the body may declare a conflict of interest",
        )),
    }
}

/// Whether `p` may withdraw a declared conflict of `person`: the admin of their body only.
pub fn withdraw_conflict(p: &Principal, person: &Staff) -> Result<(), Denied> {
    read_person(p, person)?;
    match person.body() {
        Some(b) if admin_of(p, b) => Ok(()),
        _ => Err(Denied::forbidden(
            "利益冲突声明只能由本机构的机构管理员撤回（公正性由机构负责，5.2）",
            "Only an admin of the body may withdraw a declared conflict of interest (the body keeps impartiality, 5.2)",
        )),
    }
}

/// A competence record as typed on a form or sent to the API (all text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct CompetenceInput {
    /// `ccaa`, `eepc` or `business_area`.
    pub kind: String,
    /// CCAA: the registration number; EEPC: the training certificate or course (optional);
    /// business area: its code or name.
    pub value: String,
    /// The day it was obtained (EEPC: required, the day the training was passed).
    pub obtained_on: String,
    /// The last day it is valid (CCAA: required).
    pub valid_until: String,
}

/// A checked competence record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competence {
    pub kind: CompetenceKind,
    pub value: String,
    pub obtained_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

impl Competence {
    /// Whether the record holds on `day`: obtained by then and not yet past its last day.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.obtained_on.is_none_or(|o| o <= day) && self.valid_until.is_none_or(|u| day <= u)
    }

    /// The record as the case rules read it (`tianping_case::Person::competence`): a CCAA
    /// registration starts with `CCAA`, the EEPC training with `EEPC`, a business area is its
    /// value.
    pub fn case_text(&self) -> String {
        match self.kind {
            CompetenceKind::Ccaa => format!("CCAA {}", self.value),
            CompetenceKind::Eepc => match self.obtained_on {
                Some(d) if self.value.is_empty() => format!("EEPC {d}"),
                Some(d) => format!("EEPC {d} {}", self.value),
                None => format!("EEPC {}", self.value).trim_end().to_string(),
            },
            CompetenceKind::BusinessArea => self.value.clone(),
        }
    }

    /// The record in words for people (a page, a list).
    pub fn describe(&self, l: Lang) -> String {
        let mut s = format!("{}{}", self.kind.label(l), l.t("：", ": "));
        let mut parts: Vec<String> = Vec::new();
        if !self.value.is_empty() {
            parts.push(self.value.clone());
        }
        if let Some(d) = self.obtained_on {
            parts.push(match self.kind {
                CompetenceKind::Eepc => format!("{}{d}", l.t("培训日期 ", "trained on ")),
                _ => format!("{}{d}", l.t("取得于 ", "obtained ")),
            });
        }
        if let Some(d) = self.valid_until {
            parts.push(format!("{}{d}", l.t("有效期至 ", "valid until ")));
        }
        s.push_str(&parts.join(l.t("，", ", ")));
        s
    }
}

/// The records valid on `day` as the case rules read them.
pub fn case_texts<'a>(
    records: impl IntoIterator<Item = &'a Competence>,
    day: NaiveDate,
) -> Vec<String> {
    records
        .into_iter()
        .filter(|c| c.valid_on(day))
        .map(Competence::case_text)
        .collect()
}

/// What an auditor lacks on `day` (8.1.4.1 1)): a valid CCAA registration, a valid EEPC
/// training. Empty: a qualified auditor.
pub fn gaps_on<'a>(
    records: impl IntoIterator<Item = &'a Competence> + Clone,
    day: NaiveDate,
) -> Vec<CompetenceKind> {
    let has = |k: CompetenceKind| {
        records
            .clone()
            .into_iter()
            .any(|c| c.kind == k && c.valid_on(day))
    };
    [CompetenceKind::Ccaa, CompetenceKind::Eepc]
        .into_iter()
        .filter(|k| !has(*k))
        .collect()
}

/// A date as typed (`YYYY-MM-DD`, years 1900–2199); empty is none.
pub fn parse_day(field: &str, text: &str) -> Result<Option<NaiveDate>, FieldError> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if (1900..2200).contains(&d.year()) => Ok(Some(d)),
        _ => Err(FieldError::new(
            field,
            format!("“{s}” 不是有效日期；请写作 年-月-日，如 2027-06-30"),
            format!("“{s}” is not a valid date; write it as year-month-day, e.g. 2027-06-30"),
        )),
    }
}

fn too_long(field: &str, max: usize, n: usize) -> FieldError {
    FieldError::new(
        field,
        format!("不能超过 {max} 个字（现有 {n} 个）"),
        format!("At most {max} characters (there are {n})"),
    )
}

impl CompetenceInput {
    /// Check what was typed on `today` (China time); every field at fault says what it
    /// accepts.
    pub fn check(&self, today: NaiveDate) -> Result<Competence, Denied> {
        let mut errs = Vec::new();
        let kind = match self.kind.trim().parse::<CompetenceKind>() {
            Ok(k) => Some(k),
            Err(_) => {
                let zh: Vec<String> = CompetenceKind::ALL
                    .iter()
                    .map(|k| format!("{}（{}）", k.label(Lang::Zh), k.as_str()))
                    .collect();
                let en: Vec<String> = CompetenceKind::ALL
                    .iter()
                    .map(|k| format!("{} ({})", k.label(Lang::En), k.as_str()))
                    .collect();
                errs.push(FieldError::new(
                    "kind",
                    format!("请选择类别：{}", zh.join("、")),
                    format!("Choose a kind: {}", en.join(", ")),
                ));
                None
            }
        };
        let value = self.value.trim().to_string();
        let n = value.chars().count();
        if n > VALUE_MAX {
            errs.push(too_long("value", VALUE_MAX, n));
        }
        let mut day = |field: &str, text: &str| match parse_day(field, text) {
            Ok(d) => d,
            Err(e) => {
                errs.push(e);
                None
            }
        };
        let obtained_on = day("obtained_on", &self.obtained_on);
        let valid_until = day("valid_until", &self.valid_until);
        let blank = |t: &str| t.trim().is_empty();
        if kind == Some(CompetenceKind::Ccaa) && value.is_empty() {
            errs.push(FieldError::new(
                "value",
                "请填写 CCAA 注册证书编号",
                "Enter the CCAA registration number",
            ));
        }
        if kind == Some(CompetenceKind::Ccaa) && blank(&self.valid_until) {
            errs.push(FieldError::new(
                "valid_until",
                "请填写 CCAA 注册的有效期至（年-月-日）",
                "Enter the last day the CCAA registration is valid (year-month-day)",
            ));
        }
        if kind == Some(CompetenceKind::Eepc) && blank(&self.obtained_on) {
            errs.push(FieldError::new(
                "obtained_on",
                "请填写通过 EEPC 认证知识培训的日期（年-月-日）",
                "Enter the day the EEPC training was passed (year-month-day)",
            ));
        }
        if kind == Some(CompetenceKind::BusinessArea) {
            let upper = value.to_ascii_uppercase();
            if value.is_empty() {
                errs.push(FieldError::new(
                    "value",
                    "请填写业务范围的代码或名称",
                    "Enter the business area's code or name",
                ));
            } else if upper.starts_with("CCAA") || upper.starts_with("EEPC") {
                errs.push(FieldError::new(
                    "value",
                    "业务范围不能以 CCAA 或 EEPC 开头：注册资格和培训请选相应类别记录",
                    "A business area may not start with CCAA or EEPC: record a registration or training under its own kind",
                ));
            }
        }
        if let Some(o) = obtained_on {
            if o > today {
                errs.push(FieldError::new(
                    "obtained_on",
                    format!("取得日期 {o} 晚于今天（{today}）：只能记录已经取得的资格或培训"),
                    format!("The day obtained, {o}, is after today ({today}): only what has been obtained can be recorded"),
                ));
            }
            if let Some(u) = valid_until {
                if u < o {
                    errs.push(FieldError::new(
                        "valid_until",
                        format!("有效期至 {u} 早于取得日期 {o}"),
                        format!("The last valid day, {u}, is before the day obtained, {o}"),
                    ));
                }
            }
        }
        match kind {
            Some(kind) if errs.is_empty() => Ok(Competence {
                kind,
                value,
                obtained_on,
                valid_until,
            }),
            _ => Err(Denied::Invalid(errs)),
        }
    }
}

/// A conflict of interest as typed on a form or sent to the API (all text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct ConflictInput {
    /// The client enterprise, by its number.
    pub enterprise_id: String,
    /// Why, e.g. “2年内为其提供咨询”.
    pub reason: String,
    /// The last day the conflict lasts; empty: for good.
    pub until: String,
}

/// A checked declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictDecl {
    pub enterprise_id: i64,
    pub reason: String,
    pub until: Option<NaiveDate>,
}

impl ConflictInput {
    /// Check what was typed; `clients` are the enterprises that engaged the person's body,
    /// the only ones a conflict can be declared for.
    pub fn check(&self, clients: &[i64]) -> Result<ConflictDecl, Denied> {
        let mut errs = Vec::new();
        let enterprise_id = self
            .enterprise_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| clients.contains(id));
        if enterprise_id.is_none() {
            errs.push(FieldError::new(
                "enterprise_id",
                "请从本机构的客户企业中选择",
                "Choose one of the body's client enterprises",
            ));
        }
        let reason = self.reason.trim().to_string();
        let n = reason.chars().count();
        if reason.is_empty() {
            errs.push(FieldError::new(
                "reason",
                "请填写利益冲突的原因，例如“2年内为其提供咨询”",
                "Enter the reason for the conflict, e.g. “consulted for it within 2 years”",
            ));
        } else if n > REASON_MAX {
            errs.push(too_long("reason", REASON_MAX, n));
        }
        let until = match parse_day("until", &self.until) {
            Ok(d) => d,
            Err(e) => {
                errs.push(e);
                None
            }
        };
        match enterprise_id {
            Some(enterprise_id) if errs.is_empty() => Ok(ConflictDecl {
                enterprise_id,
                reason,
                until,
            }),
            _ => Err(Denied::Invalid(errs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn p(id: i64, role: Role, org: Option<i64>) -> Principal {
        Principal {
            user_id: id,
            role,
            org_id: org,
            enterprise_id: None,
        }
    }

    fn staff(id: i64, role: Role, org: i64) -> Staff {
        Staff {
            user_id: id,
            role,
            org_id: Some(org),
        }
    }

    fn fields(r: Result<impl std::fmt::Debug, Denied>) -> Vec<String> {
        match r {
            Err(Denied::Invalid(v)) => v.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn the_body_admin_records_competence_the_person_or_admin_declares_the_admin_withdraws() {
        let admin = p(1, Role::BodyAdmin, Some(4));
        let me = p(2, Role::Auditor, Some(4));
        let aud = staff(2, Role::Auditor, 4);
        let other_aud = staff(3, Role::Decider, 4);
        assert_eq!(record_competence(&admin, &aud), Ok(()));
        assert_eq!(declare_conflict(&admin, &aud), Ok(()));
        assert_eq!(withdraw_conflict(&admin, &aud), Ok(()));
        assert_eq!(read_person(&me, &aud), Ok(()));
        assert_eq!(declare_conflict(&me, &aud), Ok(()));
        assert!(matches!(
            record_competence(&me, &aud),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            withdraw_conflict(&me, &aud),
            Err(Denied::Forbidden(_))
        ));
        // a colleague, another body's admin, an enterprise: as if nobody were there
        assert_eq!(read_person(&me, &other_aud), Err(Denied::NotFound));
        assert_eq!(declare_conflict(&me, &other_aud), Err(Denied::NotFound));
        let admin5 = p(9, Role::BodyAdmin, Some(5));
        assert_eq!(record_competence(&admin5, &aud), Err(Denied::NotFound));
        let ent = Principal {
            enterprise_id: Some(7),
            ..p(8, Role::Enterprise, None)
        };
        assert_eq!(read_person(&ent, &aud), Err(Denied::NotFound));
        assert_eq!(read_body(&ent, 4), Err(Denied::NotFound));
        assert_eq!(read_body(&me, 4), Err(Denied::NotFound));
        assert_eq!(read_body(&admin, 4), Ok(()));
        assert_eq!(read_body(&admin, 5), Err(Denied::NotFound));
        // the system administrator reads but does not keep the records
        let sys = p(10, Role::Sysadmin, None);
        assert_eq!(read_body(&sys, 4), Ok(()));
        assert_eq!(read_person(&sys, &aud), Ok(()));
        assert!(matches!(
            record_competence(&sys, &aud),
            Err(Denied::Forbidden(_))
        ));
        // only a body's staff have such records
        let operator = staff(11, Role::Operator, 4);
        assert_eq!(read_person(&sys, &operator), Err(Denied::NotFound));
        let enterprise_member = Staff {
            user_id: 12,
            role: Role::Enterprise,
            org_id: None,
        };
        assert_eq!(
            record_competence(&admin, &enterprise_member),
            Err(Denied::NotFound)
        );
    }

    fn input(kind: &str, value: &str, obtained: &str, until: &str) -> CompetenceInput {
        CompetenceInput {
            kind: kind.into(),
            value: value.into(),
            obtained_on: obtained.into(),
            valid_until: until.into(),
        }
    }

    #[test]
    fn competence_is_checked_field_by_field() {
        let today = d("2026-03-10");
        let ok = input("ccaa", " 2024-N1QMS-1234567 ", "", "2027-06-30")
            .check(today)
            .unwrap();
        assert_eq!(ok.value, "2024-N1QMS-1234567");
        assert_eq!(ok.valid_until, Some(d("2027-06-30")));
        assert_eq!(
            fields(input("ccaa", "", "", "").check(today)),
            ["value", "valid_until"]
        );
        assert_eq!(
            fields(input("ccaa", "X", "", "2027-02-30").check(today)),
            ["valid_until"]
        );
        assert_eq!(
            fields(input("eepc", "", "", "").check(today)),
            ["obtained_on"]
        );
        assert_eq!(
            fields(input("eepc", "", "2026-03-11", "").check(today)),
            ["obtained_on"]
        );
        assert!(input("eepc", "", "2026-03-10", "").check(today).is_ok());
        assert_eq!(
            fields(input("eepc", "", "2026-03-01", "2026-02-01").check(today)),
            ["valid_until"]
        );
        assert_eq!(
            fields(input("business_area", "eepc-1", "", "").check(today)),
            ["value"]
        );
        assert_eq!(
            fields(input("business_area", &"字".repeat(101), "", "").check(today)),
            ["value"]
        );
        let Err(Denied::Invalid(e)) = input("cnas", "", "", "").check(today) else {
            panic!("unknown kind")
        };
        assert_eq!(e[0].field, "kind");
        assert!(
            e[0].message.zh.contains("CCAA 注册审核员资格（ccaa）"),
            "{}",
            e[0].message.zh
        );
        let Err(Denied::Invalid(e)) = parse_day("x", "26-3-1").map_err(Denied::from) else {
            panic!("a bad date")
        };
        assert!(e[0].message.zh.contains("年-月-日"));
        assert!(parse_day("x", "1899-12-31").is_err());
    }

    #[test]
    fn a_qualified_auditor_holds_both_records_on_the_day() {
        let ccaa = Competence {
            kind: CompetenceKind::Ccaa,
            value: "2024-N1QMS-1".into(),
            obtained_on: None,
            valid_until: Some(d("2026-06-30")),
        };
        let eepc = Competence {
            kind: CompetenceKind::Eepc,
            value: String::new(),
            obtained_on: Some(d("2026-01-15")),
            valid_until: None,
        };
        let area = Competence {
            kind: CompetenceKind::BusinessArea,
            value: "28.02".into(),
            obtained_on: None,
            valid_until: None,
        };
        let all = [ccaa.clone(), eepc.clone(), area];
        assert!(gaps_on(&all, d("2026-06-30")).is_empty());
        assert_eq!(gaps_on(&all, d("2026-07-01")), [CompetenceKind::Ccaa]);
        assert_eq!(gaps_on(&all, d("2026-01-14")), [CompetenceKind::Eepc]);
        assert_eq!(
            case_texts(&all, d("2026-03-01")),
            ["CCAA 2024-N1QMS-1", "EEPC 2026-01-15", "28.02"]
        );
        assert_eq!(
            case_texts(&all, d("2026-07-01")),
            ["EEPC 2026-01-15", "28.02"]
        );
        assert!(ccaa.describe(Lang::Zh).contains("有效期至 2026-06-30"));
        assert!(eepc.describe(Lang::En).contains("trained on 2026-01-15"));
    }

    #[test]
    fn a_conflict_names_a_client_and_a_reason_of_at_most_500_characters() {
        let c = |e: &str, r: &str, u: &str| ConflictInput {
            enterprise_id: e.into(),
            reason: r.into(),
            until: u.into(),
        };
        let ok = c("7", " 2年内为其提供咨询 ", "2027-12-31")
            .check(&[7])
            .unwrap();
        assert_eq!(ok.reason, "2年内为其提供咨询");
        assert_eq!(ok.until, Some(d("2027-12-31")));
        assert_eq!(c("7", "亲属任职", "").check(&[7]).unwrap().until, None);
        assert_eq!(
            fields(c("8", "", "2027-13-01").check(&[7])),
            ["enterprise_id", "reason", "until"]
        );
        assert_eq!(fields(c("x", "r", "").check(&[7])), ["enterprise_id"]);
        assert!(c("7", &"冲".repeat(500), "").check(&[7]).is_ok());
        let Err(Denied::Invalid(e)) = c("7", &"冲".repeat(501), "").check(&[7]) else {
            panic!("too long")
        };
        assert!(e[0].message.zh.contains("500") && e[0].message.zh.contains("501"));
    }
}

text_enum! {
    /// A field of a body's expert pool for capability evaluations (004 7.2.2: the pool holds
    /// experts of culture, industry, certification auditing and standardisation). A person
    /// with at least one field recorded is in the pool.
    ExpertField, "专家库领域" {
        Culture = "culture", "文化", "Culture";
        Industry = "industry", "产业", "Industry";
        Certification = "certification", "认证审核", "Certification auditing";
        Standardization = "standardization", "标准化", "Standardisation";
    }
}
