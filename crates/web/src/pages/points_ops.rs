//! A platform operator's shop points page (seed 002, DESIGN I-14, I-22): the shops by level
//! (counts per level, a list with search), the intake's figures (events stored, answers
//! accepted, duplicate and rejected over every batch, the last batches from the audit log),
//! and a form to post a batch — a .jsonl file or pasted events — through the same intake as
//! the API, answered event by event.

use maud::{html, Markup};
use tianping_app::points::{Outcome, Status};
use tianping_app::points_view::{self, level_of, Overview};

use super::shops::level_badge;
use super::*;
use crate::view::{csrf, err, page_with};

/// The routes of this feature (the overview itself is `/shops`, see `shops`).
pub(super) fn routes() -> Router<App> {
    Router::new().route("/shops/batch", post(batch_post))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OpsQ {
    q: String,
}

/// The overview; after a batch, its answers (`answers`) or why it was refused (`error`,
/// 422, with the pasted text kept in `typed`).
pub(super) async fn overview_page(
    st: &App,
    ctx: &Ctx,
    q: &OpsQ,
    answers: Option<&[Outcome]>,
    error: Option<(&str, &str)>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let o = points_view::overview(st, u, Some(&q.q)).await?;
    let body = html! {
        @if let Some(a) = answers { (answers_card(l, a)) }
        (figures(l, &o))
        (levels(l, &o))
        (shop_list(l, &o, &q.q))
        (batch_form(l, &ctx.csrf, error))
        (batches(l, &o))
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = format!("{} · {}", l.t("店铺积分", "Shop points"), o.platform_name);
    Ok(page_with(status, &ctx.chrome(), &title, body))
}

fn figures(l: Lang, o: &Overview) -> Markup {
    let f = &o.figures;
    html! {
        div.card.figures {
            h2 { (l.t("接收统计", "Intake")) }
            dl {
                dt { (l.t("已存事件", "Events stored")) } dd data-figure="events" { (f.events) }
                dt { (l.t("店铺", "Shops")) } dd data-figure="shops" { (f.shops) }
                dt { (l.t("批次", "Batches")) } dd data-figure="batches" { (f.batches) }
                dt { (l.t("已接收", "Accepted")) } dd data-figure="accepted" { (f.accepted) }
                dt { (l.t("重复（只计一次）", "Duplicates (counted once)")) } dd data-figure="duplicates" { (f.duplicates) }
                dt { (l.t("拒收", "Rejected")) } dd data-figure="rejected" { (f.rejected) }
            }
        }
    }
}

fn levels(l: Lang, o: &Overview) -> Markup {
    html! {
        div.card.levels {
            h2 { (l.t("各等级店铺数", "Shops by level")) }
            @if o.levels.is_empty() { p.muted { (l.t("还没有店铺。", "No shops yet.")) } }
            @else {
                div.tablewrap { table {
                    tr { th { (l.t("等级", "Level")) } th { (l.t("店铺数", "Shops")) } }
                    @for c in &o.levels {
                        tr data-level=(c.level_kind.as_deref().map(|k| format!("{k}-{}", c.level_n.unwrap_or(0))).unwrap_or_else(|| "none".into())) {
                            td { (level_badge(l, level_of(c.level_kind.as_deref(), c.level_n))) }
                            td.num { (c.shops) }
                        }
                    }
                } }
            }
        }
    }
}

fn shop_list(l: Lang, o: &Overview, q: &str) -> Markup {
    html! {
        div.card {
            h2 { (l.t("店铺", "Shops")) }
            form.inline method="get" action="/shops" {
                label for="f-q" { (l.t("搜索店铺编号或企业名称", "Search by shop id or enterprise name")) }
                input #f-q type="search" name="q" value=(q);
                button.secondary { (l.t("搜索", "Search")) }
                @if !q.is_empty() { a href="/shops" { (l.t("全部", "All")) } }
            }
            @if o.shops.is_empty() { p.muted { (l.t("没有符合条件的店铺。", "No shop matches.")) } }
            @else {
                div.tablewrap { table.shops {
                    tr {
                        th { (l.t("店铺", "Shop")) } th { (l.t("企业", "Enterprise")) }
                        th { (l.t("积分", "Points")) } th { (l.t("等级", "Level")) }
                        th { (l.t("事件", "Events")) } th { (l.t("计算时间", "As of")) }
                    }
                    @for s in &o.shops {
                        tr {
                            td { a href={ "/shops/" (url_enc(&s.shop)) } { code { (s.shop) } } }
                            td { @match &s.enterprise_name { Some(n) => { (n) } None => { span.muted { (l.t("未在天平注册", "not registered here")) } } } }
                            td.num { (s.total) }
                            td { (level_badge(l, level_of(s.level_kind.as_deref(), s.level_n))) }
                            td.num { (s.events) }
                            td { small { (s.as_of.get(..16).unwrap_or(&s.as_of).replace('T', " ")) } }
                        }
                    }
                } }
                @if o.shops.len() as i64 >= points_view::LIST {
                    p.muted { (l.t("只列出积分最高的 ", "Only the ")) (points_view::LIST) (l.t(" 个店铺，请用搜索缩小范围。", " shops with the most points are listed; search to narrow down.")) }
                }
            }
        }
    }
}

fn batch_form(l: Lang, token: &str, error: Option<(&str, &str)>) -> Markup {
    html! {
        div.card {
            h2 { (l.t("提交一批积分事件", "Post a batch of points events")) }
            p.muted { (l.t("上传 .jsonl 文件（UTF-8，每行一个 I-22 事件），或在下面粘贴事件（每行一个 JSON 对象，或事件的 JSON 数组）；一批最多 10000 个。与 API（POST /api/v1/points/events）相同的规则：每个事件的结果为已接收、重复或拒收并说明原因。",
                "Upload a .jsonl file (UTF-8, one I-22 event a line), or paste the events below (one JSON object a line, or a JSON array of events); at most 10,000 a batch. The same rules as the API (POST /api/v1/points/events): each event is answered accepted, duplicate or rejected with the reason.")) }
            form method="post" action="/shops/batch" enctype="multipart/form-data" {
                (csrf(token))
                label for="f-file" { (l.t("文件", "File")) }
                input #f-file type="file" name="file" accept=".jsonl,.json,.txt";
                label for="f-events" { (l.t("或粘贴事件", "Or paste the events")) }
                textarea #f-events name="events" rows="6" aria-invalid=[error.map(|_| "true")]
                    placeholder=r#"{"key": "k1", "shop": "91310000…", "event": "seller_login", "at": "2026-11-25T09:30:00+08:00"}"# {
                    (error.map_or("", |e| e.1))
                }
                (err(error.map(|e| e.0)))
                p { button { (l.t("提交", "Post")) } }
            }
        }
    }
}

fn batches(l: Lang, o: &Overview) -> Markup {
    html! {
        div.card {
            h2 { (l.t("最近的批次", "Last batches")) }
            @if o.last_batches.is_empty() { p.muted { (l.t("还没有批次。", "No batch yet.")) } }
            @else {
                div.tablewrap { table.batches {
                    tr {
                        th { (l.t("时间", "Time")) } th { (l.t("提交人", "By")) }
                        th { (l.t("已接收", "Accepted")) } th { (l.t("重复", "Duplicates")) } th { (l.t("拒收", "Rejected")) }
                        th { (l.t("店铺", "Shops")) }
                    }
                    @for b in &o.last_batches {
                        @let v: Value = b.after_json.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
                        @let n = |k: &str| v.get(k).and_then(Value::as_i64).unwrap_or(0);
                        tr {
                            td { (when(&b.at)) } td { (b.actor) }
                            td.num { (n("accepted")) } td.num { (n("duplicates")) } td.num { (n("rejected")) }
                            td.num { (n("shops")) }
                        }
                    }
                } }
            }
        }
    }
}

fn status_words(l: Lang, s: Status) -> &'static str {
    match s {
        Status::Accepted => l.t("已接收", "accepted"),
        Status::Duplicate => l.t("重复，只计一次", "duplicate, counted once"),
        Status::Rejected => l.t("拒收", "rejected"),
    }
}

