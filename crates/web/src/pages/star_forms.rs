//! The forms of a star-rating case (000 §6, §8, I-19): on the case page each person gets the forms of the events they may enter, posted to `/cases/{id}/stars/events`;
//! the body's admin links an assessment as a result (`/cases/{id}/stars/results`). A form that
//! fails shows the case page again (422) with the errors next to the fields and the rules'
//! refusals with their clause above the form. The award form proposes the most stars the
//! rules allow and says why more are not allowed. Blacklisting, lowering and lifting need a
//! reason.

use tianping_app::star_cases::{self, StarView};
use tianping_app::Refusal;
use tianping_case::stars::events::{star_word, DimensionStars};
use tianping_case::stars::{Event, EventKind, Mode as StarMode, StarCount};
use tianping_domain::star_case::NEEDS_REASON;

use super::cases::{parse_date, refusals_under};
use super::star_page::{render, stars_words, Shown};
use super::*;
use crate::view::{csrf, field, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cases/:id/stars/events", post(event_post))
        .route("/cases/:id/stars/results", post(link_post))
}

/// What was typed in a form, by field name.
pub(super) type Fields = BTreeMap<String, String>;

/// A form shown again: its type (`link` for the link form), what was typed, the errors by
/// field and the rules' refusals.
pub(super) struct FormShown {
    pub kind: String,
    pub fields: Fields,
    pub errors: Vec<FieldError>,
    pub refusals: Vec<Refusal>,
}

pub(super) fn modes(l: Lang) -> Vec<(String, String)> {
    vec![
        (
            "online".into(),
            l.t("线上自评", "Online self-evaluation").into(),
        ),
        (
            "onsite".into(),
            l.t("线上自评并现场实地审查", "With on-site audit").into(),
        ),
    ]
}

fn star_options(l: Lang, from: u8) -> Vec<(String, String)> {
    (from..=5)
        .map(|n| (n.to_string(), tianping_app::domain::words::stars(l, n)))
        .collect()
}

