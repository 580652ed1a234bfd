//! One item of an assessment: guidance, the answer form, experts, evidence, versions.
//!
//! The page is loaded once ([`item_view`]) and drawn by one function per section, each
//! returning [`Markup`]: [`heading`], [`guidance`], [`answer_card`], [`experts_card`],
//! [`evidence_card`], [`versions_card`].

use maud::{html, Markup};
use tianping_app::domain::words;
use tianping_core::engine::Leaf;
use tianping_core::{Indicator, Plan, Scheme};

use super::*;
use crate::view::{csrf, err, page_with, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments/:id/items/:ind", get(item_page))
        .route("/assessments/:id/items/:ind/evidence", post(evidence_post))
        .route("/assessments/:id/items/:ind/experts", post(experts_post))
}

pub(super) fn kind_hint(l: Lang, kind: AnswerKind, max: f64) -> String {
    match kind {
        AnswerKind::Points => format!("{} 0–{}", l.t("分值", "points"), fmt_num(max)),
        AnswerKind::Level => l.t("等级 0–5", "level 0–5").to_string(),
        AnswerKind::Coefficient => l.t("评分系数 0–100 %", "coefficient 0–100 %").to_string(),
    }
}

/// The shown value of a stored answer.
pub(super) fn shown_value(v: &Value) -> String {
    match v {
        Value::Number(n) => n.as_f64().map(fmt_num).unwrap_or_default(),
        Value::Object(m) => {
            if let Some(x) = m.get("value") {
                return shown_value(x);
            }
            if let Some(x) = m.get("experts").or_else(|| m.get("likert")) {
                return x
                    .as_array()
                    .map(|a| a.iter().map(shown_value).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
            }
            v.to_string()
        }
        _ => String::new(),
    }
}

/// An answer as a person reads it: a T/SDDITAI 5121 level in words with its descriptor
/// (第四级：覆盖绝大部分业务环节), any other answer as [`shown_value`].
pub(super) fn shown_answer(l: Lang, kind: AnswerKind, i: &Indicator, v: &Value) -> String {
    match (kind, v.as_f64()) {
        (AnswerKind::Level, Some(n)) if n.fract() == 0.0 && (0.0..=5.0).contains(&n) => {
            let n = n as u32;
            match i.levels.get((n as usize).wrapping_sub(1)) {
                Some(d) if n > 0 => format!("{}{}{}", words::level(l, n), l.t("：", ": "), d),
                _ => words::level(l, n),
            }
        }
        _ => shown_value(v),
    }
}

/// The shown value of a stored answer's JSON text, "—" when there is none.
pub(super) fn shown_stored(json: Option<&str>) -> String {
    json.and_then(|s| serde_json::from_str::<Value>(s).ok())
        .map(|v| shown_value(&v))
        .unwrap_or_else(|| "—".into())
}

pub(super) async fn item_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Query(q): Query<PageQ>,
) -> Res {
    item_view(&st, &ctx, id, &ind, Again::default(), q.saved.as_deref()).await
}

/// The path of an item's page; its forms post to sub-paths.
pub(super) fn item_url(id: i64, ind: &str) -> String {
    format!("/assessments/{}/items/{}", id, url_enc(ind))
}

/// What the sections of an item page share.
pub(super) struct Item<'a> {
    pub(super) l: Lang,
    pub(super) csrf: &'a str,
    pub(super) u: &'a User,
    pub(super) a: &'a repo::Assessment,
    pub(super) access: &'a Access,
    pub(super) scheme: &'a Scheme,
    pub(super) plan: &'a Plan<'a>,
    pub(super) leaf: &'a Leaf<'a>,
    /// The item's page, the base of its forms' actions.
    pub(super) url: String,
    /// Answers can still change.
    pub(super) draft: bool,
    /// An expert scoring a points item: the answer form is their own score.
    pub(super) expert_points: bool,
}

impl Item<'_> {
    pub(super) fn ind(&self) -> &Indicator {
        self.leaf.ind
    }
}

