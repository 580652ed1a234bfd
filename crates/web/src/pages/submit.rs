//! Submitting with care: the confirmation page (what is unanswered, which self-declared
//! answers are not verified yet, the result that would be submitted, what happens next), the
//! submission itself, and withdrawing it until the body has acted on it.

use maud::{html, Markup};
use tianping_app::submission::{self, Ack, Review, Submission};

use super::nav::{content_start, item_label};
use super::*;
use crate::view::{csrf, err, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(
            "/assessments/:id/submit",
            get(confirm_page).post(submit_post),
        )
        .route("/assessments/:id/withdraw", post(withdraw_post))
}

async fn confirm_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    confirm_view(&st, &ctx, id, None).await
}

/// The confirmation page (a draft) or the submission record with the withdraw button (a
/// submitted assessment); `error`: the refused acknowledgement, shown at the checkbox (422).
async fn confirm_view(st: &App, ctx: &Ctx, id: i64, error: Option<&str>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access, review, record) = submission::review(st, u, id).await?;
    let plan = assessments::plan(st, &a)?;
    let scheme = plan.scheme;
    let draft = a.status == AssessmentStatus::Draft;
    let names = admin::user_names(
        st,
        &[record.submitted_by, record.withdrawn_by]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>(),
    )
    .await?;
    let may_withdraw = if draft {
        None
    } else {
        Some(submission::may_withdraw(st, &a, &access).await)
    };
    let would = repo::Assessment {
        score: review.score,
        grade: review.grade.clone(),
        stars: review.stars,
        ..a.clone()
    };
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (l.t("返回评价", "Back to the assessment")) } }
        @if draft {
            (record_line(l, &record, &names))
            div.card.would {
                h2 { (l.t("将提交的结果", "The result that would be submitted")) }
                p.big { (result_brief(l, Some(scheme), would.score, would.grade.as_deref(), would.stars)) }
                p.muted {
                    (review.items - review.unanswered.len()) "/" (review.items) (l.t(" 项已填", " items answered"))
                }
            }
            (item_list(l, a.id, scheme, &review.unanswered,
                l.t("未填的指标", "Unanswered items"),
                l.t("这些指标没有答案，按 0 分计算。", "These items have no answer and count as 0.")))
            (item_list(l, a.id, scheme, &review.unverified,
                l.t("企业自报、尚未核验的答案", "Self-declared answers not verified yet"),
                l.t("这些答案已保存，但要等评价机构核验后才计分。",
                    "These answers are kept but count only once the evaluation body has verified them.")))
            (next_steps(l, a.mode))
            (confirm_form(l, &ctx.csrf, a.id, &review, error))
        } @else {
            (record_line(l, &record, &names))
            p { (l.t("提交时的结果：", "The result as submitted: ")) b { (result_brief(l, Some(scheme), a.score, a.grade.as_deref(), a.stars)) } }
            @match may_withdraw {
                Some(Ok(())) => {
                    form method="post" action={ "/assessments/" (a.id) "/withdraw" } {
                        (csrf(&ctx.csrf))
                        p { button.secondary { (l.t("撤回提交", "Withdraw the submission")) } }
                        p.muted { (l.t("撤回后评价回到填写状态，可以继续修改后再提交。",
                            "Withdrawn, the assessment is a draft again: change it and submit again.")) }
                    }
                }
                Some(Err(e)) => { p.flash { (e.detail(l)) } }
                None => {}
            }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = if draft {
        l.t("提交评价", "Submit the assessment")
    } else {
        l.t("评价已提交", "Assessment submitted")
    };
    Ok(page_with(status, &ctx.chrome(), title, body))
}

/// Who submitted (or withdrew) and when.
fn record_line(l: Lang, r: &Submission, names: &BTreeMap<i64, String>) -> Markup {
    let name = |id: Option<i64>| {
        id.and_then(|i| names.get(&i).cloned())
            .unwrap_or_else(|| "?".into())
    };
    html! {
        @if let (Some(at), None) = (&r.submitted_at, &r.withdrawn_at) {
            p.muted.record { (l.t("提交：", "Submitted: ")) (when(at)) " · " (name(r.submitted_by)) }
        }
        @if let Some(at) = &r.withdrawn_at {
            p.muted.record {
                (l.t("上次提交已撤回：", "The last submission was withdrawn: ")) (when(at)) " · " (name(r.withdrawn_by))
            }
        }
    }
}