/// The forms of the events this person may enter, and the link form for the body's admin.
pub(super) async fn forms(
    _st: &App,
    ctx: &Ctx,
    v: &StarView,
    shown: Option<&FormShown>,
) -> Result<Markup, PageError> {
    let l = ctx.lang;
    let today = _st.today().to_string();
    let empty = Fields::new();
    let id = v.case.id;
    let one = |t: &str| -> Markup {
        let mine = shown.filter(|s| s.kind == t);
        let f = mine.map_or(&empty, |s| &s.fields);
        let e = mine.map(|s| errs_map(l, &s.errors)).unwrap_or_default();
        let g = |k: &str| e.get(k).map(String::as_str);
        let val = |k: &str, d: &str| f.get(k).cloned().unwrap_or_else(|| d.to_string());
        let proposal = v.proposal.as_ref();
        html! {
            div.card id={ "form-" (t) } {
                h3 { (type_name(l, t)) }
                @if let Some(s) = mine {
                    (refusals_under(l, l.t("不符合星级评价规则，未作记录：", "Refused by the star rating rules; nothing was recorded:"), &s.refusals))
                }
                @if t == "star_awarded" {
                    @if let Some(p) = proposal {
                        @if p.stars > 0 {
                            p { (l.t("按规则今天最高可授予：", "The most the rules allow today: ")) b { (stars_words(l, p.stars)) } }
                        } @else {
                            p.notice { (l.t("目前不能授予星级。", "No award is allowed now.")) }
                        }
                        @if !p.higher.is_empty() {
                            details {
                                summary { (l.t("为什么不能更高", "Why not more")) }
                                ul {
                                    @for (n, why) in &p.higher {
                                        li { (star_word(*n)) "：" (why.join("；")) }
                                    }
                                }
                            }
                        }
                    }
                }
                form method="post" action={ "/cases/" (id) "/stars/events" } {
                    (csrf(&ctx.csrf))
                    input type="hidden" name="type" value=(t);
                    (form_errors(&e, &["date", "mode", "stars", "reason", "dims", "spot_check"]))
                    (field(l.t("日期（不得晚于今天）", "Date (not after today)"), "date", "date", &val("date", &today), g("date"), &[("required", "")]))
                    @match t {
                        "star_applied" => {
                            (select(l.t("评价方式", "Mode"), "mode", &modes(l), &val("mode", "online"), g("mode")))
                        }
                        "star_result" => {
                            (select(l.t("评价方式", "Mode"), "mode", &modes(l), &val("mode", "online"), g("mode")))
                            (select(l.t("结果支持的综合星级", "Stars the result supports"), "stars", &star_options(l, 0), &val("stars", "1"), g("stars")))
                            (field(l.t("单项星级（仅现场审查；如 企业信用=3, 云能力=2）", "Single-dimension stars (on site only; e.g. 企业信用=3)"), "dims", "text", &val("dims", ""), g("dims"), &[]))
                        }
                        "star_awarded" => {
                            @let d = proposal.map_or(1, |p| p.stars.max(1)).to_string();
                            (select(l.t("授予的综合星级", "Stars awarded"), "stars", &star_options(l, 1), &val("stars", &d), g("stars")))
                            @if let Some(dims) = proposal.and_then(|p| p.dimension_stars.as_ref()) {
                                label {
                                    input type="checkbox" name="dims_from_result" value="1" checked[f.is_empty() || f.contains_key("dims_from_result")];
                                    (l.t(" 同时颁发现场审查结果的单项星级：", " Issue the on-site result's single-dimension stars: "))
                                    @for (name, n) in dims { (name) " " (star_word(*n)) "　" }
                                }
                            }
                        }
                        "supervision_completed" => {
                            (select(l.t("监督结果支持的综合星级", "Stars the supervision supports"), "stars", &star_options(l, 0), &val("stars", &v.outcome.stars.current.to_string()), g("stars")))
                            label { input type="checkbox" name="spot_check" value="1" checked[f.contains_key("spot_check")]; (l.t(" 不定期抽查验证（不计为年度监督审查）", " Unscheduled spot check (not the yearly supervision)")) }
                        }
                        "star_lowered" => {
                            @let to = v.outcome.case.basis.as_ref().map_or(0, |b| b.stars).to_string();
                            (select(l.t("降至", "Lower to"), "stars", &star_options(l, 0), &val("stars", &to), g("stars")))
                        }
                        _ => {}
                    }
                    @if NEEDS_REASON.contains(&t) {
                        (field(l.t("原因（必填）", "Reason (required)"), "reason", "text", &val("reason", ""), g("reason"), &[("required", ""), ("maxlength", "500")]))
                    }
                    p { button { (l.t("记录", "Record")) } }
                }
            }
        }
    };
    let admin = v.enterable.contains(&"star_result");
    // the assessments this admin sees that may be linked: submitted, of the star scheme
    let candidates: Vec<(i64, String, &'static str)> = if admin {
        tianping_app::assessments::list(_st, ctx.user()?, Some(v.case.enterprise_id), 100, 0)
            .await?
            .0
            .into_iter()
            .filter(|a| {
                a.scheme == star_cases::STAR_SCHEME && a.status == AssessmentStatus::Submitted
            })
            .map(|a| {
                let mode = match a.mode {
                    Mode::Onsite => l.t("现场审查", "on site"),
                    Mode::SelfEvaluation => l.t("线上自评", "online"),
                };
                (a.id, a.title, mode)
            })
            .collect()
    } else {
        Vec::new()
    };
    let link = shown.filter(|s| s.kind == "link");
    let le = link.map(|s| errs_map(l, &s.errors)).unwrap_or_default();
    let lf = link.map_or(&empty, |s| &s.fields);
    Ok(html! {
        @if !v.enterable.is_empty() {
            h2 { (l.t("记录事件", "Record an event")) }
        }
        @if admin {
            div.card id="form-link" {
                h3 { (l.t("关联评价结果", "Link an evaluation's result")) }
                p.muted { (l.t("选择本企业已提交的 T11/AII 001-2020 评价：线上自评或本机构的现场审查。评价方式决定结果类型，结果支持的综合星级和（现场审查时）单项星级由评价计算得出。", "A submitted T11/AII 001-2020 assessment of this enterprise: its online self-evaluation or this body's on-site assessment. Its mode and stars come from the assessment.")) }
                @if let Some(s) = link {
                    (refusals_under(l, l.t("不符合星级评价规则，未作记录：", "Refused by the star rating rules; nothing was recorded:"), &s.refusals))
                }
                form method="post" action={ "/cases/" (id) "/stars/results" } {
                    (csrf(&ctx.csrf))
                    (form_errors(&le, &["date", "assessment"]))
                    @if !candidates.is_empty() {
                        p.muted {
                            (l.t("可关联的评价：", "Assessments that may be linked: "))
                            @for (aid, title, mode) in &candidates {
                                b { (aid) } " " (title) "（" (mode) "） "
                            }
                        }
                    }
                    (field(l.t("评价编号", "Assessment number"), "assessment", "number", lf.get("assessment").map_or("", String::as_str), le.get("assessment").map(String::as_str), &[("required", ""), ("min", "1")]))
                    (field(l.t("结果日期（不得晚于今天）", "Date of the result (not after today)"), "date", "date", lf.get("date").map_or(today.as_str(), String::as_str), le.get("date").map(String::as_str), &[("required", "")]))
                    p { button { (l.t("关联并记录结果", "Link and record")) } }
                }
            }
        }
        @for t in &v.enterable {
            // a result is typed by hand only when the case has no linked assessment
            @if *t != "star_result" || v.results.is_empty() { (one(t)) }
        }
    })
}

