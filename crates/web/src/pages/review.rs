//! The body's review on the pages (I-6, I-20): who verified an answer and when, the
//! reviewer's verify form (confirm or correct, with a note) on an item, "verify the whole
//! table" on an assessment, and the enterprise's disputed proposals beside a protected
//! answer, which a reviewer accepts or rejects.

use maud::{html, Markup};
use tianping_app::domain::review::Stored;
use tianping_app::domain::ProposalStatus;
use tianping_app::review::{self, ItemReview, Proposal, VerifyInput};

use super::*;
use crate::view::{csrf, err};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments/:id/items/:ind/verify", post(verify_item_post))
        .route("/assessments/:id/verify", post(verify_table_post))
        .route(
            "/assessments/:id/items/:ind/proposals/:pid",
            post(proposal_post),
        )
}

/// What the review card needs beside the item.
pub(super) struct Review {
    pub(super) item: ItemReview,
    /// The person reviews this assessment (verifies, resolves proposals).
    pub(super) reviewer: bool,
}

/// The review of an item for its page: none for experts and outside the star scheme.
pub(super) async fn of_item(
    st: &App,
    it: &Item<'_>,
    answer: Option<&repo::AnswerRow>,
) -> Result<Option<Review>, Error> {
    if it.scheme.method != Method::Dimensions || matches!(it.access, Access::Expert(_)) {
        return Ok(None);
    }
    Ok(Some(Review {
        item: review::item_review(st, it.a, it.access, answer).await?,
        reviewer: review::is_reviewer(st, it.u, it.a).await?,
    }))
}

fn name(r: &ItemReview, id: Option<i64>) -> String {
    id.and_then(|i| r.names.get(&i).cloned())
        .unwrap_or_else(|| "?".into())
}

/// The figure of a stored answer's JSON text, "—" when there is none.
fn figure(json: Option<&str>) -> String {
    let v = json.and_then(|s| serde_json::from_str::<Value>(s).ok());
    Stored::read(v.as_ref(), None)
        .value
        .map(fmt_num)
        .unwrap_or_else(|| "—".into())
}

/// Who verified the current answer and when; the verify form for a reviewer while the answer
/// awaits verification; the proposals. Messages of a refused review action (fields
/// `verify…`, `proposal…`) and of a save kept beside a protected answer (`kept`) are shown
/// here.
pub(super) fn review_card(
    it: &Item,
    answer: Option<&repo::AnswerRow>,
    r: &Review,
    again: &Again,
) -> Markup {
    let l = it.l;
    let value = answer
        .and_then(|a| a.value_json.as_deref())
        .and_then(|s| serde_json::from_str::<Value>(s).ok());
    let stored = Stored::read(value.as_ref(), answer.and_then(|a| a.source));
    let awaits = stored.awaits_verification();
    let v = r.item.verification.as_ref();
    let said = ["kept", "verify", "proposal"]
        .iter()
        .any(|k| again.get(k).is_some());
    if stored.value.is_none() && r.item.proposals.is_empty() && !said {
        return html! {};
    }
    html! {
        div.card #review {
            h2 { (l.t("核验", "Verification")) }
            @if let Some(m) = again.get("kept") {
                div.flash role="status" { (m) }
            }
            @if let Some(v) = v {
                p data-testid="verified" {
                    (l.t("由 ", "Verified by ")) b { (name(&r.item, Some(v.verified_by))) }
                    (l.t(" 于 ", " on ")) (when(&v.verified_at)) (l.t(" 核验", ""))
                    @if v.proposal_id.is_some() {
                        (l.t("（采纳企业的提议）", " (the enterprise's proposal accepted)"))
                    }
                }
                @if v.corrected != 0 {
                    p.muted {
                        (l.t("更正：", "Corrected: ")) (figure(v.value_before.as_deref()))
                        " → " (figure(Some(&v.value_after)))
                    }
                }
                @if !v.note.is_empty() {
                    p.muted { (l.t("核验备注：", "Verification note: ")) (v.note) }
                }
            } @else if awaits {
                p.muted {
                    (l.t("企业自报，尚未核验：核验后才计分。",
                        "Self-declared and not yet verified: it counts once verified."))
                }
            } @else if stored.value.is_some() {
                p.muted {
                    (l.t("该答案无需核验（不是企业自报）。",
                        "This answer needs no verification (it is not self-declared)."))
                }
            }
            (err(again.get("verify")))
            @if r.reviewer && awaits {
                (verify_form(it, stored.value, again))
            }
            @for p in &r.item.proposals {
                (proposal(it, r, p, again))
            }
        }
    }
}