/// The assigned experts of an item, with their scores, and the body's experts that can
/// still be assigned.
pub(super) struct Experts {
    /// (expert id, name, score)
    pub(super) assigned: Vec<(i64, String, Option<f64>)>,
    /// (expert id, name) for the select.
    pub(super) offer: Vec<(String, String)>,
}

pub(super) async fn item_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    ind: &str,
    again: Again<'_>,
    saved: Option<&str>,
) -> Res {
    let u = ctx.user()?;
    let (a, access, kept) = assessments::get_kept(st, u, id).await?;
    if !access.sees_item(ind) {
        return Err(Error::NotFound.into());
    }
    let plan = assessments::plan(st, &a)?;
    let leaf = plan
        .leaves
        .iter()
        .find(|x| x.ind.id == ind)
        .ok_or(Error::NotFound)?;
    let result = if access.sees_result() {
        kept.as_deref()
            .map(tianping_app::kept::Kept::view)
            .transpose()?
    } else {
        None
    };
    let expert = matches!(access, Access::Expert(_));
    let it = Item {
        l: ctx.lang,
        csrf: &ctx.csrf,
        u,
        a: &a,
        access: &access,
        scheme: plan.scheme,
        plan: &plan,
        leaf,
        url: item_url(a.id, ind),
        draft: a.status == AssessmentStatus::Draft,
        expert_points: expert && plan.scheme.method == Method::Points,
    };
    let rows = assessments::answers(st, u, &a, &access).await?;
    let answer = rows.iter().find(|r| r.indicator_id == ind);
    let mine = if it.expert_points {
        answers::expert_scores(st, u, &a, &access)
            .await?
            .into_iter()
            .find(|x| x.indicator_id == ind && x.expert_id == u.id)
    } else {
        None
    };
    // an expert sees the other experts' scores once they have saved their own (I-13)
    let experts = if expert && mine.is_none() {
        None
    } else {
        experts_of(st, &it).await?
    };
    let review = review::of_item(st, &it, answer).await?;
    let files: Vec<repo::Evidence> = evidence::of(st, &a, &access)
        .await?
        .into_iter()
        .filter(|x| x.indicator_id == ind)
        .collect();
    let versions = if expert {
        Vec::new()
    } else {
        answers::versions(st, &a, &access, Some(ind)).await?
    };
    let body = html! {
        (heading(&it, saved))
        (nav::item_nav(it.l, a.id, &plan, &access, &rows, it.ind(), &ctx.path))
        @if let Some(r) = &result {
            (result_card(it.l, r, it.scheme, false))
        }
        (guidance(it.l, it.scheme, it.ind()))
        (answer_card(&it, answer, mine.as_ref(), &again))
        @if let Some(r) = &review {
            (review::review_card(&it, answer, r, &again))
        }
        @if let Some(x) = &experts {
            (experts_card(&it, x, &again))
        }
        (evidence_card(&it, &files, st.config.max_upload_bytes, &again))
        (versions_card(it.l, &versions))
    };
    let i = it.ind();
    let title = format!(
        "{}{}",
        i.serial
            .as_deref()
            .map(|s| format!("{}. ", s))
            .unwrap_or_default(),
        i.path.last().cloned().unwrap_or_default()
    );
    Ok(page_with(again.status, &ctx.chrome(), &title, body))
}

/// The experts section's data: on an assessment of a body or with experts assigned (to an
/// expert once they have scored the item).
pub(super) async fn experts_of(st: &App, it: &Item<'_>) -> Result<Option<Experts>, Error> {
    let ind = it.ind().id.as_str();
    let assigned: Vec<repo::Assignment> = answers::assignments(st, it.a)
        .await?
        .into_iter()
        .filter(|x| x.indicator_id == ind)
        .collect();
    if it.a.org_id.is_none() && assigned.is_empty() {
        return Ok(None);
    }
    let scores: Vec<repo::ExpertScore> = answers::expert_scores(st, it.u, it.a, it.access)
        .await?
        .into_iter()
        .filter(|x| x.indicator_id == ind)
        .collect();
    let ids: Vec<i64> = assigned.iter().map(|x| x.expert_id).collect();
    let names = admin::user_names(st, &ids).await?;
    let mut rows = Vec::with_capacity(assigned.len());
    for asg in &assigned {
        let name = names
            .get(&asg.expert_id)
            .cloned()
            .unwrap_or_else(|| "?".into());
        let score = scores
            .iter()
            .find(|s| s.expert_id == asg.expert_id)
            .map(|s| s.value);
        rows.push((asg.expert_id, name, score));
    }
    let offer = match it.a.org_id {
        Some(org) if *it.access == Access::Edit && it.draft => admin::staff(st, it.u, org)
            .await?
            .into_iter()
            .filter(|x| {
                x.role == Role::Expert
                    && x.disabled == 0
                    && !assigned.iter().any(|a| a.expert_id == x.id)
            })
            .map(|x| (x.id.to_string(), x.name))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Some(Experts {
        assigned: rows,
        offer,
    }))
}

