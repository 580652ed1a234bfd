//! Results and their explanation, the history of answers, evidence downloads.

use super::*;

pub(super) fn result_value(a: &repo::Assessment) -> Value {
    a.result_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null)
}

/// The live result panel: total, grade or stars, and why.
pub(super) fn result_panel(l: Lang, a: &repo::Assessment, full: bool) -> String {
    let r = result_value(a);
    let ev = &r["evaluation"];
    if ev.is_null() {
        return String::new();
    }
    let mut o = String::from(r#"<div class="card" id="result"><div class="grid">"#);
    let scale = ev["total"]["scale"].as_f64().unwrap_or(100.0);
    let _ = write!(
        o,
        r#"<div><div class="muted">{}</div><div class="big" data-testid="score">{}</div><div class="muted">/ {}</div></div>"#,
        l.t("总分", "Total"),
        fmt_num(((ev["total"]["score"].as_f64().unwrap_or(0.0)) * 100.0).round() / 100.0),
        fmt_num(scale)
    );
    if let Some(g) = ev["grade"].as_object() {
        let _ = write!(
            o,
            r#"<div><div class="muted">{}</div><div class="big" data-testid="grade">{}</div><div class="muted">{}</div></div>"#,
            l.t("等级", "Grade"),
            esc(g.get("label").and_then(|x| x.as_str()).unwrap_or("")),
            esc(g.get("reason").and_then(|x| x.as_str()).unwrap_or(""))
        );
    } else if r["granted"].is_null()
        && !ev["grade_trace"]
            .as_array()
            .map(|v| v.is_empty())
            .unwrap_or(true)
    {
        let _ = write!(
            o,
            r#"<div><div class="muted">{}</div><div class="big" data-testid="grade">—</div></div>"#,
            l.t("等级", "Grade")
        );
    }
    if let Some(g) = r["granted"].as_object() {
        let n = g.get("stars").and_then(|x| x.as_u64()).unwrap_or(0);
        let _ = write!(
            o,
            r#"<div><div class="muted">{}</div><div class="big" data-testid="stars">{}</div><div class="muted">{}</div></div>"#,
            l.t("授予综合星级", "Stars granted"),
            if n == 0 {
                l.t("无", "none").to_string()
            } else {
                "★".repeat(n as usize)
            },
            esc(ev["stars_explained"]["reason"].as_str().unwrap_or(""))
        );
    }
    let unanswered = ev["unanswered"].as_array().map(|v| v.len()).unwrap_or(0);
    let total = ev["indicators"].as_array().map(|v| v.len()).unwrap_or(0);
    let _ = write!(
        o,
        r#"<div><div class="muted">{}</div><div class="big">{}/{}</div></div></div>"#,
        l.t("已答", "Answered"),
        total - unanswered.min(total),
        total
    );
    if let Some(w) = ev["warnings"].as_array() {
        for x in w.iter().take(if full { 50 } else { 3 }) {
            let _ = write!(o, "<p class=muted>⚠ {}</p>", esc(x.as_str().unwrap_or("")));
        }
    }
    if let Some(g) = r["granted"]["reasons"].as_array() {
        if full {
            o.push_str("<ul>");
            for x in g {
                let _ = write!(o, "<li>{}</li>", esc(x.as_str().unwrap_or("")));
            }
            o.push_str("</ul>");
        }
    }
    o.push_str("</div>");
    o
}

pub(super) async fn result_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound.into());
    }
    let r = result_value(&a);
    let ev = &r["evaluation"];
    let mut body = format!(
        r#"<p><a href="/assessments/{}">← {}</a></p>"#,
        a.id,
        esc(&a.title)
    );
    body.push_str(&result_panel(l, &a, true));
    let _ = write!(
        body,
        r#"<p class="muted">{}: {} · {}: {} · {}: {}</p>"#,
        l.t("方案版本", "Scheme version"),
        esc(&a.scheme_version.clone().unwrap_or_default()[..a
            .scheme_version
            .as_deref()
            .map(|s| s.len().min(16))
            .unwrap_or(0)]),
        l.t("引擎", "Engine"),
        esc(a.engine_version.as_deref().unwrap_or("")),
        l.t("配置", "Profile"),
        esc(a
            .profile_hash
            .as_deref()
            .map(|h| &h[..h.len().min(16)])
            .unwrap_or("—"))
    );
    if let Some(gt) = ev["grade_trace"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(
            body,
            "<h2>{}</h2><ul>",
            l.t("等级判定", "Grade determination")
        );
        for s in gt {
            let _ = write!(
                body,
                "<li>{} {}: {}</li>",
                if s["met"].as_bool() == Some(true) {
                    "✔"
                } else {
                    "✘"
                },
                esc(s["code"].as_str().unwrap_or("")),
                esc(s["reason"].as_str().unwrap_or(""))
            );
        }
        body.push_str("</ul>");
    }
    if let Some(ds) = ev["dimensions"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(body, "<h2>{}</h2><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", l.t("单项能力", "Dimensions"), l.t("维度", "Dimension"), l.t("权重", "Weight"), l.t("得分", "Score"), l.t("线上得分率", "Online ratio"), l.t("单项星级", "Single stars"));
        for d in ds {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}%</td><td>{}</td><td>{}</td><td>{}<div class=muted>{}</div></td></tr>",
                esc(d["name"].as_str().unwrap_or("")),
                d["weight"],
                d["score"],
                d["online_ratio"].as_f64().map(|x| format!("{}%", fmt_num(x))).unwrap_or_else(|| l.t("无线上指标", "no online items").into()),
                d["stars"],
                esc(d["stars_reason"].as_str().unwrap_or(""))
            );
        }
        body.push_str("</table></div>");
        if let Some(checks) = ev["stars_explained"]["checks"].as_array() {
            let _ = write!(
                body,
                "<h2>{}</h2><ul>",
                l.t("综合星级判定（表3）", "Comprehensive stars (表3)")
            );
            for c in checks {
                let _ = write!(
                    body,
                    "<li>{} {}★: {}</li>",
                    if c["met"].as_bool() == Some(true) {
                        "✔"
                    } else {
                        "✘"
                    },
                    c["stars"],
                    esc(c["reason"].as_str().unwrap_or(""))
                );
            }
            body.push_str("</ul>");
        }
    }
    if let Some(nodes) = ev["nodes"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(body, "<details><summary>{}</summary><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>", l.t("各级指标得分", "Scores by group"), l.t("指标", "Group"), l.t("得分", "Earned"), l.t("满分", "Max"));
        for n in nodes.iter().take(400) {
            let path: Vec<&str> = n["path"]
                .as_array()
                .map(|p| p.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            let _ = write!(
                body,
                "<tr><td>{} {}</td><td>{}</td><td>{}</td></tr>",
                esc(n["table"].as_str().unwrap_or("")),
                esc(&path.join(" › ")),
                n["earned"],
                n["max"]
            );
        }
        body.push_str("</table></div></details>");
    }
    if let Some(ints) = ev["interpretations"].as_array().filter(|v| !v.is_empty()) {
        let _ = write!(
            body,
            "<details><summary>{} ({})</summary><ul>",
            l.t(
                "影响本结果的标准解释",
                "Interpretations that affected this result"
            ),
            ints.len()
        );
        for x in ints {
            let _ = write!(
                body,
                "<li><b>{}</b> {}：{} → {}</li>",
                esc(x["id"].as_str().unwrap_or("")),
                esc(x["clause"].as_str().unwrap_or("")),
                esc(x["text"].as_str().unwrap_or("")),
                esc(x["action"].as_str().unwrap_or(""))
            );
        }
        body.push_str("</ul></details>");
    }
    Ok(page(
        &ctx.chrome(),
        l.t("结果与解释", "Result and explanation"),
        &body,
    ))
}

