//! The audit log for people: actions and objects named in words, each entry's before/after
//! as the fields that changed, in words (数值 88 → 100, 来源 平台数据 → 企业自报), and the
//! filters of the log (who, object, action, date range) checked from what was typed.
//!
//! Every action string written by `audit::append` in crates/app is an [`AuditAction`] (a test
//! in crates/app reads its sources and checks this); an entry with an action or object this
//! version does not know (written by a later one) still reads as “其他操作”, never as code.

use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::case_files::DocKind;
use crate::identity::RequestStatus;
use crate::msg::{FieldError, Lang};
use crate::people::CompetenceKind;
use crate::text::{text_enum, AssessmentStatus, Mode, OrgKind, Role, Source, UnknownText};

text_enum! {
    /// What an audit entry records.
    AuditAction, "审计操作" {
        Signup = "signup", "企业注册", "Enterprise signed up";
        Create = "create", "创建", "Created";
        CreateFromSelf = "create_from_self", "据企业自评开始现场评价", "On-site assessment started from a self-assessment";
        Update = "update", "修改", "Updated";
        Delete = "delete", "删除", "Deleted";
        Bootstrap = "bootstrap", "创建初始系统管理员", "First system admin created";
        Invite = "invite", "邀请人员", "Invited";
        AcceptInvite = "accept_invite", "接受邀请", "Accepted an invitation";
        RevokeInvite = "revoke_invite", "撤销邀请", "Invitation revoked";
        Deactivate = "deactivate", "停用账号", "Account deactivated";
        Reactivate = "reactivate", "恢复账号", "Account reactivated";
        ChangeRole = "change_role", "变更角色", "Role changed";
        Engage = "engage", "委托机构或授权平台", "Engaged a body or platform";
        RequestIdentityChange = "request_identity_change", "申请变更企业名称或信用代码", "Identity change requested";
        ApproveIdentityChange = "approve_identity_change", "批准企业名称或信用代码变更", "Identity change approved";
        RejectIdentityChange = "reject_identity_change", "驳回企业名称或信用代码变更", "Identity change rejected";
        WithdrawIdentityChange = "withdraw_identity_change", "撤回企业名称或信用代码变更申请", "Identity change request withdrawn";
        Answer = "answer", "作答", "Answered";
        ExpertScore = "expert_score", "专家评分", "Expert scored";
        AssignExpert = "assign_expert", "指派专家", "Expert assigned";
        UnassignExpert = "unassign_expert", "取消指派专家", "Expert unassigned";
        Evidence = "evidence", "上传证据", "Evidence uploaded";
        ProposeAnswer = "propose_answer", "提出异议答案", "Disputed answer proposed";
        AnswerRefused = "answer_refused", "拒绝覆盖受保护的答案", "Overwrite of a protected answer refused";
        VerifyAnswer = "verify_answer", "核验答案", "Answer verified";
        AcceptProposal = "accept_proposal", "采纳异议答案", "Disputed answer accepted";
        RejectProposal = "reject_proposal", "驳回异议答案", "Disputed answer rejected";
        Submit = "submit", "提交评价", "Submitted";
        Withdraw = "withdraw", "撤回提交", "Submission withdrawn";
        ResetPassword = "reset_password", "通过邮件重设密码", "Password reset by e-mail";
        Rescore = "rescore", "重新计分", "Re-scored";
        BenchData = "bench_data", "生成基准测试数据", "Benchmark data generated";
        CaseOpen = "case_open", "建立案卷", "Case opened";
        CaseEvent = "case_event", "记录认证事件", "Certification event recorded";
        CaseImport = "case_import", "导入认证历史", "Certification history imported";
        CaseDelete = "case_delete", "删除案卷", "Case deleted";
        CaseLinkChecklist = "case_link_checklist", "关联审核评分", "Audit checklist linked";
        CaseFile = "case_file", "上传认证材料", "Certification document uploaded";
        CasePattern = "case_pattern", "设置证书编号规则", "Certificate number pattern set";
        CaseRemind = "case_remind", "发送案卷待办提醒", "Case reminders sent";
        AddCompetence = "add_competence", "记录人员能力", "Competence recorded";
        RemoveCompetence = "remove_competence", "删除人员能力记录", "Competence record removed";
        DeclareConflict = "declare_conflict", "声明利益冲突", "Conflict of interest declared";
        WithdrawConflict = "withdraw_conflict", "撤回利益冲突声明", "Conflict of interest withdrawn";
        QuestionnaireOpen = "questionnaire_open", "发放问卷", "Questionnaire opened";
        QuestionnaireLinks = "questionnaire_links", "增发问卷链接", "More questionnaire links issued";
        QuestionnaireClose = "questionnaire_close", "结束问卷", "Questionnaire closed";
        QuestionnaireApply = "questionnaire_apply", "问卷结果写入评价", "Questionnaire results written into the assessment";
        CaseLinkEvaluation = "case_link_evaluation", "关联能力评价的现场评价", "Capability evaluation assessment linked";
        ObjectionRaised = "objection_raised", "收到公示异议", "Objection to a publicity received";
        SetExpertFields = "set_expert_fields", "设置专家库领域", "Expert-pool fields set";
        PointsIntake = "points_intake", "接收店铺积分事件", "Shop points events taken in";
        PointsFeed = "points_feed", "从服务云积分导入测评数据", "SME figures imported from the service-cloud points";
    }
}