fn answers_card(l: Lang, answers: &[Outcome]) -> Markup {
    let count = |s: Status| answers.iter().filter(|o| o.status == s).count();
    html! {
        div.card.report {
            h2 { (l.t("本批结果", "This batch")) }
            p.flash.bad[count(Status::Rejected) > 0] role="status" {
                (l.t("已接收 ", "Accepted ")) span data-answer="accepted" { (count(Status::Accepted)) }
                (l.t("，重复 ", ", duplicates ")) span data-answer="duplicate" { (count(Status::Duplicate)) }
                (l.t("，拒收 ", ", rejected ")) span data-answer="rejected" { (count(Status::Rejected)) }
                "。"
            }
            div.tablewrap { table.report {
                tr { th { "#" } th { (l.t("幂等键", "Key")) } th { (l.t("结果", "Answer")) } th { (l.t("原因", "Reason")) } }
                @for o in answers {
                    tr.bad[o.status == Status::Rejected] data-status=(json!(o.status).as_str().unwrap_or_default()) {
                        td { (o.line) } td { code { (o.key) } }
                        td { (status_words(l, o.status)) }
                        td { (o.reason.as_deref().unwrap_or("")) }
                    }
                }
            } }
        }
    }
}

async fn batch_post(State(st): State<App>, ctx: Ctx, mut mp: Multipart) -> Res {
    let u = ctx.user()?;
    if u.role != Role::Operator {
        return Err(Error::NotFound.into());
    }
    let (fields, _name, data) = uploaded_form(&st, &mut mp).await?;
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let pasted = fields.get("events").cloned().unwrap_or_default();
    let text = if data.is_empty() {
        pasted.clone()
    } else {
        match String::from_utf8(data) {
            Ok(t) => t,
            Err(_) => {
                let m = ctx.lang.t(
                    "文件不是 UTF-8 文本：请上传 UTF-8 编码的 .jsonl 文件",
                    "The file is not UTF-8 text: upload a UTF-8 .jsonl file",
                );
                return overview_page(&st, &ctx, &OpsQ::default(), None, Some((m, &pasted))).await;
            }
        }
    };
    match points_view::post_batch(&st, u, &text).await {
        Ok(a) => overview_page(&st, &ctx, &OpsQ::default(), Some(&a), None).await,
        Err(Error::Invalid(e)) => {
            let m = errs_map(ctx.lang, &e)
                .into_values()
                .collect::<Vec<_>>()
                .join("；");
            overview_page(&st, &ctx, &OpsQ::default(), None, Some((&m, &pasted))).await
        }
        Err(e) => Err(e.into()),
    }
}
