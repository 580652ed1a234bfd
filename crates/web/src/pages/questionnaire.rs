//! Questionnaires (004 7.2.1, I-13; rules in `tianping_domain::questionnaire`).
//!
//! For the body running an on-site capability assessment: `/assessments/{id}/questionnaires`
//! lists its questionnaires (links used, responses, the aggregate once closed with enough
//! responses), opens one with a closing day and a number of links, closes one, issues more
//! links and writes the aggregate into the assessment. Opening (or issuing more links)
//! answers with the links and a QR code for each, shown this once: only their hashes are kept.
//!
//! For respondents, without signing in: `/q/{token}`, one item per row with five large
//! choices 1–5, then a thank-you page; a used link says “此链接已使用”.

use axum::http::HeaderMap;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use tianping_app::domain::questionnaire::{
    day_zh, Item, LinkRefused, OpenInput, Withheld, MAX_DAYS_AHEAD, MAX_LINKS, MIN_RESPONSES,
};
use tianping_app::domain::words::fig;
use tianping_app::questionnaire::{self as uc, Issued, Link, View};

use super::*;
use crate::auth::ClientIp;
use crate::view::{csrf, page, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(
            "/assessments/:id/questionnaires",
            get(list_page).post(open_post),
        )
        .route("/questionnaires/:id/links", post(links_post))
        .route("/questionnaires/:id/close", post(close_post))
        .route("/questionnaires/:id/apply", post(apply_post))
        .route("/q/:token", get(respond_page).post(respond_post))
}

/// The link on an on-site assessment's page to its questionnaires, for the body's admins
/// and auditors, when the assessment has questionnaire items.
pub(super) fn summary_link(st: &App, l: Lang, u: &User, a: &repo::Assessment) -> Markup {
    let mine = a.mode == Mode::Onsite && u.role.is_body_editor() && u.org_id == a.org_id;
    let n = if mine {
        uc::items_of(st, a).map(|i| i.len()).unwrap_or(0)
    } else {
        0
    };
    html! {
        @if n > 0 {
            p.inline.actions {
                a href={ "/assessments/" (a.id) "/questionnaires" } { (l.t("问卷调查", "Questionnaires")) }
                span.muted { (n) (l.t(" 项指标以问卷调查评价：发放匿名问卷链接与二维码，汇总后写入评价。",
                    " items are evaluated by questionnaire: hand out anonymous links and QR codes, then write the aggregate into the assessment.")) }
            }
        }
    }
}

fn title(l: Lang) -> &'static str {
    l.t("问卷调查", "Questionnaires")
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQ {
    closed: String,
    applied: String,
}

async fn list_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<ListQ>,
) -> Res {
    list_view(
        &st,
        &ctx,
        id,
        &q,
        &OpenInput::default(),
        &BTreeMap::new(),
        StatusCode::OK,
    )
    .await
}

async fn list_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    q: &ListQ,
    typed: &OpenInput,
    errs: &BTreeMap<String, String>,
    status: StatusCode,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, items, views) = uc::list(st, u, id).await?;
    let today = st.today();
    let default_on = (today + chrono::Days::new(14)).to_string();
    let closes_on = if typed.closes_on.is_empty() {
        default_on.as_str()
    } else {
        typed.closes_on.as_str()
    };
    let links = if typed.links.is_empty() {
        "20"
    } else {
        typed.links.as_str()
    };
    let first = (today + chrono::Days::new(1)).to_string();
    let last = (today + chrono::Days::new(MAX_DAYS_AHEAD)).to_string();
    let max_links = MAX_LINKS.to_string();
    let body = html! {
        p { a href={ "/assessments/" (a.id) } { "← " (a.title) } }
        @if q.closed == "1" {
            div.flash role="status" { (l.t("问卷已结束，不再接受回答。", "The questionnaire is closed and takes no more answers.")) }
        }
        @if let Ok(n) = q.applied.parse::<usize>() {
            div.flash role="status" { (l.t("已把问卷结果写入评价：", "The results were written into the assessment: ")) (n) (l.t(" 项指标。", " items.")) }
        }
        p.muted {
            (l.t("问卷匿名：回答只与问卷相连，不与链接、人员、时间或网络地址相连；每个链接只能提交一次。问卷结束且至少 ",
                "Questionnaires are anonymous: a response is tied to its questionnaire only — not to its link, a person, a time or an address — and each link takes one response. The aggregate is shown once the questionnaire is closed with at least "))
            (MIN_RESPONSES)
            (l.t(" 份回答后才显示汇总结果。", " responses."))
        }
        h2 { (l.t("问卷指标", "Questionnaire items")) }
        ol { @for i in &items { li { b { (i.id) } " " (i.text) } } }
        @if views.iter().all(|v| v.closed) && a.status == AssessmentStatus::Draft {
            h2 { (l.t("发放问卷", "Open a questionnaire")) }
            form.card method="post" action={ "/assessments/" (a.id) "/questionnaires" } {
                (csrf(&ctx.csrf))
                (form_errors(errs, &["closes_on", "links"]))
                (view::field(l.t("截止日期（含当天，北京时间）", "Closing date (inclusive, China time)"), "closes_on", "date", closes_on,
                    errs.get("closes_on").map(String::as_str),
                    &[("required", ""), ("min", &first), ("max", &last)]))
                p.muted { (l.t("最晚为今天起 ", "At most ")) (MAX_DAYS_AHEAD) (l.t(" 天。", " days ahead.")) }
                (view::field(l.t("链接数（每人一个，每个链接只能提交一次）", "Links (one per respondent; each takes one response)"), "links", "number", links,
                    errs.get("links").map(String::as_str),
                    &[("required", ""), ("min", "1"), ("max", &max_links)]))
                p { button { (l.t("生成问卷链接", "Create the links")) } }
            }
        }
        @for v in &views { (questionnaire_card(l, &ctx.csrf, &a, v)) }
    };
    Ok(page_with(status, &ctx.chrome(), title(l), body))
}