/// The saved message, the way back to the item in the list, where the item is printed.
pub(super) fn heading(it: &Item, saved: Option<&str>) -> Markup {
    let (l, i) = (it.l, it.ind());
    html! {
        @if let Some(s) = saved {
            div.flash { (l.t("已保存：", "Saved:")) " " (s) }
        }
        p {
            a href={ "/assessments/" (it.a.id) "?table=" (url_enc(&i.table)) "#ind-" (i.id) } {
                "← " (it.a.title)
            }
        }
        p.path { (i.source()) " · " (i.path.join(" › ")) }
    }
}

/// What the standard says about the item: content, requirement, method, levels, the 表4
/// bands of the star scheme, and the interpretations that apply.
pub(super) fn guidance(l: Lang, scheme: &Scheme, i: &Indicator) -> Markup {
    let texts = [
        (l.t("评价内容", "Content"), &i.content),
        (l.t("评价要求", "Requirement"), &i.requirement),
        (l.t("评价方法", "Method"), &i.method),
        (l.t("评审依据及来源", "Evidence basis"), &i.evidence),
        (l.t("说明", "Note"), &i.note),
    ];
    html! {
        div.card {
            @for (label, text) in texts {
                @if let Some(t) = text {
                    p { b { (label) } "：" (t) }
                }
            }
            @if let Some(c) = i.category {
                p { b { (l.t("指标类别", "Category")) } "：" (c.as_str()) }
            }
            @if let Some(points) = i.points {
                p {
                    b { (l.t("分值", "Points")) } "：" (fmt_num(points))
                    @if i.half_points {
                        (l.t("（可给 0.5 分）", " (half points allowed)"))
                    }
                }
            }
            @if !i.levels.is_empty() {
                p { b { (l.t("等级描述", "Level descriptors")) } }
                ul.levels {
                    @for (n, level) in i.levels.iter().enumerate() {
                        li { b { (words::level(l, n as u32 + 1)) } (l.t("：", ": ")) (level) }
                    }
                }
            }
            @if scheme.method == Method::Dimensions && !scheme.guidance.is_empty() {
                details {
                    summary { (l.t("表4 评分系数参考", "表4 coefficient bands")) }
                    table {
                        tr {
                            th { (l.t("系数", "Coefficient")) }
                            th { (l.t("参考要点", "Guidance")) }
                        }
                        @for band in &scheme.guidance {
                            tr {
                                td { (band.label) }
                                td {
                                    @for (n, point) in band.points.iter().enumerate() {
                                        @if n > 0 { br; }
                                        (point)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @for x in i.interpretations.iter().filter_map(|id| scheme.interpretation(id)) {
                div.interpretation { (super::explain::interpretation(l, x)) }
            }
        }
    }
}

/// The experts assigned to the item with their scores; the responsible party assigns and
/// removes them while the assessment is a draft.
pub(super) fn experts_card(it: &Item, x: &Experts, again: &Again) -> Markup {
    let l = it.l;
    let edit = *it.access == Access::Edit && it.draft;
    html! {
        div.card {
            h2 { (l.t("指派的专家", "Assigned experts")) }
            ul {
                @for (expert_id, name, score) in &x.assigned {
                    li {
                        (name) " · " (l.t("评分", "score")) " "
                        (score.map(fmt_num).unwrap_or_else(|| "—".into()))
                        @if edit {
                            " "
                            form.inline-form method="post" action={ (it.url) "/experts" } {
                                (csrf(it.csrf))
                                input type="hidden" name="expert_id" value=(expert_id);
                                input type="hidden" name="remove" value="1";
                                button.danger { (l.t("移除", "Remove")) }
                            }
                        }
                    }
                }
            }
            @if edit && !x.offer.is_empty() {
                form.inline method="post" action={ (it.url) "/experts" } {
                    (csrf(it.csrf))
                    (select(l.t("指派专家", "Assign expert"), "expert_id", &x.offer, "", again.get("expert_id")))
                    button { (l.t("指派", "Assign")) }
                }
            }
        }
    }
}

/// The item's evidence files and, where the rules allow, the upload form.
pub(super) fn evidence_card(
    it: &Item,
    files: &[repo::Evidence],
    max_bytes: usize,
    again: &Again,
) -> Markup {
    let l = it.l;
    let can_upload = it.draft && it.access.upload_evidence(it.ind().category).is_ok();
    let types = evidence_rules::TYPES
        .iter()
        .map(|(e, _)| *e)
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        div.card {
            h2 { (l.t("证据文件", "Evidence")) }
            ul {
                @for v in files {
                    li {
                        a href={ "/evidence/" (v.id) } { (v.file_name) }
                        " "
                        span.muted { ((v.size + 1023) / 1024) " KB · " (when(&v.uploaded_at)) }
                    }
                }
            }
            @if can_upload {
                form method="post" action={ (it.url) "/evidence" } enctype="multipart/form-data" {
                    (csrf(it.csrf))
                    input type="file" name="file";
                    (err(again.get("file")))
                    p.muted { (l.t("上限", "Limit")) " " (max_bytes / 1024 / 1024) " MB · " (types) }
                    button { (l.t("上传", "Upload")) }
                }
            }
        }
    }
}

/// The item's last 50 answer versions (nothing when it was never answered); stacked as cards
/// on a phone.
pub(super) fn versions_card(l: Lang, versions: &[repo::AnswerVersion]) -> Markup {
    let h = [
        l.t("版本", "Revision"),
        l.t("答案", "Answer"),
        l.t("时间", "When"),
        l.t("备注", "Note"),
    ];
    html! {
        @if !versions.is_empty() {
            div.card {
                h2 { (l.t("修改记录", "Versions")) }
                table.cards {
                    thead { tr { @for x in h { th { (x) } } } }
                    tbody {
                        @for v in versions.iter().take(50) {
                            tr {
                                td data-label=(h[0]) { (v.revision) }
                                td data-label=(h[1]) { (shown_stored(v.value_json.as_deref())) }
                                td data-label=(h[2]) { (when(&v.changed_at)) }
                                td data-label=(h[3]) { (v.note) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) async fn evidence_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    mut mp: Multipart,
) -> Res {
    let u = ctx.user()?;
    let (csrf, name, data) = uploaded_file(&st, &mut mp).await?;
    ctx.check_csrf(&csrf)?;
    match evidence::add(&st, u, id, &ind, &name, &data).await {
        Ok(ev) => Ok(redirect(&format!(
            "{}?saved={}",
            item_url(id, &ind),
            url_enc(&ev.file_name)
        ))),
        Err(Error::Invalid(e)) => {
            let again = Again::invalid(ctx.lang, &e, None);
            item_view(&st, &ctx, id, &ind, again, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ExpertForm {
    pub(super) csrf: String,
    pub(super) expert_id: String,
    pub(super) remove: String,
}

pub(super) async fn experts_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Form(f): Form<ExpertForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let eid: i64 = f.expert_id.parse().unwrap_or(0);
    match answers::assign_expert(&st, u, id, &ind, eid, f.remove == "1").await {
        Ok(()) => Ok(redirect(&item_url(id, &ind))),
        Err(Error::Invalid(e)) => {
            let again = Again::invalid(ctx.lang, &e, None);
            item_view(&st, &ctx, id, &ind, again, None).await
        }
        Err(e) => Err(e.into()),
    }
}
