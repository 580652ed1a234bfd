//! One item of an assessment: guidance, the answer form, experts, evidence, versions.

use super::*;

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
        Value::Number(n) => n.to_string(),
        Value::Object(m) => {
            if let Some(x) = m.get("value") {
                return x.to_string();
            }
            if let Some(x) = m.get("experts").or_else(|| m.get("likert")) {
                return x
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
            }
            v.to_string()
        }
        _ => String::new(),
    }
}

/// The shown value of a stored answer's JSON text, "—" when there is none.
pub(super) fn shown_stored(json: Option<&str>) -> String {
    json.and_then(|s| serde_json::from_str::<Value>(s).ok())
        .map(|v| shown_value(&v))
        .unwrap_or_else(|| "—".into())
}

pub(super) fn source_select(l: Lang, u: &User, access: &Access, current: &str) -> String {
    let opts: Vec<(&str, &str)> = match (access, u.role) {
        (Access::Platform, _) => vec![("platform", l.t("平台数据", "platform data"))],
        (Access::Edit, Role::Enterprise) => vec![
            (
                "self",
                l.t(
                    "企业自报（核验后计分）",
                    "self-declared (counts once verified)",
                ),
            ),
            (
                "third_party",
                l.t(
                    "第三方数据（须附证据）",
                    "third-party data (evidence required)",
                ),
            ),
        ],
        _ => vec![
            ("onsite", l.t("现场核验", "verified on site")),
            ("platform", l.t("平台数据", "platform data")),
            ("third_party", l.t("第三方数据", "third-party data")),
            (
                "self",
                l.t("企业自报（未核验）", "self-declared (unverified)"),
            ),
        ],
    };
    let mut o = format!(
        r#"<select name="source" aria-label="{}">"#,
        l.t("来源", "Source")
    );
    for (v, t) in opts {
        let _ = write!(
            o,
            r#"<option value="{}"{}>{}</option>"#,
            v,
            if v == current { " selected" } else { "" },
            esc(t)
        );
    }
    o.push_str("</select>");
    o
}

/// What was typed into an answer form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct AnswerForm {
    pub(super) csrf: String,
    pub(super) value: String,
    pub(super) likert: String,
    pub(super) experts: String,
    pub(super) note: String,
    pub(super) source: String,
    pub(super) back: String,
}

pub(super) fn num_list(s: &str) -> Result<Vec<f64>, ()> {
    s.split([',', '，', ' ', ';', '；'])
        .filter(|x| !x.trim().is_empty())
        .map(|x| x.trim().parse::<f64>().map_err(|_| ()))
        .collect()
}

/// Turn the typed form into the core's answer value.
pub(super) fn answer_from_form(f: &AnswerForm) -> Result<AnswerInput, Error> {
    let value = if !f.likert.trim().is_empty() {
        let xs = num_list(&f.likert).map_err(|_| {
            Error::invalid(
                "likert",
                "问卷回答应为以逗号分隔的 1 至 5 的整数，例如 4, 5, 3",
                "Questionnaire answers are whole numbers from 1 to 5 separated by commas, e.g. 4, 5, 3",
            )
        })?;
        json!({"likert": xs})
    } else if !f.experts.trim().is_empty() {
        let xs = num_list(&f.experts).map_err(|_| {
            Error::invalid(
                "experts",
                "专家评分应为以逗号分隔的数字，例如 4, 4.5, 5",
                "Expert scores are numbers separated by commas, e.g. 4, 4.5, 5",
            )
        })?;
        json!({"experts": xs})
    } else if f.value.trim().is_empty() {
        Value::Null
    } else {
        let v = f.value.trim();
        let x: f64 = v.parse().map_err(|_| {
            Error::invalid(
                "value",
                format!("“{}” 不是数字", v),
                format!("“{}” is not a number", v),
            )
        })?;
        json!(x)
    };
    Ok(AnswerInput {
        value,
        note: f.note.clone(),
        source: Some(f.source.clone()).filter(|s| !s.is_empty()),
    })
}

