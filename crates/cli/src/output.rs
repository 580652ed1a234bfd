//! Rendering of results as text (Chinese) and JSON.

use std::fmt::Write;

use serde_json::{json, Value};
use tianping_catalog::Catalog;
use tianping_core::engine::abbreviate;
use tianping_core::stars::{star_word, Granted};
use tianping_core::{fmt_num, Category, Evaluation, Scheme, SchemeError};

/// Counts of one table: rows, and 线上/线下/结合 where the scheme has categories.
pub fn table_counts(s: &Scheme, key: &str) -> Value {
    let rows: Vec<_> = s.indicators.iter().filter(|i| i.table == key).collect();
    let cat = |c: Category| rows.iter().filter(|i| i.category == Some(c)).count();
    let points: f64 = rows.iter().filter_map(|i| i.points).sum();
    let mut v = json!({ "rows": rows.len() });
    if rows.iter().any(|i| i.category.is_some()) {
        v["online"] = json!(cat(Category::Online));
        v["offline"] = json!(cat(Category::Offline));
        v["combined"] = json!(cat(Category::Combined));
    }
    if points > 0.0 {
        v["points_total"] = json!(points);
    }
    v
}

pub fn schemes_list_json(cat: &Catalog) -> Value {
    json!(cat
        .schemes
        .iter()
        .map(|s| json!({
            "id": s.id,
            "name": s.name,
            "standard": s.standard,
            "method": s.method,
            "version": s.version,
            "variants": s.variants.iter().map(|v| &v.id).collect::<Vec<_>>(),
            "tables": s.tables.len(),
            "indicators": s.indicators.len(),
            "interpretations": s.interpretations.len(),
        }))
        .collect::<Vec<_>>())
}

