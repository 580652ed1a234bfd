//! Assessments: the list, the new-assessment form, an assessment's items by table, submit.

use super::*;

pub(super) fn status_pill(l: Lang, s: AssessmentStatus) -> String {
    match s {
        AssessmentStatus::Draft => format!(
            r#"<span class="pill warn">{}</span>"#,
            l.t("进行中", "in progress")
        ),
        _ => format!(
            r#"<span class="pill ok">{}</span>"#,
            l.t("已提交", "submitted")
        ),
    }
}

pub(super) fn result_brief(l: Lang, a: &repo::Assessment) -> String {
    let mut o = match a.score {
        Some(s) => fmt_num((s * 100.0).round() / 100.0),
        None => "—".into(),
    };
    if let Some(g) = &a.grade {
        let _ = write!(o, " · {}", esc(g));
    }
    if let Some(s) = a.stars {
        let _ = write!(
            o,
            " · {}",
            if s == 0 {
                l.t("无星级", "no stars").to_string()
            } else {
                "★".repeat(s as usize)
            }
        );
    }
    o
}

pub(super) async fn assessment_table(
    l: Lang,
    st: &App,
    asses: &[repo::Assessment],
) -> Result<String, Error> {
    if asses.is_empty() {
        return Ok(format!(
            "<p class=muted>{}</p>",
            l.t("暂无评价。", "No assessments yet.")
        ));
    }
    let mut o = format!(
        r#"<div class="tablewrap"><table><tr><th>{}</th><th class="hide-sm">{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("评价", "Assessment"),
        l.t("方案", "Scheme"),
        l.t("状态", "Status"),
        l.t("结果", "Result")
    );
    for a in asses {
        let scheme = st
            .catalog
            .get(&a.scheme)
            .map(|s| s.standard.as_str())
            .unwrap_or(&a.scheme);
        let _ = write!(
            o,
            r#"<tr><td><a href="/assessments/{}">{}</a><div class="muted">{}</div></td><td class="hide-sm">{}{}</td><td>{}</td><td>{}</td></tr>"#,
            a.id,
            esc(&a.title),
            if a.mode == Mode::SelfEvaluation {
                l.t("企业自评", "self-assessment")
            } else {
                l.t("现场评价", "on-site")
            },
            esc(scheme),
            a.variant
                .as_deref()
                .map(|v| format!(" · {}", esc(v)))
                .unwrap_or_default(),
            status_pill(l, a.status),
            result_brief(l, a)
        );
    }
    o.push_str("</table></div>");
    Ok(o)
}

pub(super) async fn assessments(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let p = q.page.unwrap_or(1).max(1);
    let (asses, n) = assessments::list(&st, u, None, PER_PAGE, (p - 1) * PER_PAGE).await?;
    let mut body = String::new();
    if let (Some(e), Role::Enterprise) = (u.enterprise_id, u.role) {
        let _ = write!(
            body,
            r#"<p><a class="button" href="/assessments/new?enterprise={}">{}</a></p>"#,
            e,
            l.t("新建自评", "New self-assessment")
        );
    }
    body.push_str(&assessment_table(l, &st, &asses).await?);
    body.push_str(&pager(l, "/assessments", p, PER_PAGE, n));
    Ok(page(&ctx.chrome(), l.t("评价", "Assessments"), &body))
}