text_enum! {
    /// What an audit entry is about.
    AuditObject, "审计对象" {
        Enterprise = "enterprise", "企业", "Enterprise";
        Assessment = "assessment", "评价", "Assessment";
        User = "user", "账号", "Account";
        Org = "org", "机构", "Organisation";
        Database = "database", "数据库", "Database";
        Site = "site", "场所", "Site";
        ApiToken = "api_token", "API 令牌", "API token";
        Case = "case", "案卷", "Case";
    }
}

/// An action's name for people; an action this version does not know reads “其他操作”.
pub fn action_label(action: &str, l: Lang) -> &'static str {
    action
        .parse::<AuditAction>()
        .map_or(l.t("其他操作", "Other action"), |a| a.label(l))
}

/// An object type's name for people; one this version does not know reads “其他对象”.
pub fn object_label(object_type: &str, l: Lang) -> &'static str {
    object_type
        .parse::<AuditObject>()
        .map_or(l.t("其他对象", "Other object"), |o| o.label(l))
}

/// Fields that are bookkeeping, never shown as a change (the object's id is the entry's own).
const HIDDEN: &[&str] = &[
    "id",
    "assessment_id",
    "created_at",
    "updated_at",
    "updated_by",
    "revision",
    "source_label",
    "result_at",
    "token_hash",
    "password_hash",
    "profile_hash",
    "sha256",
];

