//! `tianping gap`: an answer file read as `evaluate` reads it, and the fewest indicator
//! changes to the next grade, level or star (or `--target`), from `tianping-insight`.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tianping_core::distance::{Condition, Target};
use tianping_core::stars::star_word;
use tianping_core::{fmt_num, AnswerKind, Plan};
use tianping_insight::{gap, parse_target, Action, Gap, GapPlan, Standing, Through};

use crate::commands::{catalog, emit, read_input};
use crate::Cli;

#[derive(Args)]
pub struct GapArgs {
    #[arg(long)]
    pub scheme: String,
    #[arg(long)]
    pub variant: Option<String>,
    /// Answers JSON, as for `tianping evaluate` (or a filled Excel template).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Profile TOML selecting and weighting indicators.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// The outcome to reach: a grade's code or label (AAA, 一级, 4, 第四级); for
    /// t11-aii-001-2020 a star level (4, 四星级) or 维度:星级 (企业信用:3). Default: the next
    /// better one (and for T11/AII each dimension's next single star).
    #[arg(long, value_name = "GRADE")]
    pub target: Option<String>,
}

pub fn run(cli: &Cli, a: &GapArgs) -> Result<ExitCode, String> {
    let cat = catalog(cli)?;
    let inp = read_input(
        &cat,
        &a.scheme,
        a.variant.as_deref(),
        &a.input,
        a.profile.as_deref(),
    )?;
    let plan =
        Plan::new(inp.scheme, inp.variant.as_deref(), inp.profile.as_ref()).map_err(|e| e.0)?;
    let answers = inp.answers(&plan)?;
    let parsed = plan
        .parse_answers(&answers)
        .map_err(|errs| inp.refusal(&errs))?;
    let target = match &a.target {
        Some(t) => Some(parse_target(&plan, t).map_err(|e| format!("--target：{}", e))?),
        None => None,
    };
    let g = gap(&plan, &parsed, target.as_ref()).map_err(|e| e.0)?;
    let json = serde_json::to_value(&g).map_err(|e| e.to_string())?;
    emit(cli, &json, || text(&plan, &g))
}

/// At most two decimals, as people read figures.
fn d2(x: f64) -> String {
    fmt_num((x * 100.0).round() / 100.0)
}

fn target_words(t: &Target) -> String {
    match t {
        Target::Grade { label, .. } => label.clone(),
        Target::Stars { stars } => format!("综合{}星级", star_word(*stars)),
        Target::DimensionStars { dimension, stars } => {
            format!("{} 单项{}星级", dimension, star_word(*stars))
        }
    }
}

fn condition_words(c: &Condition, stars: bool) -> String {
    match c {
        Condition::Total if stars => "综合得分".into(),
        Condition::Total => "得分".into(),
        Condition::BelowLevel => "低于该级的指标数".into(),
        Condition::DimensionScore { dimension } => format!("{} 单项得分", dimension),
        Condition::OnlineRatio { dimension } => format!("{} 线上指标得分率（%）", dimension),
    }
}

fn answer(kind: AnswerKind, x: f64) -> String {
    match kind {
        AnswerKind::Points => format!("{} 分", d2(x)),
        AnswerKind::Level => format!("第{}级", d2(x)),
        AnswerKind::Coefficient => format!("{}%", d2(x)),
    }
}

fn standing(o: &mut String, s: &Standing) {
    let word = if s.stars.is_some() {
        "综合得分"
    } else {
        "得分"
    };
    let _ = write!(o, "{} {}", word, d2(s.total));
    match (&s.grade, s.stars) {
        (_, Some(n)) => {
            let _ = write!(
                o,
                "，综合{}星级（结果所支持，未计申请规则 I-6）",
                star_word(n)
            );
        }
        (Some(g), None) => {
            let _ = write!(o, "，{}", g.label);
        }
        (None, None) => {
            let _ = write!(o, "，未达任何等级");
        }
    }
    let _ = writeln!(o);
    for d in &s.dimensions {
        let _ = writeln!(
            o,
            "  {}：{}，单项{}星级{}",
            d.name,
            d2(d.score),
            star_word(d.stars),
            d.online_ratio
                .map(|r| format!("，线上指标得分率 {}%", d2(r)))
                .unwrap_or_default()
        );
    }
}