/// Confirm the value, or correct it (with a note saying why).
fn verify_form(it: &Item, current: Option<f64>, again: &Again) -> Markup {
    let l = it.l;
    let value = current.map(fmt_num).unwrap_or_default();
    html! {
        form method="post" action={ (it.url) "/verify" } {
            (csrf(it.csrf))
            label for="f-verify-value" { (l.t("核验后的数值（更正时修改）", "Verified value (change it to correct)")) }
            input #f-verify-value type="number" step="any" name="value" value=(value)
                class=[again.get("verify_value").map(|_| "invalid")];
            (err(again.get("verify_value")))
            label for="f-verify-note" { (l.t("核验备注（更正时必填）", "Verification note (required when correcting)")) }
            textarea #f-verify-note name="note" class=[again.get("verify_note").map(|_| "invalid")] {}
            (err(again.get("verify_note")))
            p {
                button name="action" value="confirm" { (l.t("确认数值无误", "Confirm the value")) }
                " "
                button.secondary name="action" value="correct" { (l.t("按所填数值更正", "Correct to the value entered")) }
            }
        }
    }
}

/// One proposal: what the enterprise proposed over which answer, and what became of it; an
/// open one with the reviewer's accept / reject form.
fn proposal(it: &Item, r: &Review, p: &Proposal, again: &Again) -> Markup {
    let l = it.l;
    let open = p.status == ProposalStatus::Open;
    html! {
        div.ind data-testid="proposal" {
            p {
                @if open { span.pill.warn { (p.status.label(l)) } } @else { span.pill { (p.status.label(l)) } }
                " "
                (l.t("企业提议：", "Proposed by the enterprise: ")) b { (figure(Some(&p.value_json))) }
                (l.t("（", " (")) (p.source.label(l)) (l.t("）", ")"))
                " · " (name(&r.item, Some(p.proposed_by))) " · " (when(&p.proposed_at))
            }
            p.muted {
                (l.t("当时的答案：", "Answer at the time: ")) (figure(p.held_json.as_deref()))
                @if let Some(s) = p.held_source { (l.t("（", " (")) (s.label(l)) (l.t("）", ")")) }
                @if p.held_by.is_some() { " · " (name(&r.item, p.held_by)) }
            }
            @if !p.note.is_empty() {
                p.muted { (l.t("企业备注：", "Enterprise's note: ")) (p.note) }
            }
            @if let Some(at) = &p.resolved_at {
                @if p.resolved_by.is_some() {
                    p.muted {
                        (name(&r.item, p.resolved_by)) " · " (when(at))
                        @if !p.resolution_note.is_empty() { " · " (p.resolution_note) }
                    }
                }
            }
            @if open && r.reviewer {
                form method="post" action={ (it.url) "/proposals/" (p.id) } {
                    (csrf(it.csrf))
                    label for={ "f-proposal-" (p.id) } { (l.t("裁决备注（驳回时必填）", "Note (required when rejecting)")) }
                    textarea id={ "f-proposal-" (p.id) } name="note" {}
                    (err(again.get("proposal_note")))
                    p {
                        button name="decision" value="accept" { (l.t("采纳为答案（核验）", "Accept as the answer (verified)")) }
                        " "
                        button.danger name="decision" value="reject" { (l.t("驳回", "Reject")) }
                    }
                }
            }
        }
        (err(again.get("proposal")))
    }
}

/// How many answers of a table await verification.
pub(super) fn awaiting_in(
    plan: &tianping_core::Plan,
    rows: &[repo::AnswerRow],
    table: &str,
) -> usize {
    review::awaiting(plan, rows, table).len()
}