/// The name of a recorded field for people, or `None` for a field this version does not know.
pub fn field_label(key: &str, l: Lang) -> Option<&'static str> {
    let (zh, en) = match key {
        "value" => ("数值", "Value"),
        "note" => ("备注", "Note"),
        "source" => ("来源", "Source"),
        "indicator" => ("指标", "Indicator"),
        "expert_score" => ("专家评分", "Expert score"),
        "expert_id" => ("专家账号", "Expert's account"),
        "expert" => ("专家", "Expert"),
        "status" => ("状态", "Status"),
        "score" => ("总分", "Total"),
        "grade" => ("等级", "Grade"),
        "stars" => ("星级", "Stars"),
        "current_stars" => ("当前星级", "Current stars"),
        "first_application" => ("首次申请", "First application"),
        "uscc" => ("统一社会信用代码", "Unified social credit code"),
        "name" => ("名称", "Name"),
        "registered_address" => ("注册地址", "Registered address"),
        "operating_address" => ("经营地址", "Operating address"),
        "legal_representative" => ("法定代表人", "Legal representative"),
        "industry_code" => ("行业代码", "Industry code"),
        "headcount" => ("从业人数", "Headcount"),
        "enterprise_type" => ("企业类型", "Enterprise type"),
        "category" => ("企业类别", "Category"),
        "address" => ("地址", "Address"),
        "email" => ("邮箱", "Email"),
        "role" => ("角色", "Role"),
        "disabled" => ("已停用", "Deactivated"),
        "org_id" => ("机构编号", "Organisation no."),
        "org" => ("机构", "Organisation"),
        "kind" => ("机构类型", "Kind"),
        "enterprise_id" => ("企业编号", "Enterprise no."),
        "user_id" => ("账号编号", "Account no."),
        "invited_by" => ("邀请人账号", "Invited by account"),
        "invitation_id" => ("邀请编号", "Invitation no."),
        "expires_at" => ("有效期至", "Valid until"),
        "used_at" => ("接受时间", "Accepted at"),
        "revoked_at" => ("撤销时间", "Revoked at"),
        "title" => ("标题", "Title"),
        "scheme" => ("评价方案", "Scheme"),
        "variant" => ("类型（方案变体）", "Variant"),
        "mode" => ("评价方式", "Mode"),
        "profile_name" => ("评价配置", "Profile"),
        "created_by" => ("创建人账号", "Created by account"),
        "submitted_at" => ("提交时间", "Submitted at"),
        "submitted_by" => ("提交人账号", "Submitted by account"),
        "scheme_version" => ("方案版本", "Scheme version"),
        "engine_version" => ("计分引擎版本", "Engine version"),
        "why" => ("原因", "Reason"),
        "file_name" => ("文件名", "File name"),
        "document" => ("材料类别", "Document"),
        "subject" => ("所涉事项", "About"),
        "content_type" => ("文件类型", "File type"),
        "size" => ("大小（字节）", "Size (bytes)"),
        "uploaded_by" => ("上传人账号", "Uploaded by account"),
        "uploaded_at" => ("上传时间", "Uploaded at"),
        "request_id" => ("申请编号", "Request no."),
        "decision_note" => ("处理意见", "Decision note"),
        "requested_by" => ("申请人账号", "Requested by account"),
        "experts" => ("专家评分", "Experts' scores"),
        "likert" => ("李克特评分", "Likert scores"),
        "procedure" => ("程序", "Procedure"),
        "seq" => ("事件序号", "Event no."),
        "type" => ("事件", "Event"),
        "date" => ("日期", "Date"),
        "events" => ("事件数", "Events"),
        "violations" => ("违反规则数", "Rule violations"),
        "enterprise" => ("企业", "Enterprise"),
        "audit" => ("审核", "Audit"),
        "assessment" => ("评价", "Assessment"),
        "pattern" => ("证书编号规则", "Certificate number pattern"),
        "competence_kind" => ("能力记录类别", "Kind of competence"),
        "obtained_on" => ("取得日期", "Obtained on"),
        "valid_until" => ("有效期至", "Valid until"),
        "record_id" => ("记录编号", "Record no."),
        "conflict_id" => ("声明编号", "Declaration no."),
        "reason" => ("原因", "Reason"),
        "until" => ("利益冲突持续至", "Conflict lasts until"),
        "declared_on" => ("声明日期", "Declared on"),
        "declared_by" => ("声明人账号", "Declared by account"),
        "withdrawn_at" => ("撤回时间", "Withdrawn at"),
        "withdrawn_by" => ("撤回人账号", "Withdrawn by account"),
        "questionnaire" => ("问卷", "Questionnaire"),
        "closes_on" => ("截止日期", "Closes on"),
        "links" => ("链接数", "Links"),
        "responses" => ("回答数", "Responses"),
        "items" => ("问卷指标", "Questionnaire items"),
        _ => return None,
    };
    Some(l.t(zh, en))
}

/// One changed field of an entry, in words: `before` is `None` for a field the entry created,
/// `after` is `None` for one it removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The recorded field.
    pub field: String,
    pub label: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The changes of an entry, and how many recorded fields this version cannot name (left
/// out of the words; they stay in the entry itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub items: Vec<Change>,
    pub unnamed: usize,
}

/// A recorded object as its fields: `value_json` (an answer as stored) is read as `value`; a
/// value that is not an object is the field `value`.
fn fields(v: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    match v {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("value_json", Value::String(s)) => {
                        let parsed = serde_json::from_str(s).unwrap_or(Value::String(s.clone()));
                        out.insert("value".into(), parsed);
                    }
                    ("value_json", Value::Null) => {
                        out.insert("value".into(), Value::Null);
                    }
                    ("indicator_id", _) => {
                        out.insert("indicator".into(), x.clone());
                    }
                    _ => {
                        out.insert(k.clone(), x.clone());
                    }
                }
            }
        }
        Some(x) => {
            out.insert("value".into(), x.clone());
        }
    }
    out
}