fn type_name(l: Lang, t: &str) -> String {
    match l {
        Lang::Zh => tianping_case::stars::events::type_name_zh(t).to_string(),
        Lang::En => t.replace('_', " "),
    }
}

pub(super) fn bad(errs: &mut Vec<FieldError>, k: &str, zh: &str, en: &str) {
    errs.push(FieldError::new(k, zh, en));
}

/// “企业信用=3, 云能力=2” into dimension stars.
fn parse_dims(s: &str, errs: &mut Vec<FieldError>) -> Option<DimensionStars> {
    let mut out = DimensionStars::new();
    for part in s
        .split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let parsed = part.split_once(['=', '：', ':']).and_then(|(k, n)| {
            Some((
                k.trim(),
                n.trim().parse::<u8>().ok().and_then(StarCount::new)?,
            ))
        });
        match parsed {
            Some((k, n)) if !k.is_empty() => {
                out.insert(k.to_string(), n);
            }
            _ => {
                errs.push(FieldError::new(
                    "dims",
                    format!("“{part}”无法识别：请按 维度=星级 填写，星级为 0 到 5，如 企业信用=3"),
                    format!("“{part}” is not dimension=stars (0 to 5), e.g. 企业信用=3"),
                ));
                return None;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A form's fields into an event; each field's error names it and says what is accepted.
fn parse_event(f: &Fields, v: &StarView) -> Result<Event, Vec<FieldError>> {
    let mut errs = Vec::new();
    let text = |k: &str| f.get(k).map_or(String::new(), |s| s.trim().to_string());
    let t = text("type");
    let date = parse_date(&text("date"));
    if date.is_none() {
        bad(
            &mut errs,
            "date",
            "请按 YYYY-MM-DD 填写日期，如 2026-03-02",
            "Enter the date as YYYY-MM-DD",
        );
    }
    let mode = match text("mode").as_str() {
        "online" => Some(StarMode::Online),
        "onsite" => Some(StarMode::Onsite),
        _ => None,
    };
    let stars = text("stars").parse::<u8>().ok().and_then(StarCount::new);
    let reason = Some(text("reason")).filter(|r| !r.is_empty());
    if NEEDS_REASON.contains(&t.as_str()) && reason.is_none() {
        bad(
            &mut errs,
            "reason",
            "请填写原因：列入黑名单、降低星级和移出黑名单须说明原因",
            "Enter the reason",
        );
    }
    let needs = |errs: &mut Vec<FieldError>, ok: bool, k: &str, zh: &str| {
        if !ok {
            bad(errs, k, zh, "Choose a value from the list");
        }
    };
    let kind = match t.as_str() {
        "star_applied" => {
            needs(
                &mut errs,
                mode.is_some(),
                "mode",
                "请选择评价方式：线上自评或线上自评并现场实地审查",
            );
            mode.map(|mode| EventKind::StarApplied { mode })
        }
        "star_result" => {
            needs(
                &mut errs,
                mode.is_some(),
                "mode",
                "请选择评价方式：线上自评或线上自评并现场实地审查",
            );
            needs(
                &mut errs,
                stars.is_some(),
                "stars",
                "请选择结果支持的综合星级（0 到 5）",
            );
            let dims = parse_dims(&text("dims"), &mut errs);
            match (mode, stars) {
                (Some(mode), Some(stars)) => Some(EventKind::StarResult {
                    mode,
                    stars,
                    dimension_stars: dims,
                }),
                _ => None,
            }
        }
        "star_awarded" => {
            needs(
                &mut errs,
                stars.is_some_and(|s| s.get() >= 1),
                "stars",
                "请选择授予的综合星级（一星级到五星级）",
            );
            let dims = f.contains_key("dims_from_result").then(|| {
                v.proposal
                    .as_ref()
                    .and_then(|p| p.dimension_stars.clone())
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|(k, n)| StarCount::new(n).map(|s| (k, s)))
                    .collect::<DimensionStars>()
            });
            stars.map(|stars| EventKind::StarAwarded {
                stars,
                by: String::new(),
                dimension_stars: dims.filter(|d| !d.is_empty()),
            })
        }
        "supervision_completed" => {
            needs(
                &mut errs,
                stars.is_some(),
                "stars",
                "请选择监督结果支持的综合星级（0 到 5）",
            );
            stars.map(|stars| EventKind::SupervisionCompleted {
                stars,
                spot_check: f.contains_key("spot_check"),
                by: None,
            })
        }
        "star_lowered" => {
            needs(
                &mut errs,
                stars.is_some(),
                "stars",
                "请选择降至的综合星级（0 到 5）",
            );
            stars.map(|stars| EventKind::StarLowered {
                stars,
                by: String::new(),
                reason: reason.clone(),
            })
        }
        "blacklisted" => reason.clone().map(|reason| EventKind::Blacklisted {
            reason,
            by: String::new(),
        }),
        "blacklist_lifted" => Some(EventKind::BlacklistLifted {
            by: String::new(),
            reason: reason.clone(),
        }),
        _ => {
            bad(
                &mut errs,
                "type",
                "未知的星级评价事件类型",
                "Unknown event type",
            );
            None
        }
    };
    match (kind, date) {
        (Some(kind), Some(date)) if errs.is_empty() => Ok(Event { date, kind }),
        _ => Err(errs),
    }
}

async fn event_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Res {
    let u = ctx.user()?;
    let fields: Fields = f.into_iter().collect();
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let v = star_cases::view(&st, u, id, None).await?;
    let result = match parse_event(&fields, &v) {
        Ok(event) => star_cases::append(&st, u, id, event).await,
        Err(e) => Err(tianping_app::Error::Invalid(e)),
    };
    let kind = fields.get("type").cloned().unwrap_or_default();
    shown_again(&st, &ctx, id, kind, fields, result.map(|a| a.seq)).await
}

/// After a post: the page with the recorded event, or the form again with its errors.
async fn shown_again(
    st: &App,
    ctx: &Ctx,
    id: i64,
    kind: String,
    fields: Fields,
    result: Result<i64, tianping_app::Error>,
) -> Res {
    let (errors, refusals) = match result {
        Ok(seq) => return Ok(redirect(&format!("/cases/{id}?done={seq}"))),
        Err(tianping_app::Error::Invalid(e)) => (e, Vec::new()),
        Err(tianping_app::Error::Refused(r)) => (Vec::new(), r),
        Err(e) => return Err(e.into()),
    };
    let form = FormShown {
        kind,
        fields,
        errors,
        refusals,
    };
    render(
        st,
        ctx,
        id,
        None,
        Shown {
            form: Some(form),
            ..Default::default()
        },
    )
    .await
}

async fn link_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Res {
    let u = ctx.user()?;
    let fields: Fields = f.into_iter().collect();
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let mut errs = Vec::new();
    let assessment = fields
        .get("assessment")
        .and_then(|s| s.trim().parse::<i64>().ok());
    if assessment.is_none() {
        bad(
            &mut errs,
            "assessment",
            "请填写评价编号（数字）",
            "Enter the assessment's number",
        );
    }
    let date = fields.get("date").and_then(|s| parse_date(s));
    if date.is_none() {
        bad(
            &mut errs,
            "date",
            "请按 YYYY-MM-DD 填写日期，如 2026-03-02",
            "Enter the date as YYYY-MM-DD",
        );
    }
    let result = match (assessment, date) {
        (Some(a), Some(d)) => star_cases::link_result(&st, u, id, a, d)
            .await
            .map(|x| x.seq),
        _ => Err(tianping_app::Error::Invalid(errs)),
    };
    shown_again(&st, &ctx, id, "link".into(), fields, result).await
}