/// "Verify every self-declared answer of this table" for a reviewer, with how many await.
pub(super) fn table_form(
    l: Lang,
    token: &str,
    assessment: i64,
    table: &str,
    awaiting: usize,
) -> Markup {
    html! {
        div.card #verify-table {
            @if awaiting == 0 {
                p.muted { (l.t("本表没有待核验的自报答案。", "No self-declared answers of this table await verification.")) }
            } @else {
                form method="post" action={ "/assessments/" (assessment) "/verify" } {
                    (csrf(token))
                    input type="hidden" name="table" value=(table);
                    p {
                        (l.t("本表待核验的自报答案：", "Self-declared answers of this table awaiting verification: "))
                        b { (awaiting) }
                    }
                    label for="f-table-note" { (l.t("核验备注（可空）", "Verification note (optional)")) }
                    textarea #f-table-note name="note" {}
                    p { button { (l.t("核验本表全部自报答案", "Verify every self-declared answer of this table")) } }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct VerifyForm {
    csrf: String,
    action: String,
    value: String,
    note: String,
    table: String,
    decision: String,
}

/// A refused review action shown again on the item page: its messages by the form's fields
/// (`prefix_value`, `prefix_note`, or `prefix` for the whole form), with the status.
fn again_with(l: Lang, e: Error, prefix: &str) -> Result<Again<'static>, Error> {
    let mut errors = BTreeMap::new();
    match &e {
        Error::Invalid(v) => {
            for x in v {
                let k = match x.field.as_str() {
                    "value" | "note" => format!("{}_{}", prefix, x.field),
                    _ => prefix.to_string(),
                };
                errors.insert(k, x.message.text(l).to_string());
            }
        }
        Error::Conflict(m) | Error::Locked(m) => {
            errors.insert(prefix.to_string(), m.text(l).to_string());
        }
        _ => return Err(e),
    }
    Ok(Again {
        typed: None,
        errors,
        status: crate::error::status(&e),
    })
}

async fn verify_item_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Form(f): Form<VerifyForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let value = match (f.action.as_str(), f.value.trim()) {
        ("correct", "") => Err(Error::invalid(
            "value",
            "请填写更正后的数值",
            "Enter the corrected value",
        )),
        ("correct", v) => v.parse::<f64>().map(Some).map_err(|_| {
            Error::invalid(
                "value",
                format!("“{}” 不是数字", v),
                format!("“{}” is not a number", v),
            )
        }),
        _ => Ok(None),
    };
    let res = match value {
        Ok(value) => {
            let input = VerifyInput {
                value,
                note: f.note.clone(),
            };
            review::verify_item(&st, u, id, &ind, &input).await
        }
        Err(e) => Err(e),
    };
    match res {
        Ok(o) => {
            let what = format!(
                "{} · {} · {} {}",
                ind,
                ctx.lang.t("已核验", "verified"),
                ctx.lang.t("总分", "total"),
                fmt_num((o.score * 100.0).round() / 100.0)
            );
            Ok(redirect(&format!(
                "{}?saved={}",
                item_url(id, &ind),
                url_enc(&what)
            )))
        }
        Err(e) => {
            let again = again_with(ctx.lang, e, "verify")?;
            item_view(&st, &ctx, id, &ind, again, None).await
        }
    }
}

async fn verify_table_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<VerifyForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let o = review::verify_table(&st, u, id, f.table.trim(), &f.note).await?;
    // the page's flash says how many; its result card shows the new total
    Ok(redirect(&format!(
        "/assessments/{}?table={}&verified={}",
        id,
        url_enc(f.table.trim()),
        o.verified.len()
    )))
}

async fn proposal_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind, pid)): Ids<(i64, String, i64)>,
    Form(f): Form<VerifyForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let l = ctx.lang;
    let accept = match f.decision.as_str() {
        "accept" => Ok(true),
        "reject" => Ok(false),
        _ => Err(Error::invalid(
            "decision",
            "请选择采纳或驳回",
            "Choose to accept or to reject",
        )),
    };
    // the proposal must be one of this item's (the path names both)
    let (a, access) = assessments::get(&st, u, id).await?;
    let ours = review::proposals(&st, &a, &access)
        .await?
        .iter()
        .any(|p| p.id == pid && p.indicator_id == ind);
    if !ours {
        return Err(Error::NotFound.into());
    }
    let res = match accept {
        Ok(accept) => review::resolve(&st, u, id, pid, accept, &f.note).await,
        Err(e) => Err(e),
    };
    match res {
        Ok((p, _)) => {
            let what = format!("{} · {}", ind, p.status.label(l));
            Ok(redirect(&format!(
                "{}?saved={}",
                item_url(id, &ind),
                url_enc(&what)
            )))
        }
        Err(e) => {
            let again = again_with(l, e, "proposal")?;
            item_view(&st, &ctx, id, &ind, again, None).await
        }
    }
}