/// The fields that differ between `before` and `after` (as recorded in an entry), in words.
/// A creation lists what was recorded, a deletion what was removed.
pub fn changes(before: Option<&Value>, after: Option<&Value>, l: Lang) -> Changes {
    let b = fields(before);
    let a = fields(after);
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    let mut out = Changes::default();
    for k in keys {
        if HIDDEN.contains(&k.as_str()) {
            continue;
        }
        let was = b.get(k).map(|v| words(k, v, l));
        let now = a.get(k).map(|v| words(k, v, l));
        let empty = |w: &Option<String>| w.is_none() || w.as_deref() == Some(empty_text(l));
        if was == now || (empty(&was) && empty(&now)) {
            continue;
        }
        let Some(label) = field_label(k, l) else {
            out.unnamed += 1;
            continue;
        };
        out.items.push(Change {
            field: k.clone(),
            label,
            before: was,
            after: now,
        });
    }
    out
}

fn empty_text(l: Lang) -> &'static str {
    l.t("（空）", "(empty)")
}

/// A recorded value in words: enums by their labels, times in China time, yes/no, lists
/// joined, nested objects as labelled fields; never JSON.
pub fn words(key: &str, v: &Value, l: Lang) -> String {
    match v {
        Value::Null => empty_text(l).to_string(),
        Value::Bool(b) => yes_no(*b, l).to_string(),
        Value::Number(n) => match (key, n.as_i64()) {
            ("disabled" | "first_application", Some(x)) => yes_no(x != 0, l).to_string(),
            _ => n
                .as_f64()
                .map_or_else(|| n.to_string(), tianping_core::fmt_num),
        },
        Value::String(s) => text_words(key, s, l),
        Value::Array(items) => {
            if items.is_empty() {
                return empty_text(l).to_string();
            }
            let parts: Vec<String> = items.iter().map(|x| words(key, x, l)).collect();
            parts.join(l.t("、", ", "))
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .filter(|(k, _)| !HIDDEN.contains(&k.as_str()))
                .filter_map(|(k, x)| {
                    let label = field_label(k, l)?;
                    Some(format!("{}{}{}", label, l.t(" ", ": "), words(k, x, l)))
                })
                .collect();
            if parts.is_empty() {
                empty_text(l).to_string()
            } else {
                parts.join(l.t("；", "; "))
            }
        }
    }
}

fn yes_no(b: bool, l: Lang) -> &'static str {
    if b {
        l.t("是", "yes")
    } else {
        l.t("否", "no")
    }
}

fn text_words(key: &str, s: &str, l: Lang) -> String {
    if s.is_empty() {
        return empty_text(l).to_string();
    }
    let label = match key {
        "source" => s.parse::<Source>().ok().map(|x| x.label(l)),
        "status" => s
            .parse::<AssessmentStatus>()
            .ok()
            .map(|x| x.label(l))
            .or_else(|| s.parse::<RequestStatus>().ok().map(|x| x.label(l))),
        "mode" => s.parse::<Mode>().ok().map(|x| x.label(l)),
        "role" => s.parse::<Role>().ok().map(|x| x.label(l)),
        "kind" => s.parse::<OrgKind>().ok().map(|x| x.label(l)),
        "competence_kind" => s.parse::<CompetenceKind>().ok().map(|x| x.label(l)),
        "document" => s.parse::<DocKind>().ok().map(|x| x.label(l)),
        _ => None,
    };
    if let Some(label) = label {
        return label.to_string();
    }
    if key.ends_with("_at") {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return t
                .with_timezone(&china())
                .format("%Y-%m-%d %H:%M")
                .to_string();
        }
    }
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return format!("{}…", &s[..12]);
    }
    s.to_string()
}

/// China Standard Time, in which people read the log's times and give its date range.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Who an entry's actor is, as a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorFilter {
    /// Changes made by the system itself (re-scoring, the first administrator).
    System,
    /// An account by its number.
    Id(i64),
    /// An account by its e-mail address (the caller looks the number up).
    Email(String),
}

/// The filters of the audit log as typed (page form or API query); empty means no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct FilterInput {
    pub actor: String,
    pub object_type: String,
    pub object_id: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

/// The filters of the audit log, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub actor: Option<ActorFilter>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    /// The first day shown (China time), inclusive.
    pub from: Option<NaiveDate>,
    /// The last day shown (China time), inclusive.
    pub to: Option<NaiveDate>,
}

fn code_like(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

fn date(field: &str, s: &str) -> Result<Option<NaiveDate>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            FieldError::new(
                field,
                format!("“{}” 不是日期；请写作 年-月-日，如 2026-05-01", s),
                format!(
                    "“{}” is not a date; write it as year-month-day, e.g. 2026-05-01",
                    s
                ),
            )
        })
}

