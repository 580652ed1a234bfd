//! The decider's page (8.1.7): the conditions of a grant on an audit as a checklist, each
//! satisfied or not with its clause and reason, and the decision — grant (disabled, with the
//! reason, while a condition fails) or refuse (with the reason written to the client).

use tianping_app::cases;
use tianping_app::Refusal;
use tianping_case::certification::checklist::Condition;

use super::case_forms::Fields;
use super::case_parse::parse_event;
use super::case_words::role_words;
use super::cases::{person, refusals_box};
use super::*;
use crate::view::{csrf, field, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/cases/:id/decide", get(decide_page).post(decide_post))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideQ {
    audit: String,
}

async fn decide_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<DecideQ>,
) -> Res {
    let mut fields = Fields::new();
    fields.insert("date".into(), cases::today(&st).to_string());
    decide_view(&st, &ctx, id, &q.audit, &fields, &[], &[]).await
}

/// The checklist and the decision forms, with what was typed and why it was refused.
async fn decide_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    audit: &str,
    fields: &Fields,
    errors: &[FieldError],
    refusals: &[Refusal],
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let conditions = cases::checklist(st, u, id, audit).await?;
    let v = cases::view(st, u, id, None).await?;
    let Some(a) = v.outcome.case.audit(audit) else {
        return Err(Error::NotFound.into());
    };
    let may_decide = v.enterable.contains(&"decision") && !a.decided;
    let failing: Vec<&Condition> = conditions.iter().filter(|c| !c.satisfied).collect();
    let e = errs_map(l, errors);
    let val = |k: &str| fields.get(k).map_or("", String::as_str);
    let token = ctx.csrf.as_str();
    let body = html! {
        p { a href={ "/cases/" (id) } { "← " (v.case.enterprise_name) " · " (l.t("认证案卷", "certification case")) } }
        (refusals_box(l, refusals))
        (form_errors(&e, &["date", "reason"]))
        div.card {
            p {
                b { (a.id) " · " (l.t(a.kind.name_zh(), a.kind.as_str())) } " "
                (a.start) " — " (a.end)
                @if let Some(d) = a.last_day { " · " (l.t("末日 ", "last day ")) (d) }
            }
            p {
                (l.t("审核组：", "Team: "))
                @for (i, m) in a.team.iter().enumerate() {
                    @if i > 0 { "、" }
                    (person(&v.header, &m.person)) "（" (role_words(l, m.role)) "）"
                }
            }
        }
        h2 { (l.t("授予认证的条件（8.1.7）", "Conditions of a grant (8.1.7)")) }
        ul.checks {
            @for c in &conditions {
                li.met[c.satisfied] .unmet[!c.satisfied] {
                    span.mark { @if c.satisfied { "✓ " } @else { "✗ " } }
                    b { (c.text) } " " span.muted { (l.t("条款 ", "clause ")) (c.clause) }
                    br; (c.reason)
                }
            }
        }
        @if a.decided {
            p.flash { (l.t("该审核已作出认证决定。", "This audit has been decided.")) }
        } @else if may_decide {
            div.card {
                h2 { (l.t("授予认证", "Grant")) }
                form method="post" action={ "/cases/" (id) "/decide" } {
                    (csrf(token))
                    input type="hidden" name="audit" value=(a.id);
                    input type="hidden" name="result" value="grant";
                    (field(l.t("决定日期", "Date"), "date", "date", val("date"), e.get("date").map(String::as_str), &[("required", "")]))
                    @if !failing.is_empty() {
                        p.err role="note" {
                            (l.t("条件未全部满足，不能授予认证：", "Not every condition is met; a grant is not possible: "))
                            @for (i, c) in failing.iter().enumerate() {
                                @if i > 0 { (l.t("；", "; ")) }
                                (c.reason)
                            }
                        }
                    }
                    p { button disabled[!failing.is_empty()] { (l.t("授予认证", "Grant")) } }
                }
            }
            div.card {
                h2 { (l.t("不予认证", "Refuse")) }
                form method="post" action={ "/cases/" (id) "/decide" } {
                    (csrf(token))
                    input type="hidden" name="audit" value=(a.id);
                    input type="hidden" name="result" value="refuse";
                    (field(l.t("决定日期", "Date"), "date", "date", val("date"), e.get("date").map(String::as_str), &[("required", "")]))
                    label for="f-reason" { (l.t("理由（必填，书面告知申请组织）", "Reason (required; written to the client)")) }
                    textarea #f-reason name="reason" required maxlength="2000" { (val("reason")) }
                    p { button.danger { (l.t("不予认证", "Refuse")) } }
                }
            }
        } @else {
            p.muted { (l.t("认证决定由本机构的认证决定人员作出。", "The body's decider makes the decision.")) }
        }
    };
    let status = if errors.is_empty() && refusals.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = format!("{} · {}", l.t("认证决定", "Decision"), a.id);
    Ok(page_with(status, &ctx.chrome(), &title, body))
}

async fn decide_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Res {
    let u = ctx.user()?;
    let fields: Fields = f.into_iter().collect();
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let audit = fields.get("audit").cloned().unwrap_or_default();
    let result = match parse_event("decision", &fields, u) {
        Ok(event) => cases::append(&st, u, id, event).await,
        Err(e) => Err(Error::Invalid(e)),
    };
    let (errors, refusals) = match result {
        Ok(a) => return Ok(redirect(&format!("/cases/{id}?done={}", a.seq))),
        Err(Error::Invalid(e)) => (e, Vec::new()),
        Err(Error::Refused(r)) => (Vec::new(), r),
        Err(e) => return Err(e.into()),
    };
    decide_view(&st, &ctx, id, &audit, &fields, &errors, &refusals).await
}