pub(super) async fn new_form(
    st: &App,
    ctx: &Ctx,
    i: &AssessmentInput,
    e: &BTreeMap<String, String>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (ents, _) = enterprises::list(st, u, 500, 0).await?;
    let ent_opts: Vec<(String, String)> = ents
        .iter()
        .map(|x| (x.id.to_string(), x.name.clone()))
        .collect();
    let scheme_opts: Vec<(String, String)> = st
        .catalog
        .schemes
        .iter()
        .map(|s| (s.id.clone(), format!("{} {}", s.standard, s.name)))
        .collect();
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let mut body = String::new();
    body.push_str(&general_errors(
        e,
        &[
            "enterprise_id",
            "scheme",
            "variant",
            "title",
            "profile",
            "current_stars",
            "first_application",
        ],
    ));
    // Step 1 (GET, no JavaScript): choose the enterprise and the scheme.
    let _ = write!(
        body,
        r#"<div class="card"><form method="get" action="/assessments/new">{}{}<p><button class="secondary">{}</button></p></form></div>"#,
        select(
            l.t("企业", "Enterprise"),
            "enterprise",
            &ent_opts,
            &i.enterprise_id,
            g("enterprise_id")
        ),
        select(
            l.t("评价方案", "Scheme"),
            "scheme",
            &scheme_opts,
            &i.scheme,
            g("scheme")
        ),
        l.t("选择", "Choose")
    );
    if let Some(s) = st.catalog.get(&i.scheme) {
        let ent = ents.iter().find(|x| x.id.to_string() == i.enterprise_id);
        let mut variant = i.variant.clone();
        if variant.is_empty() {
            if let Some(ent) = ent {
                let pre = match s.method {
                    Method::Dimensions => ent.enterprise_type.clone(),
                    Method::WeightedLevels => ent.category.clone(),
                    _ => None,
                };
                variant = pre.unwrap_or_default();
            }
        }
        let mut fields = String::new();
        if !s.variants.is_empty() {
            let opts: Vec<(String, String)> = s
                .variants
                .iter()
                .map(|v| (v.id.clone(), format!("{}（{}）", v.name, v.id)))
                .collect();
            fields.push_str(&select(
                l.t("类别", "Variant"),
                "variant",
                &opts,
                &variant,
                g("variant"),
            ));
        }
        fields.push_str(&field(
            l.t("标题（可空）", "Title (optional)"),
            "title",
            "text",
            &i.title,
            g("title"),
            "",
        ));
        if s.method == Method::Dimensions {
            let stars: Vec<(String, String)> = (0..=5)
                .map(|n| {
                    (
                        n.to_string(),
                        if n == 0 {
                            l.t("无", "none").to_string()
                        } else {
                            "★".repeat(n)
                        },
                    )
                })
                .collect();
            fields.push_str(&select(
                l.t("现有综合星级", "Comprehensive stars held now"),
                "current_stars",
                &stars,
                if i.current_stars.is_empty() {
                    "0"
                } else {
                    &i.current_stars
                },
                g("current_stars"),
            ));
            let fa = vec![
                ("true".to_string(), l.t("是", "yes").to_string()),
                ("false".to_string(), l.t("否", "no").to_string()),
            ];
            fields.push_str(&select(
                l.t("首次申请", "First application"),
                "first_application",
                &fa,
                if i.first_application.is_empty() {
                    "true"
                } else {
                    &i.first_application
                },
                g("first_application"),
            ));
        }
        let _ = write!(
            fields,
            r#"<label for="f-profile">{}</label><textarea id="f-profile" name="profile"{}>{}</textarea>{}"#,
            l.t(
                "评价方案配置 profile（TOML，可空：选用与权重）",
                "Profile (TOML, optional: selection and weights)"
            ),
            if g("profile").is_some() {
                r#" class="invalid""#
            } else {
                ""
            },
            esc(&i.profile),
            err_html(g("profile"))
        );
        let _ = write!(
            body,
            r#"<div class="card"><h2>{} {}</h2><form method="post" action="/assessments">{}<input type="hidden" name="enterprise_id" value="{}"><input type="hidden" name="scheme" value="{}">{}<p><button>{}</button></p></form></div>"#,
            esc(&s.standard),
            esc(&s.name),
            csrf_input(&ctx.csrf),
            esc(&i.enterprise_id),
            esc(&s.id),
            fields,
            l.t("创建评价", "Create assessment")
        );
    }
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(
        status,
        page(&ctx.chrome(), l.t("新建评价", "New assessment"), &body),
    ))
}