fn plan_text(o: &mut String, p: &GapPlan, stars: bool) {
    let Some(t) = &p.target else {
        let _ = writeln!(
            o,
            "没有更高的等级或星级可达（或目标不高于当前结果）：无需改动。"
        );
        return;
    };
    let _ = writeln!(o, "目标：{}", target_words(t));
    if let Some(v) = &p.via {
        let _ = writeln!(
            o,
            "  （按{}的条件达到，结果为{}）",
            target_words(v),
            target_words(v)
        );
    }
    if !p.reachable {
        let _ = writeln!(o, "  任何答案都达不到这一目标。");
        return;
    }
    for c in p.conditions.iter().filter(|c| c.current != c.after) {
        let _ = writeln!(
            o,
            "  条件 {} {} {}：现为 {}，改后 {}",
            condition_words(&c.condition, stars),
            match (&c.condition, c.strict) {
                (Condition::BelowLevel, _) => "≤",
                (_, true) => ">",
                (_, false) => "≥",
            },
            d2(c.required),
            d2(c.current),
            d2(c.after)
        );
    }
    let _ = writeln!(
        o,
        "最少改动 {} 项指标，增加原始分 {}（{}）",
        p.changes.len(),
        d2(p.added),
        if p.exact {
            "已证明为最少".to_string()
        } else {
            format!(
                "未能证明为最少：至少 {} 项、至少增加 {}",
                p.lower_bound_changes,
                d2(p.lower_bound_added)
            )
        }
    );
    for (n, c) in p.changes.iter().enumerate() {
        let from = match c.from {
            None => "未答".to_string(),
            Some(x) if !c.from_counted => format!("{}（自报，未核验，不计分）", answer(c.kind, x)),
            Some(x) => answer(c.kind, x),
        };
        let what = match c.action {
            Action::Answer => "作答".to_string(),
            Action::Raise => "提高".to_string(),
            Action::Verify => "经核验后计分（I-6）".to_string(),
            Action::RaiseAndVerify => "提高并经核验".to_string(),
        };
        let _ = writeln!(
            o,
            "  {}. {} {}：{} → {}（{}）",
            n + 1,
            c.indicator,
            c.path.join(" / "),
            from,
            answer(c.kind, c.to),
            what
        );
        match &c.through {
            Some(Through::ExpertPanel { mean, min_experts }) => {
                let _ = writeln!(
                    o,
                    "     专家评审：至少 {} 位专家的平均分须达到 {}（I-13）",
                    min_experts,
                    d2(*mean)
                );
            }
            Some(Through::Questionnaire { mean }) => {
                let _ = writeln!(o, "     问卷：平均回答须达到 {}（1–5，I-13）", d2(*mean));
            }
            None => {}
        }
        let effects: Vec<String> = c
            .effects
            .iter()
            .filter(|e| e.condition != Condition::Total)
            .map(|e| match e.condition {
                Condition::BelowLevel => "低于该级的指标减少 1 项".to_string(),
                _ => format!("{} +{}", condition_words(&e.condition, stars), d2(e.delta)),
            })
            .collect();
        let _ = writeln!(
            o,
            "     原始分 +{}，{} +{}{}",
            d2(c.added),
            if stars { "综合得分" } else { "得分" },
            d2(c.total),
            if effects.is_empty() {
                String::new()
            } else {
                format!("；{}", effects.join("；"))
            }
        );
        for g in &c.guidance {
            let _ = writeln!(o, "     {}：{}", g.title, g.text.join(" "));
        }
    }
    if let Some(r) = &p.result {
        let _ = write!(o, "改动后：");
        standing(o, r);
    }
}

pub fn text(plan: &Plan, g: &Gap) -> String {
    let s = plan.scheme;
    let stars = s.stars.is_some();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}（{}）{}",
        s.name,
        s.standard,
        plan.variant
            .map(|v| format!(" — {}", v.name))
            .unwrap_or_default()
    );
    let _ = write!(o, "\n当前：");
    standing(&mut o, &g.current);
    let _ = writeln!(o);
    plan_text(&mut o, &g.plan, stars);
    if !g.dimension_plans.is_empty() {
        let _ = writeln!(
            o,
            "\n各维度的下一单项星级（表1，单项星级只在现场审查时颁发）："
        );
        for p in &g.dimension_plans {
            let _ = writeln!(o);
            plan_text(&mut o, p, stars);
        }
    }
    o
}