impl FilterInput {
    /// Check what was typed: every field at fault says what it accepts.
    pub fn check(&self) -> Result<Filter, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut f = Filter::default();
        let actor = self.actor.trim();
        f.actor = match actor {
            "" => None,
            "system" | "系统" => Some(ActorFilter::System),
            a if a.bytes().all(|b| b.is_ascii_digit()) => match a.parse() {
                Ok(id) => Some(ActorFilter::Id(id)),
                Err(_) => {
                    errs.push(actor_error());
                    None
                }
            },
            a if a.contains('@') && a.chars().count() <= 254 => {
                Some(ActorFilter::Email(a.to_lowercase()))
            }
            _ => {
                errs.push(actor_error());
                None
            }
        };
        let object_type = self.object_type.trim();
        if !object_type.is_empty() {
            if code_like(object_type) {
                f.object_type = Some(object_type.to_string());
            } else {
                let names: Vec<&str> = AuditObject::TEXTS.to_vec();
                errs.push(FieldError::new(
                    "object_type",
                    format!("对象类型应为以下之一：{}", names.join("、")),
                    format!("The object type must be one of: {}", names.join(", ")),
                ));
            }
        }
        let object_id = self.object_id.trim();
        if !object_id.is_empty() {
            if object_id.chars().count() > 200 {
                errs.push(FieldError::new(
                    "object_id",
                    "对象编号最多 200 个字符",
                    "The object's number may have at most 200 characters",
                ));
            } else if f.object_type.is_none() && object_type.is_empty() {
                errs.push(FieldError::new(
                    "object_id",
                    "按对象编号筛选时，请同时选择对象类型",
                    "Choose the object type as well when filtering by the object's number",
                ));
            } else {
                f.object_id = Some(object_id.to_string());
            }
        }
        let action = self.action.trim();
        if !action.is_empty() {
            if code_like(action) {
                f.action = Some(action.to_string());
            } else {
                errs.push(FieldError::new(
                    "action",
                    "请从列表中选择操作",
                    "Choose an action from the list",
                ));
            }
        }
        match date("from", &self.from) {
            Ok(d) => f.from = d,
            Err(e) => errs.push(e),
        }
        match date("to", &self.to) {
            Ok(d) => f.to = d,
            Err(e) => errs.push(e),
        }
        if let (Some(a), Some(b)) = (f.from, f.to) {
            if b < a {
                errs.push(FieldError::new(
                    "to",
                    "结束日期早于开始日期",
                    "The end date is before the start date",
                ));
            }
        }
        if errs.is_empty() {
            Ok(f)
        } else {
            Err(errs)
        }
    }
}

fn actor_error() -> FieldError {
    FieldError::new(
        "actor",
        "请填写操作人的邮箱或账号编号（系统自动的操作填 system）",
        "Enter the person's e-mail address or account number (system for automatic changes)",
    )
}