pub(super) async fn history_page(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    if matches!(access, Access::Expert(_)) {
        return Err(Error::NotFound.into());
    }
    let vs = answers::versions(&st, &a, &access, None).await?;
    let mut body = format!(
        r#"<p><a href="/assessments/{}">← {}</a></p><div class=tablewrap><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        a.id,
        esc(&a.title),
        l.t("版本", "Revision"),
        l.t("指标", "Indicator"),
        l.t("答案", "Answer"),
        l.t("时间", "When"),
        l.t("修改人", "By")
    );
    for v in vs.iter().take(500) {
        let by = admin::user_name(&st, v.changed_by)
            .await?
            .unwrap_or_default();
        let val = v
            .value_json
            .as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .map(|v| shown_value(&v))
            .unwrap_or_else(|| "—".into());
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            v.revision,
            esc(&v.indicator_id),
            esc(&val),
            when(&v.changed_at),
            esc(&by)
        );
    }
    body.push_str("</table></div>");
    Ok(page(&ctx.chrome(), l.t("修改记录", "History"), &body))
}

pub(super) async fn evidence_get(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let (ev, data) = evidence::file(&st, u, id).await?;
    let mut r = data.into_response();
    let h = r.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&ev.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disp = format!(
        "attachment; filename=\"evidence-{}\"; filename*=UTF-8''{}",
        ev.id,
        url_enc(&ev.file_name)
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disp).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "cache-control",
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