/// One questionnaire: status, links, responses, the aggregate or why it is withheld, and
/// its controls.
fn questionnaire_card(l: Lang, token: &str, a: &repo::Assessment, v: &View) -> Markup {
    let q = &v.questionnaire;
    let draft = a.status == AssessmentStatus::Draft;
    let may_apply = v.closed && v.results.count >= MIN_RESPONSES && draft;
    html! {
        section.card id={ "q" (q.id) } {
            h2 {
                (l.t("问卷 #", "Questionnaire #")) (q.id) " "
                @if v.closed { span.pill { (l.t("已结束", "Closed")) } }
                @else { span.pill.ok { (l.t("进行中", "Open")) } }
            }
            p {
                (l.t("截止：", "Closes: ")) (day_zh(q.closes_on)) " · "
                (l.t("链接已使用 ", "Links used ")) (v.links_used) " / " (v.links_issued) " · "
                b.count data-responses=(v.results.count) { (v.results.count) } (l.t(" 份回答", " responses"))
                @if q.applied_at.is_some() { " · " span.pill.ok { (l.t("已写入评价", "Written into the assessment")) } }
            }
            @match &v.results.aggregate {
                Ok(agg) => {
                    div.tablewrap {
                        table.aggregate {
                            thead { tr {
                                th { (l.t("指标", "Item")) }
                                th { (l.t("回答数", "Responses")) }
                                th { (l.t("平均分（1–5）", "Mean (1–5)")) }
                                th { (l.t("得分（I-13）", "Score (I-13)")) }
                            } }
                            tbody {
                                @for x in agg {
                                    tr {
                                        td { (x.id) " " (v.items.iter().find(|i| i.id == x.id).map_or("", |i| i.text.as_str())) }
                                        td { (x.count) }
                                        td.mean { (fig(x.mean)) }
                                        td.score { (fig(x.score)) " / " (fig(x.max)) }
                                    }
                                }
                            }
                        }
                    }
                    p.muted { (l.t("得分 = 满分 × (平均分 − 1) / 4（I-13）。", "Score = points × (mean − 1) / 4 (I-13).")) }
                }
                Err(w) => { p.notice.withheld { (withheld(l, w)) } }
            }
            div.inline.actions {
                @if !v.closed {
                    form.inline-form method="post" action={ "/questionnaires/" (q.id) "/close" } {
                        (csrf(token))
                        button.secondary { (l.t("结束问卷", "Close the questionnaire")) }
                    }
                    form.inline-form.inline method="post" action={ "/questionnaires/" (q.id) "/links" } {
                        (csrf(token))
                        label for={ "more-" (q.id) } { (l.t("增发链接", "More links")) }
                        input id={ "more-" (q.id) } type="number" name="links" value="10" min="1" max=(MAX_LINKS) required;
                        button.secondary { (l.t("生成", "Create")) }
                    }
                }
                @if may_apply {
                    form.inline-form method="post" action={ "/questionnaires/" (q.id) "/apply" } {
                        (csrf(token))
                        button { (l.t("写入评价", "Apply to the assessment")) }
                        span.muted { (l.t(" 每项写入 {\"likert\": [...]}（评分已排序），按 I-13 计分。",
                            " Each item gets {\"likert\": [...]} (ratings sorted), scored by I-13.")) }
                    }
                }
            }
        }
    }
}