impl Filter {
    /// The times the date range covers, in UTC: from the start of `from` (inclusive) to the
    /// start of the day after `to` (exclusive), both days in China time.
    pub fn time_bounds(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(china()).single())
                .map(|t| t.with_timezone(&Utc))
        };
        (
            self.from.and_then(start),
            self.to
                .and_then(|d| d.checked_add_signed(Duration::days(1)))
                .and_then(start),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_and_objects_read_as_words_and_unknown_ones_do_not_leak() {
        assert_eq!(action_label("answer", Lang::Zh), "作答");
        assert_eq!(
            action_label("approve_identity_change", Lang::En),
            "Identity change approved"
        );
        assert_eq!(action_label("frobnicate", Lang::Zh), "其他操作");
        assert_eq!(object_label("org", Lang::Zh), "机构");
        assert_eq!(object_label("gizmo", Lang::En), "Other object");
        for a in AuditAction::ALL {
            assert!(!a.label(Lang::Zh).is_ascii(), "{a}: a Chinese label");
        }
    }

    #[test]
    fn an_overwritten_answer_reads_as_value_and_source_in_words() {
        let before = json!({"assessment_id": 3, "indicator_id": "x", "value_json": "88",
            "note": "", "source": "platform", "revision": 4, "updated_by": 2, "updated_at": "t"});
        let after = json!({"indicator": "x", "value": 100, "note": "", "source": "self",
            "source_label": "企业自报", "expert_score": null, "revision": 5});
        let c = changes(Some(&before), Some(&after), Lang::Zh);
        let text: Vec<String> = c
            .items
            .iter()
            .map(|x| {
                format!(
                    "{} {} → {}",
                    x.label,
                    x.before.as_deref().unwrap_or("-"),
                    x.after.as_deref().unwrap_or("-")
                )
            })
            .collect();
        assert!(text.contains(&"数值 88 → 100".to_string()), "{text:?}");
        assert!(
            text.contains(&"来源 平台数据 → 企业自报".to_string()),
            "{text:?}"
        );
        // the indicator is the same under both names; bookkeeping is not a change
        assert_eq!(c.items.len(), 2, "{text:?}");
    }

    #[test]
    fn values_are_words_not_json() {
        let l = Lang::Zh;
        assert_eq!(
            words("value", &json!({"experts": [3, 4.5, 5]}), l),
            "专家评分 3、4.5、5"
        );
        assert_eq!(words("role", &json!("body_admin"), l), "机构管理员");
        assert_eq!(words("status", &json!("pending"), l), "待处理");
        assert_eq!(words("disabled", &json!(1), l), "是");
        assert_eq!(words("document", &json!("contract"), l), "认证合同");
        assert_eq!(words("note", &json!(null), l), "（空）");
        assert_eq!(
            words("created_at", &json!("2026-05-01T16:30:00.000Z"), l),
            "2026-05-02 00:30"
        );
        assert_eq!(
            words("scheme_version", &json!("ab".repeat(32)), l),
            "abababababab…"
        );
        assert_eq!(
            words(
                "value",
                &json!({"value": 7, "source": "onsite", "odd": 1}),
                Lang::En
            ),
            "Value: 7; Source: Verified on site"
        );
        for v in [
            json!({"a": [1, {"b": 2}]}),
            json!([[1], {"c": null}]),
            json!({"value": {"x": 1}}),
        ] {
            let w = words("value", &v, l);
            assert!(
                !w.contains('{') && !w.contains('[') && !w.contains('"'),
                "{w}"
            );
        }
    }

    #[test]
    fn creations_list_what_was_recorded_and_unknown_fields_are_counted() {
        let c = changes(
            None,
            Some(&json!({"id": 9, "kind": "body", "name": "甲", "mystery": 1})),
            Lang::Zh,
        );
        assert_eq!(
            c.items,
            vec![
                Change {
                    field: "kind".into(),
                    label: "机构类型",
                    before: None,
                    after: Some("评价机构".into())
                },
                Change {
                    field: "name".into(),
                    label: "名称",
                    before: None,
                    after: Some("甲".into())
                },
            ]
        );
        assert_eq!(c.unnamed, 1);
        let c = changes(Some(&json!({"name": "x"})), None, Lang::En);
        assert_eq!(c.items[0].after, None);
        assert!(
            changes(Some(&json!({"a": 1})), Some(&json!({"a": 1})), Lang::Zh)
                .items
                .is_empty()
        );
    }

    #[test]
    fn filters_are_checked_and_days_are_china_days() {
        let f = FilterInput {
            actor: " Admin@B.test ".into(),
            object_type: "assessment".into(),
            object_id: "12".into(),
            action: "answer".into(),
            from: "2026-05-01".into(),
            to: "2026-05-01".into(),
        }
        .check()
        .unwrap();
        assert_eq!(f.actor, Some(ActorFilter::Email("admin@b.test".into())));
        let (a, b) = f.time_bounds();
        assert_eq!(a.unwrap().to_rfc3339(), "2026-04-30T16:00:00+00:00");
        assert_eq!(b.unwrap().to_rfc3339(), "2026-05-01T16:00:00+00:00");
        assert_eq!(
            FilterInput {
                actor: "7".into(),
                ..Default::default()
            }
            .check()
            .unwrap()
            .actor,
            Some(ActorFilter::Id(7))
        );
        assert_eq!(FilterInput::default().check().unwrap(), Filter::default());
        let e = FilterInput {
            actor: "nobody".into(),
            object_id: "3".into(),
            action: "DROP TABLE".into(),
            from: "2026-13-01".into(),
            to: "yesterday".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["actor", "object_id", "action", "from", "to"]);
        let e = FilterInput {
            from: "2026-05-02".into(),
            to: "2026-05-01".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert!(e[0].message.zh.contains("早于"), "{e:?}");
    }
}