pub fn schemes_list_text(cat: &Catalog) -> String {
    let mut o = String::new();
    for s in &cat.schemes {
        let _ = writeln!(
            o,
            "{:<22} {}（{}）\n{:<22} 计分方法 {}；{} 张表，{} 个指标，{} 条解释{}",
            s.id,
            s.name,
            s.standard,
            "",
            s.method.as_str(),
            s.tables.len(),
            s.indicators.len(),
            s.interpretations.len(),
            if s.variants.is_empty() {
                String::new()
            } else {
                format!(
                    "；类别：{}",
                    s.variants
                        .iter()
                        .map(|v| v.id.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        );
    }
    o
}

pub fn scheme_json(s: &Scheme) -> Value {
    let tables: Vec<Value> = s
        .tables
        .iter()
        .map(|t| {
            let mut v = json!({
                "key": t.key,
                "title": t.title,
                "clause": t.clause,
                "variant": t.variant,
                "counts": table_counts(s, &t.key),
            });
            if let Some(d) = &t.dimension {
                v["dimension"] = json!(d);
            }
            if let Some(st) = &t.stage {
                v["stage"] = json!(st);
            }
            if let Some(n) = &t.note {
                v["note"] = json!(n);
            }
            v
        })
        .collect();
    let by_cat = |c: Category| {
        s.indicators
            .iter()
            .filter(|i| i.category == Some(c))
            .count()
    };
    json!({
        "id": s.id,
        "name": s.name,
        "standard": s.standard,
        "seed": s.seed,
        "method": s.method,
        "version": s.version,
        "scale_total": s.scale_total,
        "variants": s.variants.iter().map(|v| json!({
            "id": v.id, "name": v.name, "aliases": v.aliases, "tables": v.tables,
            "gbt4754_sections": v.gbt4754_sections,
            "indicators": s.indicators_of(Some(v)).count(),
        })).collect::<Vec<_>>(),
        "tables": tables,
        "counts": {
            "tables": s.tables.len(),
            "indicators": s.indicators.len(),
            "online": by_cat(Category::Online),
            "offline": by_cat(Category::Offline),
            "combined": by_cat(Category::Combined),
        },
        "grades": s.grades,
        "stars": s.stars,
        "guidance": s.guidance,
        "interpretations": s.interpretations,
        "extra": s.extra,
    })
}

pub fn scheme_text(s: &Scheme) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}（{}）", s.id, s.name, s.standard);
    let _ = writeln!(
        o,
        "版本 {}  计分方法 {}",
        &s.version[..12],
        s.method.as_str()
    );
    if !s.variants.is_empty() {
        let _ = writeln!(o, "\n类别：");
        for v in &s.variants {
            let _ = writeln!(
                o,
                "  {:<18} {}：{} 张表，{} 个指标{}",
                v.id,
                v.name,
                v.tables.len(),
                s.indicators_of(Some(v)).count(),
                if v.aliases.is_empty() {
                    String::new()
                } else {
                    format!("（也可写 {}）", v.aliases.join("、"))
                }
            );
        }
    }
    let _ = writeln!(o, "\n表：");
    for t in &s.tables {
        let c = table_counts(s, &t.key);
        let mut line = format!("  {:<8} {:<22} {} 行", t.key, t.title, c["rows"]);
        if c.get("online").is_some() {
            let _ = write!(
                line,
                "（线上 {}，线下 {}，结合 {}）",
                c["online"], c["offline"], c["combined"]
            );
        }
        if let Some(p) = c.get("points_total") {
            let _ = write!(line, "，分值合计 {}", p);
        }
        let _ = writeln!(o, "{}", line);
    }
    if !s.grades.is_empty() {
        let _ = writeln!(o, "\n等级：");
        for g in &s.grades {
            let _ = writeln!(
                o,
                "  {:<6} {:<14} {}（{}）",
                g.code,
                g.label,
                g.band(),
                g.clause
            );
        }
    }
    let _ = writeln!(o, "\n解释（{} 条）：", s.interpretations.len());
    for i in &s.interpretations {
        let _ = writeln!(o, "  [{}] {} {}：{}", i.id, i.decision, i.clause, i.action);
    }
    o
}

pub fn check_json(results: &[(String, Result<Scheme, Vec<SchemeError>>)]) -> Value {
    json!(results
        .iter()
        .map(|(name, r)| match r {
            Ok(s) => json!({
                "scheme": name, "ok": true, "version": s.version,
                "tables": s.tables.len(), "indicators": s.indicators.len(),
                "interpretations": s.interpretations,
            }),
            Err(e) => json!({ "scheme": name, "ok": false, "errors": e }),
        })
        .collect::<Vec<_>>())
}

pub fn check_text(results: &[(String, Result<Scheme, Vec<SchemeError>>)]) -> String {
    let mut o = String::new();
    let mut bad = 0;
    for (name, r) in results {
        match r {
            Ok(s) => {
                let _ = writeln!(
                    o,
                    "✓ {}：{} 张表，{} 个指标，{} 条解释",
                    name,
                    s.tables.len(),
                    s.indicators.len(),
                    s.interpretations.len()
                );
                for i in &s.interpretations {
                    let _ = writeln!(
                        o,
                        "    [{}] ({}) {}：{} → {}",
                        i.id, i.decision, i.clause, i.text, i.action
                    );
                }
            }
            Err(errs) => {
                bad += 1;
                let _ = writeln!(o, "✗ {}：{} 处错误", name, errs.len());
                for e in errs {
                    let _ = writeln!(o, "    {}", e);
                }
            }
        }
    }
    let _ = writeln!(
        o,
        "\n{} 个方案，{} 个通过，{} 个有错误",
        results.len(),
        results.len() - bad,
        bad
    );
    o
}

pub fn evaluation_text(s: &Scheme, e: &Evaluation, granted: Option<&Granted>) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}（{}）{}",
        s.name,
        s.standard,
        e.variant
            .as_ref()
            .and_then(|v| s.variant(v))
            .map(|v| format!(" — {}", v.name))
            .unwrap_or_default()
    );
    if let Some(p) = &e.profile {
        let _ = writeln!(o, "评价方案配置：{}（{}）", p.name, &p.hash[..12]);
    }
    let _ = writeln!(o, "方案版本 {}", &e.scheme_version[..12]);
    let t = &e.total;
    let _ = writeln!(
        o,
        "\n总分：{} / {}（原始 {} / {}）",
        d2(t.score),
        d2(t.scale),
        d2(t.raw),
        d2(t.max)
    );
    if let Some(p) = &e.parts {
        let _ = writeln!(o, "{}", p.reason);
    }
    match &e.grade {
        Some(g) => {
            let _ = writeln!(o, "等级：{}（{}）\n  {}", g.label, g.code, g.reason);
        }
        None if !s.grades.is_empty() => {
            let _ = writeln!(o, "等级：无");
        }
        None => {}
    }
    for step in e.grade_trace.iter().filter(|s| !s.met) {
        let _ = writeln!(o, "  未达 {}：{}", step.code, step.reason);
    }
    if !e.dimensions.is_empty() {
        let _ = writeln!(o, "\n单项：");
        for d in &e.dimensions {
            let _ = writeln!(
                o,
                "  {:<10} {:>8} 分  权重 {}%  线上得分率 {}  {}",
                d.name,
                d2(d.score),
                d2(d.weight),
                d.online_ratio
                    .map(|r| format!("{}%", d2(r)))
                    .unwrap_or_else(|| "无线上指标".into()),
                if d.stars > 0 {
                    format!("{}星级", star_word(d.stars))
                } else {
                    "无单项星级".into()
                }
            );
        }
        if let Some(st) = &e.stars_explained {
            let _ = writeln!(o, "\n综合星级（结果支持）：{}", st.reason);
        }
        if let Some(g) = granted {
            let _ = writeln!(
                o,
                "授予星级：{}",
                if g.stars == 0 {
                    "无".to_string()
                } else {
                    format!("{}星级", star_word(g.stars))
                }
            );
            for r in &g.reasons {
                let _ = writeln!(o, "  - {}", r);
            }
        }
        if !e.stages.is_empty() {
            let _ = writeln!(o, "\n专项能力：");
            for st in &e.stages {
                let _ = writeln!(
                    o,
                    "  {:<10} {}%  {}（{}/{} 项已答）",
                    st.stage,
                    d2(st.score),
                    st.band.clone().unwrap_or_default(),
                    st.answered,
                    st.indicators
                );
            }
        }
    } else {
        let _ = writeln!(o, "\n各部分：");
        for n in e.nodes.iter().filter(|n| n.path.len() == 1) {
            let _ = writeln!(
                o,
                "  {:<6} {:<16} {} / {}（{}%）",
                n.table,
                n.path[0],
                d2(n.earned),
                d2(n.max),
                d2(n.percent)
            );
        }
    }
    if !e.unanswered.is_empty() {
        let _ = writeln!(
            o,
            "\n未作答 {} 项（计 0 分）：{}",
            e.unanswered.len(),
            abbreviate(&e.unanswered, 12)
        );
    }
    for w in &e.warnings {
        let _ = writeln!(o, "注意：{}", w);
    }
    if !e.interpretations.is_empty() {
        let _ = writeln!(o, "\n适用的解释（{} 条）：", e.interpretations.len());
        for i in &e.interpretations {
            let _ = writeln!(o, "  [{}] {}", i.id, i.action);
        }
    }
    o
}

/// A figure for reading: at most two decimals (JSON output keeps six).
fn d2(x: f64) -> String {
    fmt_num((x * 100.0).round() / 100.0)
}