pub(super) async fn answer_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Form(f): Form<AnswerForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let res = match answer_from_form(&f) {
        Ok(input) => answers::save(&st, u, id, &ind, &input).await,
        Err(e) => Err(e),
    };
    match res {
        Ok(saved) => {
            let what = match (saved.score, &saved.grade, saved.stars) {
                (Some(s), g, st) => format!(
                    "{} · {} {}{}{}",
                    ind,
                    ctx.lang.t("总分", "total"),
                    fmt_num((s * 100.0).round() / 100.0),
                    g.as_deref()
                        .map(|g| format!(" · {}", g))
                        .unwrap_or_default(),
                    st.map(|n| format!(" · {}★", n)).unwrap_or_default()
                ),
                _ => ind.clone(),
            };
            if f.back == "list" {
                let (a, _) = assessments::get(&st, u, id).await?;
                let table = st
                    .catalog
                    .get(&a.scheme)
                    .and_then(|s| s.indicator(&ind))
                    .map(|i| i.table.clone())
                    .unwrap_or_default();
                Ok(redirect(&format!(
                    "/assessments/{}?table={}&saved={}#ind-{}",
                    id,
                    url_enc(&table),
                    url_enc(&what),
                    url_enc(&ind)
                )))
            } else {
                Ok(redirect(&format!(
                    "/assessments/{}/items/{}?saved={}",
                    id,
                    url_enc(&ind),
                    url_enc(&what)
                )))
            }
        }
        Err(Error::Invalid(e)) => {
            item_view(&st, &ctx, id, &ind, Some(&f), &errs_map(ctx.lang, &e), None).await
        }
        Err(Error::Forbidden(m)) | Err(Error::Locked(m)) => {
            let mut e = BTreeMap::new();
            e.insert("value".to_string(), m.text(ctx.lang).to_string());
            item_view(&st, &ctx, id, &ind, Some(&f), &e, None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn item_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Query(q): Query<PageQ>,
) -> Res {
    item_view(
        &st,
        &ctx,
        id,
        &ind,
        None,
        &BTreeMap::new(),
        q.saved.as_deref(),
    )
    .await
}

pub(super) async fn item_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    ind: &str,
    typed: Option<&AnswerForm>,
    e: &BTreeMap<String, String>,
    saved: Option<&str>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(st, u, id).await?;
    if !access.sees_item(ind) {
        return Err(Error::NotFound.into());
    }
    let plan = assessments::plan(st, &a)?;
    let scheme = plan.scheme;
    let lf = plan
        .leaves
        .iter()
        .find(|x| x.ind.id == ind)
        .ok_or(Error::NotFound)?;
    let i = lf.ind;
    let rows = assessments::answers(st, &a, &access).await?;
    let ans = rows.iter().find(|r| r.indicator_id == ind);
    let mut body = String::new();
    if let Some(s) = saved {
        let _ = write!(
            body,
            r#"<div class="flash">{} {}</div>"#,
            l.t("已保存：", "Saved:"),
            esc(s)
        );
    }
    let _ = write!(
        body,
        r#"<p><a href="/assessments/{}?table={}#ind-{}">← {}</a></p><p class="path">{} · {}</p>"#,
        a.id,
        url_enc(&i.table),
        esc(&i.id),
        esc(&a.title),
        esc(&i.source()),
        esc(&i.path.join(" › "))
    );
    if access.sees_result() {
        body.push_str(&result_panel(l, &a, false));
    }
    // guidance
    let mut g = String::new();
    for (label, v) in [
        (l.t("评价内容", "Content"), &i.content),
        (l.t("评价要求", "Requirement"), &i.requirement),
        (l.t("评价方法", "Method"), &i.method),
        (l.t("评审依据及来源", "Evidence basis"), &i.evidence),
        (l.t("说明", "Note"), &i.note),
    ] {
        if let Some(v) = v {
            let _ = write!(g, "<p><b>{}</b>：{}</p>", label, esc(v));
        }
    }
    if let Some(c) = i.category {
        let _ = write!(
            g,
            "<p><b>{}</b>：{}</p>",
            l.t("指标类别", "Category"),
            c.as_str()
        );
    }
    if let Some(p) = i.points {
        let _ = write!(
            g,
            "<p><b>{}</b>：{}{}</p>",
            l.t("分值", "Points"),
            fmt_num(p),
            if i.half_points {
                l.t("（可给 0.5 分）", " (half points allowed)")
            } else {
                ""
            }
        );
    }
    if !i.levels.is_empty() {
        g.push_str(&format!(
            "<p><b>{}</b></p><ol>",
            l.t(
                "等级描述（0 = 未达第一级）",
                "Level descriptors (0 = below level 1)"
            )
        ));
        for lv in &i.levels {
            let _ = write!(g, "<li>{}</li>", esc(lv));
        }
        g.push_str("</ol>");
    }
    if scheme.method == Method::Dimensions && !scheme.guidance.is_empty() {
        let _ = write!(
            g,
            "<details><summary>{}</summary><table><tr><th>{}</th><th>{}</th></tr>",
            l.t("表4 评分系数参考", "表4 coefficient bands"),
            l.t("系数", "Coefficient"),
            l.t("参考要点", "Guidance")
        );
        for b in &scheme.guidance {
            let _ = write!(
                g,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&b.label),
                b.points
                    .iter()
                    .map(|p| esc(p))
                    .collect::<Vec<_>>()
                    .join("<br>")
            );
        }
        g.push_str("</table></details>");
    }
    for iid in &i.interpretations {
        if let Some(x) = scheme.interpretation(iid) {
            let _ = write!(
                g,
                "<p class=muted>{} {}：{} → {}</p>",
                esc(&x.id),
                esc(&x.clause),
                esc(&x.text),
                esc(&x.action)
            );
        }
    }
    let _ = write!(body, r#"<div class="card">{}</div>"#, g);
    // answer
    let cur_value: Option<Value> = ans
        .and_then(|r| r.value_json.as_deref())
        .and_then(|v| serde_json::from_str(v).ok());
    let draft = a.status == AssessmentStatus::Draft;
    let can_answer = draft && access.answer(i.category).is_ok();
    let can_upload = draft && access.upload_evidence(i.category).is_ok();
    let expert_points = matches!(access, Access::Expert(_)) && scheme.method == Method::Points;
    let mine: Option<repo::ExpertScore> = if expert_points {
        answers::expert_scores(st, u, &a, &access)
            .await?
            .into_iter()
            .find(|x| x.indicator_id == ind && x.expert_id == u.id)
    } else {
        None
    };
    let ge = |k: &str| e.get(k).map(|s| s.as_str());
    let mut f = String::new();
    let _ = write!(
        f,
        "<h2>{}</h2>",
        if expert_points {
            l.t("我的评分", "My score")
        } else {
            l.t("答案", "Answer")
        }
    );
    if !expert_points {
        let _ = write!(
            f,
            "<p>{}: <b>{}</b></p>",
            l.t("当前答案", "Current answer"),
            cur_value
                .as_ref()
                .map(|v| esc(&shown_value(v)))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "—".into())
        );
        if let Some(r) = ans {
            if let Some(s) = &r.source {
                let _ = write!(
                    f,
                    "<p class=muted>{}: {}</p>",
                    l.t("来源", "Source"),
                    esc(s.as_str())
                );
            }
            if !r.note.is_empty() {
                let _ = write!(
                    f,
                    "<p class=muted>{}: {}</p>",
                    l.t("备注", "Note"),
                    esc(&r.note)
                );
            }
        }
    }
    if can_answer {
        let value_typed =
            typed
                .map(|t| t.value.clone())
                .unwrap_or_else(|| match (&mine, &cur_value) {
                    (Some(m), _) => fmt_num(m.value),
                    (None, Some(Value::Number(n))) => n.to_string(),
                    (None, Some(Value::Object(m))) if m.contains_key("value") => {
                        m["value"].to_string()
                    }
                    _ => String::new(),
                });
        let note_typed = typed.map(|t| t.note.clone()).unwrap_or_else(|| {
            mine.as_ref()
                .map(|m| m.note.clone())
                .or(ans.map(|r| r.note.clone()))
                .unwrap_or_default()
        });
        let _ = write!(
            f,
            r#"<form method="post" action="/assessments/{}/items/{}/answer">{}"#,
            a.id,
            url_enc(ind),
            csrf_input(&ctx.csrf)
        );
        if plan.kind == AnswerKind::Level && !expert_points {
            let mut opts = vec![(String::new(), l.t("（未答）", "(unanswered)").to_string())];
            opts.push((
                "0".into(),
                l.t("0 · 未达第一级", "0 · below level 1").to_string(),
            ));
            for (n, d) in i.levels.iter().enumerate() {
                let short: String = d.chars().take(40).collect();
                opts.push(((n + 1).to_string(), format!("{} · {}", n + 1, short)));
            }
            f.push_str(&select(
                l.t("等级", "Level"),
                "value",
                &opts,
                &value_typed,
                ge("value"),
            ));
        } else if i.likert && !expert_points {
            let cur_l = match (&typed, &cur_value) {
                (Some(t), _) => t.likert.clone(),
                (None, Some(v)) if v.get("likert").is_some() => shown_value(v),
                _ => String::new(),
            };
            f.push_str(&field(
                l.t(
                    "问卷回答（1–5，逗号分隔）",
                    "Questionnaire responses (1–5, comma separated)",
                ),
                "likert",
                "text",
                &cur_l,
                ge("likert").or(ge("value")),
                "",
            ));
        } else if i.expert_panel && !expert_points {
            let cur_x = match (&typed, &cur_value) {
                (Some(t), _) => t.experts.clone(),
                (None, Some(v)) if v.get("experts").is_some() => shown_value(v),
                _ => String::new(),
            };
            f.push_str(&field(
                l.t(
                    "专家评分（至少 3 位，逗号分隔；或由指派的专家各自评分）",
                    "Expert scores (3 or more, comma separated; or each assigned expert scores)",
                ),
                "experts",
                "text",
                &cur_x,
                ge("experts").or(ge("value")),
                "",
            ));
        } else {
            f.push_str(&field(
                &kind_hint(l, plan.kind, lf.answer_max),
                "value",
                "number",
                &value_typed,
                ge("value"),
                r#"step="any""#,
            ));
        }
        if scheme.method == Method::Dimensions && !expert_points {
            let cur_s = typed
                .map(|t| t.source.clone())
                .or(ans.and_then(|r| r.source.map(|s| s.as_str().to_string())))
                .unwrap_or_default();
            let _ = write!(
                f,
                "<label>{}</label>{}{}",
                l.t("来源", "Source"),
                source_select(l, u, &access, &cur_s),
                err_html(ge("source"))
            );
        }
        let _ = write!(
            f,
            r#"<label for="f-note">{}</label><textarea id="f-note" name="note">{}</textarea>{}{}<p><button>{}</button></p></form>"#,
            l.t("备注", "Note"),
            esc(&note_typed),
            err_html(ge("note")),
            general_errors(
                e,
                &[
                    "value",
                    "likert",
                    "experts",
                    "source",
                    "note",
                    "file",
                    "expert_id"
                ]
            ),
            l.t("保存", "Save")
        );
    } else {
        if a.status != AssessmentStatus::Draft {
            let _ = write!(
                f,
                "<p class=muted>{}</p>",
                l.t(
                    "评价已提交并锁定。",
                    "The assessment is submitted and locked."
                )
            );
        }
        f.push_str(&err_html(ge("value")));
    }
    let _ = write!(body, r#"<div class="card">{}</div>"#, f);
    // expert scores and assignment
    let assigned: Vec<repo::Assignment> = answers::assignments(st, &a)
        .await?
        .into_iter()
        .filter(|x| x.indicator_id == ind)
        .collect();
    if !matches!(access, Access::Expert(_)) && (a.org_id.is_some() || !assigned.is_empty()) {
        let scores: Vec<repo::ExpertScore> = answers::expert_scores(st, u, &a, &access)
            .await?
            .into_iter()
            .filter(|x| x.indicator_id == ind)
            .collect();
        let mut x = format!("<h2>{}</h2><ul>", l.t("指派的专家", "Assigned experts"));
        for asg in &assigned {
            let ex = admin::user_name(st, asg.expert_id).await?;
            let sc = scores
                .iter()
                .find(|s| s.expert_id == asg.expert_id)
                .map(|s| fmt_num(s.value))
                .unwrap_or_else(|| "—".into());
            let _ = write!(
                x,
                "<li>{} · {} {}",
                esc(ex.as_deref().unwrap_or("?")),
                l.t("评分", "score"),
                sc
            );
            if access == Access::Edit && a.status == AssessmentStatus::Draft {
                let _ = write!(
                    x,
                    r#" <form method="post" action="/assessments/{}/items/{}/experts" style="display:inline">{}<input type="hidden" name="expert_id" value="{}"><input type="hidden" name="remove" value="1"><button class="danger">{}</button></form>"#,
                    a.id,
                    url_enc(ind),
                    csrf_input(&ctx.csrf),
                    asg.expert_id,
                    l.t("移除", "Remove")
                );
            }
            x.push_str("</li>");
        }
        x.push_str("</ul>");
        if access == Access::Edit && a.status == AssessmentStatus::Draft && a.org_id.is_some() {
            let experts: Vec<(String, String)> = admin::staff(st, u, a.org_id.unwrap_or(0))
                .await?
                .into_iter()
                .filter(|x| x.role == Role::Expert && !assigned.iter().any(|a| a.expert_id == x.id))
                .map(|x| (x.id.to_string(), x.name))
                .collect();
            if !experts.is_empty() {
                let _ = write!(
                    x,
                    r#"<form method="post" action="/assessments/{}/items/{}/experts" class="inline">{}{}<button>{}</button></form>"#,
                    a.id,
                    url_enc(ind),
                    csrf_input(&ctx.csrf),
                    select(
                        l.t("指派专家", "Assign expert"),
                        "expert_id",
                        &experts,
                        "",
                        ge("expert_id")
                    ),
                    l.t("指派", "Assign")
                );
            }
        }
        let _ = write!(body, r#"<div class="card">{}</div>"#, x);
    }
    // evidence
    let ev: Vec<repo::Evidence> = evidence::of(st, &a, &access)
        .await?
        .into_iter()
        .filter(|x| x.indicator_id == ind)
        .collect();
    let mut x = format!("<h2>{}</h2><ul>", l.t("证据文件", "Evidence"));
    for v in &ev {
        let _ = write!(
            x,
            r#"<li><a href="/evidence/{}">{}</a> <span class=muted>{} KB · {}</span></li>"#,
            v.id,
            esc(&v.file_name),
            (v.size + 1023) / 1024,
            when(&v.uploaded_at)
        );
    }
    x.push_str("</ul>");
    if can_upload {
        let _ = write!(
            x,
            r#"<form method="post" action="/assessments/{}/items/{}/evidence" enctype="multipart/form-data">{}<input type="file" name="file">{}<p class=muted>{} {} MB · {}</p><button>{}</button></form>"#,
            a.id,
            url_enc(ind),
            csrf_input(&ctx.csrf),
            err_html(ge("file")),
            l.t("上限", "Limit"),
            st.config.max_upload_bytes / 1024 / 1024,
            evidence_rules::TYPES
                .iter()
                .map(|(e, _)| *e)
                .collect::<Vec<_>>()
                .join(", "),
            l.t("上传", "Upload")
        );
    }
    let _ = write!(body, r#"<div class="card">{}</div>"#, x);
    // versions
    if !matches!(access, Access::Expert(_)) {
        let vs = answers::versions(st, &a, &access, Some(ind)).await?;
        if !vs.is_empty() {
            let mut x = format!("<h2>{}</h2><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", l.t("修改记录", "Versions"), l.t("版本", "Revision"), l.t("答案", "Answer"), l.t("时间", "When"), l.t("备注", "Note"));
            for v in vs.iter().take(50) {
                let val = v
                    .value_json
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                    .map(|v| shown_value(&v))
                    .unwrap_or_else(|| "—".into());
                let _ = write!(
                    x,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    v.revision,
                    esc(&val),
                    when(&v.changed_at),
                    esc(&v.note)
                );
            }
            x.push_str("</table></div>");
            let _ = write!(body, r#"<div class="card">{}</div>"#, x);
        }
    }
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = format!(
        "{}{}",
        i.serial
            .as_deref()
            .map(|s| format!("{}. ", s))
            .unwrap_or_default(),
        i.path.last().cloned().unwrap_or_default()
    );
    Ok(with_status(status, page(&ctx.chrome(), &title, &body)))
}

pub(super) async fn evidence_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    mut mp: Multipart,
) -> Res {
    let u = ctx.user()?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let next = mp.next_field().await.map_err(|e| {
            Error::Invalid(vec![FieldError::msg(
                "file",
                Msg {
                    zh: format!("上传数据无法读取：{}", e),
                    en: format!("The upload could not be read: {}", e),
                },
            )])
        })?;
        let Some(fl) = next else { break };
        match fl.name() {
            Some("csrf") => csrf = fl.text().await.unwrap_or_default(),
            Some("file") => {
                let name = fl.file_name().unwrap_or("").to_string();
                let data = fl.bytes().await.map_err(|_| {
                    let max = st.config.max_upload_bytes / 1024 / 1024;
                    Error::invalid(
                        "file",
                        format!("文件过大或上传中断；上限 {} MB", max),
                        format!(
                            "The file is too large or the upload broke off; the limit is {} MB",
                            max
                        ),
                    )
                })?;
                file = Some((name, data.to_vec()));
            }
            _ => {}
        }
    }
    ctx.check_csrf(&csrf)?;
    let (name, data) = file.unwrap_or_default();
    match evidence::add(&st, u, id, &ind, &name, &data).await {
        Ok(ev) => Ok(redirect(&format!(
            "/assessments/{}/items/{}?saved={}",
            id,
            url_enc(&ind),
            url_enc(&ev.file_name)
        ))),
        Err(Error::Invalid(e)) => {
            item_view(&st, &ctx, id, &ind, None, &errs_map(ctx.lang, &e), None).await
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
        Ok(()) => Ok(redirect(&format!(
            "/assessments/{}/items/{}",
            id,
            url_enc(&ind)
        ))),
        Err(Error::Invalid(e)) => {
            item_view(&st, &ctx, id, &ind, None, &errs_map(ctx.lang, &e), None).await
        }
        Err(e) => Err(e.into()),
    }
}