/// A list of items (open when short), each a link to its page, with what tells rows with the
/// same name apart.
fn item_list(
    l: Lang,
    id: i64,
    scheme: &tianping_core::Scheme,
    ids: &[String],
    title: &str,
    note: &str,
) -> Markup {
    let items: Vec<&tianping_core::Indicator> =
        ids.iter().filter_map(|i| scheme.indicator(i)).collect();
    html! {
        @if !items.is_empty() {
            details.card.items open[items.len() <= 30] {
                summary { h2.inline-heading { (title) "（" (items.len()) (l.t(" 项", " items")) "）" } }
                p.muted { (note) }
                ul {
                    @for i in &items {
                        li {
                            a href=(item_url(id, &i.id)) { (i.table) " " (item_label(i)) }
                            " " span.muted { (content_start(i)) }
                        }
                    }
                }
            }
        }
    }
}

/// What happens after submitting, in plain words.
fn next_steps(l: Lang, mode: Mode) -> Markup {
    html! {
        div.card.next {
            h2 { (l.t("提交后会怎样", "What happens next")) }
            ul {
                li { (l.t("答案被锁定，不能再修改。", "The answers are locked and can no longer be changed.")) }
                @if mode == Mode::SelfEvaluation {
                    li { (l.t("你委托的评价机构审核这份自评，并核验企业自报的数据；核验后的数据才计分。",
                        "The evaluation body you engaged reviews this self-assessment and verifies the self-declared figures; only verified figures count.")) }
                    li { (l.t("在评价机构开始处理（核验或修改答案）之前，你可以撤回提交，回到填写状态。",
                        "Until the evaluation body acts on it (verifies or changes answers) you can withdraw the submission and go on editing.")) }
                } @else {
                    li { (l.t("结果作为本机构的现场评价结果保存，企业可以查看。",
                        "The result is kept as the body's on-site result; the enterprise can see it.")) }
                    li { (l.t("在本机构人员提交后处理答案之前，可以撤回提交，回到填写状态。",
                        "Until staff of the body act on the answers after the submission, it can be withdrawn and edited again.")) }
                }
            }
        }
    }
}

/// The confirm button; with unanswered items, the acknowledgement it needs.
fn confirm_form(l: Lang, token: &str, id: i64, r: &Review, error: Option<&str>) -> Markup {
    let n = r.unanswered.len();
    html! {
        form method="post" action={ "/assessments/" (id) "/submit" } {
            (csrf(token))
            @if n > 0 {
                label.check {
                    input type="checkbox" name="acknowledge" value=(n) required
                        aria-invalid=[error.map(|_| "true")];
                    " " (l.t("我已知晓仍有 ", "I know that ")) (n) (l.t(" 项未填", " items are still unanswered"))
                }
                (err(error))
            }
            p.inline {
                button { (l.t("确认提交", "Confirm and submit")) }
                a href={ "/assessments/" (id) } { (l.t("返回继续填写", "Go back and keep answering")) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SubmitForm {
    csrf: String,
    acknowledge: String,
}

async fn submit_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<SubmitForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let ack = Ack::Given(f.acknowledge.trim().parse::<usize>().ok());
    match submission::submit(&st, u, id, ack).await {
        Ok(_) => Ok(redirect(&format!("/assessments/{}/result", id))),
        Err(Error::Invalid(e)) => {
            let text = errs_map(ctx.lang, &e)
                .into_values()
                .collect::<Vec<_>>()
                .join(" ");
            confirm_view(&st, &ctx, id, Some(&text)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn withdraw_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    submission::withdraw(&st, u, id).await?;
    Ok(redirect(&format!("/assessments/{}?withdrawn=1", id)))
}