fn withheld(l: Lang, w: &Withheld) -> String {
    w.message().text(l).to_string()
}

/// The QR code of a link as inline SVG (no image request: the code is drawn in the page).
pub(super) fn qr_svg(link: &str) -> Markup {
    let svg = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map(|c| {
            c.render::<svg::Color>()
                .min_dimensions(160, 160)
                .dark_color(svg::Color("#000"))
                .light_color(svg::Color("#fff"))
                .build()
        })
        .unwrap_or_default();
    // the renderer starts with an XML declaration, which has no place inside HTML
    let start = svg.find("<svg").unwrap_or(svg.len());
    maud::PreEscaped(svg[start..].to_string())
}

/// The links just issued, with their QR codes: shown this once.
fn links_page(st: &App, ctx: &Ctx, headers: &HeaderMap, a_id: i64, issued: &Issued) -> Response {
    let l = ctx.lang;
    let base = super::administration::base_url(st, headers);
    let q = &issued.questionnaire;
    let body = html! {
        p { a href={ "/assessments/" (a_id) "/questionnaires" } { "← " (l.t("返回问卷调查", "Back to the questionnaires")) } }
        div.flash.bad role="alert" {
            (l.t("请现在保存或打印这些链接：它们只显示这一次，系统只保存其摘要，无法再次显示。",
                "Save or print these links now: they are shown only this once; only their digests are kept and they cannot be shown again."))
        }
        p { (l.t("问卷 #", "Questionnaire #")) (q.id) " · " (l.t("截止：", "Closes: ")) (day_zh(q.closes_on)) " · "
            (issued.tokens.len()) (l.t(" 个链接，每个只能提交一次。", " links, each taking one response.")) }
        ol.qr-links {
            @for t in &issued.tokens {
                @let link = format!("{}/q/{}", base, t);
                li.qr-link {
                    (qr_svg(&link))
                    input type="text" readonly value=(link) aria-label=(l.t("问卷链接", "Questionnaire link"));
                }
            }
        }
    };
    page_with(
        StatusCode::CREATED,
        &ctx.chrome(),
        l.t("问卷链接", "Questionnaire links"),
        body,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OpenForm {
    csrf: String,
    closes_on: String,
    links: String,
}

async fn open_post(
    State(st): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Ids(id): Ids<i64>,
    Form(f): Form<OpenForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let input = OpenInput {
        closes_on: f.closes_on,
        links: f.links,
    };
    match uc::open(&st, u, id, &input).await {
        Ok(issued) => Ok(links_page(&st, &ctx, &headers, id, &issued)),
        Err(Error::Invalid(e)) => {
            let errs = errs_map(ctx.lang, &e);
            list_view(
                &st,
                &ctx,
                id,
                &ListQ::default(),
                &input,
                &errs,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinksForm {
    csrf: String,
    links: String,
}

async fn links_post(
    State(st): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Ids(id): Ids<i64>,
    Form(f): Form<LinksForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let issued = uc::add_links(&st, u, id, &f.links).await?;
    Ok(links_page(
        &st,
        &ctx,
        &headers,
        issued.questionnaire.assessment_id,
        &issued,
    ))
}

async fn close_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    uc::close(&st, u, id).await?;
    let (a, _) = uc::results(&st, u, id).await?;
    Ok(redirect(&format!(
        "/assessments/{}/questionnaires?closed=1#q{}",
        a.id, id
    )))
}

async fn apply_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let written = uc::apply(&st, u, id).await?;
    let (a, _) = uc::results(&st, u, id).await?;
    Ok(redirect(&format!(
        "/assessments/{}/questionnaires?applied={}#q{}",
        a.id,
        written.len(),
        id
    )))
}

// ------------------------------------------------------------------ respondents

/// The words of the five choices.
fn scale(l: Lang) -> [&'static str; 5] {
    [
        l.t("非常不同意", "Strongly disagree"),
        l.t("不同意", "Disagree"),
        l.t("一般", "Neutral"),
        l.t("同意", "Agree"),
        l.t("非常同意", "Strongly agree"),
    ]
}

fn respond_title(l: Lang) -> &'static str {
    l.t("问卷调查", "Questionnaire")
}

/// The form: one item per row, five large choices, the item's text; what was chosen kept and
/// each error beside its item.
/// What a respondent's form asks: the enterprise, the items and the closing day.
struct Asked<'a> {
    enterprise: &'a str,
    items: &'a [Item],
    closes_on: chrono::NaiveDate,
}

fn respond_form(
    ctx: &Ctx,
    token: &str,
    asked: &Asked,
    chosen: &BTreeMap<String, String>,
    errs: &BTreeMap<String, String>,
    status: StatusCode,
) -> Response {
    let l = ctx.lang;
    let Asked {
        enterprise,
        items,
        closes_on,
    } = *asked;
    let words = scale(l);
    let body = html! {
        @if !enterprise.is_empty() {
            p { (l.t("评价对象：", "About: ")) b { (enterprise) } }
        }
        p.muted {
            (l.t("本问卷匿名：回答不与您的身份、链接或网络地址相连。请按您的实际感受为每一项选择 1（非常不同意）至 5（非常同意）。每个链接只能提交一次，截止 ",
                "This questionnaire is anonymous: your answers are not tied to who you are, to this link or to your network address. Rate each statement from 1 (strongly disagree) to 5 (strongly agree). Each link takes one response; it closes on "))
            (day_zh(closes_on)) (l.t("。", "."))
        }
        (form_errors(errs, &items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>()))
        form.likert-form method="post" action={ "/q/" (token) } {
            (csrf(&ctx.csrf))
            @for (k, it) in items.iter().enumerate() {
                @let err = errs.get(&it.id);
                fieldset.likert.invalid[err.is_some()] {
                    legend { b { (k + 1) ". " } (it.text) }
                    div.choices {
                        @for x in 1..=5u8 {
                            @let id = format!("r-{}-{}", k, x);
                            @let checked = chosen.get(&it.id).map(|s| s.trim()) == Some(x.to_string().as_str());
                            input id=(id) type="radio" name=(it.id) value=(x) required checked[checked];
                            label for=(id) title=(words[usize::from(x) - 1]) {
                                b { (x) } span.word { (words[usize::from(x) - 1]) }
                            }
                        }
                    }
                    (view::err(err.map(String::as_str)))
                }
            }
            p { button.submit { (l.t("提交问卷", "Submit")) } }
        }
    };
    page_with(status, &ctx.chrome(), respond_title(l), body)
}

/// A link that takes no answer: why, with its status (unknown 404, used or closed 410).
fn refused_page(ctx: &Ctx, why: LinkRefused) -> Response {
    let l = ctx.lang;
    let status = match why {
        LinkRefused::Unknown => StatusCode::NOT_FOUND,
        _ => StatusCode::GONE,
    };
    let body = html! {
        div.card.refused role="alert" { p.big-text { (why.message().text(l)) } }
    };
    page_with(status, &ctx.chrome(), respond_title(l), body)
}

async fn respond_page(
    State(st): State<App>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Res {
    Ok(match uc::link(&st, &token, ip).await? {
        Link::Open {
            enterprise,
            items,
            closes_on,
        } => respond_form(
            &ctx,
            &token,
            &Asked {
                enterprise: &enterprise,
                items: &items,
                closes_on,
            },
            &BTreeMap::new(),
            &BTreeMap::new(),
            StatusCode::OK,
        ),
        Link::Refused(why) => refused_page(&ctx, why),
    })
}

async fn respond_post(
    State(st): State<App>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Res {
    ctx.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let l = ctx.lang;
    match uc::answer(&st, &token, &f, ip).await {
        Ok(Ok(())) => {
            let body = html! {
                div.card.thanks role="status" {
                    p.big-text { (l.t("感谢您的参与！", "Thank you for taking part!")) }
                    p { (l.t("您的回答已匿名提交。此链接现已使用，不能再次提交。",
                        "Your answers were submitted anonymously. This link is now used and cannot answer again.")) }
                }
            };
            Ok(page(&ctx.chrome(), respond_title(l), body))
        }
        Ok(Err(why)) => Ok(refused_page(&ctx, why)),
        Err(Error::Invalid(e)) => {
            let errs = errs_map(l, &e);
            match uc::link(&st, &token, ip).await? {
                Link::Open {
                    enterprise,
                    items,
                    closes_on,
                } => Ok(respond_form(
                    &ctx,
                    &token,
                    &Asked {
                        enterprise: &enterprise,
                        items: &items,
                        closes_on,
                    },
                    &f,
                    &errs,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )),
                Link::Refused(why) => Ok(refused_page(&ctx, why)),
            }
        }
        Err(e) => Err(e.into()),
    }
}