pub(super) async fn assessment_new(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let i = AssessmentInput {
        enterprise_id: q
            .enterprise
            .clone()
            .or_else(|| u.enterprise_id.map(|e| e.to_string()))
            .unwrap_or_default(),
        scheme: q.scheme.clone().unwrap_or_default(),
        ..Default::default()
    };
    new_form(&st, &ctx, &i, &BTreeMap::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AssessmentForm {
    pub(super) csrf: String,
    #[serde(flatten)]
    pub(super) input: AssessmentInput,
}

pub(super) async fn assessment_create(
    State(st): State<App>,
    ctx: Ctx,
    Form(f): Form<AssessmentForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match assessments::create(&st, u, &f.input).await {
        Ok(a) => Ok(redirect(&format!("/assessments/{}", a.id))),
        Err(Error::Invalid(e)) => new_form(&st, &ctx, &f.input, &errs_map(ctx.lang, &e)).await,
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn assessment_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<PageQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    let plan = assessments::plan(&st, &a)?;
    let scheme = plan.scheme;
    let ent = assessments::enterprise_of(&st, &a).await?;
    let rows = assessments::answers(&st, &a, &access).await?;
    let answers: BTreeMap<&str, &repo::AnswerRow> =
        rows.iter().map(|r| (r.indicator_id.as_str(), r)).collect();
    let mut body = String::new();
    if let Some(s) = &q.saved {
        let _ = write!(
            body,
            r#"<div class="flash">{} {}</div>"#,
            l.t("已保存：", "Saved:"),
            esc(s)
        );
    }
    let _ = write!(
        body,
        r#"<p class="muted">{} · {} {} {} · {} · {} <a href="/assessments/{}/result">{}</a> · <a href="/assessments/{}/history">{}</a></p>"#,
        esc(ent.as_ref().map(|e| e.name.as_str()).unwrap_or("")),
        esc(&scheme.standard),
        esc(&scheme.name),
        esc(a.variant.as_deref().unwrap_or("")),
        if a.mode == Mode::SelfEvaluation {
            l.t("企业自评", "self-assessment")
        } else {
            l.t("现场评价", "on-site")
        },
        status_pill(l, a.status),
        a.id,
        l.t("结果与解释", "Result and explanation"),
        a.id,
        l.t("修改记录", "History")
    );
    if access.sees_result() {
        body.push_str(&result_panel(l, &a, false));
    } else {
        let _ = write!(
            body,
            r#"<p class="flash">{}</p>"#,
            l.t(
                "你是本评价的评价专家：只显示指派给你的指标。",
                "You are an expert on this assessment: only the items assigned to you are shown."
            )
        );
    }
    if access == Access::Edit && a.status == AssessmentStatus::Draft {
        let _ = write!(
            body,
            r#"<form method="post" action="/assessments/{}/submit">{}<button class="secondary">{}</button> <span class="muted">{}</span></form>"#,
            a.id,
            csrf_input(&ctx.csrf),
            l.t("提交并锁定", "Submit and lock"),
            l.t(
                "提交后不能再修改答案。",
                "Answers cannot be changed after submission."
            )
        );
    }
    // tables of the plan
    let tables: Vec<&str> = {
        let mut t: Vec<&str> = Vec::new();
        for lf in &plan.leaves {
            if access.sees_item(&lf.ind.id) && !t.contains(&lf.ind.table.as_str()) {
                t.push(&lf.ind.table);
            }
        }
        t
    };
    let current = q
        .table
        .clone()
        .filter(|t| tables.contains(&t.as_str()))
        .or_else(|| tables.first().map(|s| s.to_string()))
        .unwrap_or_default();
    if tables.len() > 1 {
        body.push_str(r#"<p class="inline">"#);
        for t in &tables {
            let title = scheme
                .table(t)
                .map(|x| {
                    x.dimension
                        .clone()
                        .or(x.stage.clone())
                        .unwrap_or_else(|| x.title.clone())
                })
                .unwrap_or_default();
            if *t == current {
                let _ = write!(body, r#"<b class="pill ok">{} {}</b>"#, esc(t), esc(&title));
            } else {
                let _ = write!(
                    body,
                    r#"<a class="pill" href="/assessments/{}?table={}">{} {}</a>"#,
                    a.id,
                    url_enc(t),
                    esc(t),
                    esc(&title)
                );
            }
        }
        body.push_str("</p>");
    }
    if let Some(t) = scheme.table(&current) {
        let _ = write!(body, "<h2>{} {}</h2>", esc(&t.key), esc(&t.title));
    }
    let can_answer = a.status == AssessmentStatus::Draft && !matches!(access, Access::Read);
    let mut last_path: Vec<String> = Vec::new();
    for lf in plan
        .leaves
        .iter()
        .filter(|lf| lf.ind.table == current && access.sees_item(&lf.ind.id))
    {
        let i = lf.ind;
        let group = &i.path[..i.path.len().saturating_sub(1)];
        if group != last_path.as_slice() {
            let _ = write!(body, "<h3 class=path>{}</h3>", esc(&group.join(" › ")));
            last_path = group.to_vec();
        }
        let ans = answers.get(i.id.as_str());
        let cur = ans
            .and_then(|r| r.value_json.as_deref())
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .map(|v| shown_value(&v))
            .unwrap_or_default();
        let _ = write!(
            body,
            r#"<div class="ind" id="ind-{id}"><div><a href="/assessments/{aid}/items/{idu}"><b>{serial}{name}</b></a> <span class="muted">{cat} {hint}</span></div>"#,
            id = esc(&i.id),
            aid = a.id,
            idu = url_enc(&i.id),
            serial = i
                .serial
                .as_deref()
                .map(|s| format!("{}. ", esc(s)))
                .unwrap_or_default(),
            name = esc(i.path.last().map(|s| s.as_str()).unwrap_or("")),
            cat = i.category.map(|c| c.as_str()).unwrap_or(""),
            hint = kind_hint(l, plan.kind, lf.answer_max),
        );
        let can_answer = can_answer && access.answer(i.category).is_ok();
        if can_answer
            && !i.likert
            && !i.expert_panel
            && !matches!(access, Access::Expert(_))
            && plan.kind != AnswerKind::Level
        {
            let src = if scheme.method == Method::Dimensions {
                source_select(
                    l,
                    u,
                    &access,
                    ans.and_then(|r| r.source).map(|s| s.as_str()).unwrap_or(""),
                )
            } else {
                String::new()
            };
            let _ = write!(
                body,
                r#"<form method="post" action="/assessments/{aid}/items/{idu}/answer" class="inline">{csrf}<input type="hidden" name="back" value="list"><input type="number" step="any" name="value" value="{cur}" aria-label="{hint}">{src}<button>{save}</button></form>"#,
                aid = a.id,
                idu = url_enc(&i.id),
                csrf = csrf_input(&ctx.csrf),
                cur = esc(&cur),
                hint = kind_hint(l, plan.kind, lf.answer_max),
                src = src,
                save = l.t("保存", "Save")
            );
        } else if can_answer
            && plan.kind == AnswerKind::Level
            && !matches!(access, Access::Expert(_))
        {
            let opts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
                .chain((0..=5).map(|n| (n.to_string(), n.to_string())))
                .collect();
            let _ = write!(
                body,
                r#"<form method="post" action="/assessments/{aid}/items/{idu}/answer" class="inline">{csrf}<input type="hidden" name="back" value="list">{sel}<button>{save}</button></form>"#,
                aid = a.id,
                idu = url_enc(&i.id),
                csrf = csrf_input(&ctx.csrf),
                sel = select(l.t("等级", "Level"), "value", &opts, &cur, None),
                save = l.t("保存", "Save")
            );
        } else {
            let _ = write!(
                body,
                r#"<div>{}: <b>{}</b></div>"#,
                l.t("答案", "Answer"),
                if cur.is_empty() {
                    "—".into()
                } else {
                    esc(&cur)
                }
            );
        }
        body.push_str("</div>");
    }
    Ok(page(&ctx.chrome(), &a.title, &body))
}

pub(super) async fn submit(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    assessments::submit(&st, u, id).await?;
    Ok(redirect(&format!("/assessments/{}/result", id)))
}
