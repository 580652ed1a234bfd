//! Generated data for benchmarks and load tests (issue 14, `tianping bench-data`): N
//! enterprises of one evaluation body, each with one to three sites and one assessment (a
//! quarter also an earlier one, a year before and weaker), spread over every scheme of the
//! catalog. Each enterprise has a maturity drawn from a bell-shaped distribution; its
//! answers scatter around it on each indicator's scale, so scores and grades spread as a
//! real register's do. A tenth are drafts, with some indicators unanswered.
//!
//! Every assessment gets its packed answers and its result's figures (scored by the fast
//! path, as `tianping regrade` checks them); a share (`explained`, percent) also gets its
//! per-answer rows with their first version and the full explained result, scored by the
//! same use case as a save. The generator is seeded: the same seed gives the same data.
//! Bulk inserts, several rows per statement, one transaction per chunk.

use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tianping_core::{pack, AnswerKind, Plan};
use tianping_domain::{AssessmentStatus, Mode, OrgKind, Role};
use tianping_store::bulk_insert::{self, V};
use tianping_store::{audit, packs, repo};

use crate::plans::PackLayout;
use crate::{accounts, assessments, regrade, App};

/// The password of the generated body admin (`bench@tianping.test`), for load scripts.
pub const PASSWORD: &str = "tianping-bench-2026";
pub const EMAIL: &str = "bench@tianping.test";

/// Enterprises per transaction.
const CHUNK: u64 = 5000;

/// Share of assessments per scheme id (others in the catalog get 10).
const WEIGHTS: [(&str, u32); 5] = [
    ("sme-service-2020", 40),
    ("t-sdditai-5121-2023", 25),
    ("t-cic-capability", 15),
    ("eepc-certification", 12),
    ("t11-aii-001-2020", 8),
];

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub enterprises: u64,
    pub sites: u64,
    pub assessments: u64,
    pub explained: u64,
    pub seconds: f64,
}

/// splitmix64: a good 64-bit stream from any seed (deterministic, no IO).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One plan the generator draws from.
struct Target {
    plan: Arc<Plan<'static>>,
    layout: Arc<PackLayout>,
    variant: Option<String>,
    weight: u32,
}

/// What one enterprise adds.
#[derive(Default)]
struct Rows {
    enterprises: Vec<Vec<V>>,
    sites: Vec<Vec<V>>,
    engagements: Vec<Vec<V>>,
    assessments: Vec<Vec<V>>,
    packs: Vec<Vec<V>>,
    /// The explained ones' stored results (`assessment_results`, migration 0021).
    results: Vec<Vec<V>>,
    answers: Vec<Vec<V>>,
    versions: Vec<Vec<V>>,
    explained: u64,
}

impl Rows {
    fn extend(&mut self, o: Rows) {
        self.enterprises.extend(o.enterprises);
        self.sites.extend(o.sites);
        self.engagements.extend(o.engagements);
        self.assessments.extend(o.assessments);
        self.packs.extend(o.packs);
        self.results.extend(o.results);
        self.answers.extend(o.answers);
        self.versions.extend(o.versions);
        self.explained += o.explained;
    }
}

/// A valid unified social credit code for enterprise `n` (GB 32100: registered in Shanghai,
/// organisation code from `n` with its check character, then the code's own).
fn uscc(n: u64) -> String {
    let body = format!("{:08}", n % 100_000_000);
    let org = tianping_calc::uscc::organization_check_char(&body).unwrap_or('0');
    let first17 = format!("91310115{body}{org}");
    let check = tianping_calc::uscc::check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn day(days_from_2023: u64) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default()
        + chrono::Days::new(days_from_2023);
    format!("{}T02:00:00.000Z", d.format("%Y-%m-%d"))
}

/// Answers around `maturity` (0–1) on each leaf's scale; `gaps` of them left unanswered.
fn answers(plan: &Plan, maturity: f64, gaps: f64, rng: &mut Rng) -> Vec<Option<f64>> {
    plan.leaves
        .iter()
        .map(|l| {
            if rng.unit() < gaps {
                return None;
            }
            let m = (maturity + (rng.unit() - 0.5) * 0.5).clamp(0.0, 1.0);
            Some(match plan.kind {
                AnswerKind::Points => (m * l.answer_max * 2.0).round() / 2.0,
                AnswerKind::Level => (m * 5.0).round(),
                AnswerKind::Coefficient => (m * 100.0).round(),
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn assessment(
    app: &App,
    t: &Target,
    id: i64,
    enterprise_id: i64,
    org_id: i64,
    user_id: i64,
    at: &str,
    draft: bool,
    explained: bool,
    values: &[Option<f64>],
    out: &mut Rows,
) -> Result<(), String> {
    let mode = if t.plan.scheme.method == tianping_core::Method::Dimensions && id % 3 == 0 {
        Mode::Onsite
    } else {
        Mode::SelfEvaluation
    };
    let status = if draft {
        AssessmentStatus::Draft
    } else {
        AssessmentStatus::Submitted
    };
    let title = format!("{} 年度{}", &at[..4], t.plan.scheme.name);
    let (score, grade, stars, result_json, pack) = if explained {
        let rows: Vec<repo::AnswerRow> = t
            .plan
            .leaves
            .iter()
            .zip(values)
            .filter_map(|(l, v)| {
                v.map(|v| repo::AnswerRow {
                    assessment_id: id,
                    indicator_id: l.ind.id.clone(),
                    value_json: Some(tianping_core::fmt_num(v)),
                    note: String::new(),
                    source: None,
                    revision: 1,
                    updated_by: user_id,
                    updated_at: at.to_string(),
                })
            })
            .collect();
        let a = repo::Assessment {
            id,
            enterprise_id,
            org_id: Some(org_id),
            scheme: t.plan.scheme.id.clone(),
            variant: t.variant.clone(),
            profile_name: None,
            profile_text: None,
            profile_hash: None,
            mode,
            title: title.clone(),
            current_stars: 0,
            first_application: 1,
            status,
            revision: 1,
            created_by: user_id,
            created_at: at.to_string(),
            updated_at: at.to_string(),
            submitted_at: None,
            submitted_by: None,
            scheme_version: None,
            engine_version: None,
            result_json: None,
            score: None,
            grade: None,
            stars: None,
            result_at: None,
            explanation_stale: 0,
            result_seq: 0,
        };
        let s = assessments::score(app, &a, &rows).map_err(|e| e.detail(crate::Lang::Zh))?;
        for r in rows {
            let v = r.value_json.clone();
            out.answers.push(vec![
                V::I(id),
                V::T(r.indicator_id.clone()),
                V::OT(v.clone()),
                V::T(String::new()),
                V::I(1),
                V::I(user_id),
                V::T(at.to_string()),
            ]);
            out.versions.push(vec![
                V::I(id),
                V::T(r.indicator_id),
                V::I(1),
                V::OT(v),
                V::T(String::new()),
                V::I(user_id),
                V::T(at.to_string()),
            ]);
        }
        out.explained += 1;
        (s.score, s.grade, s.stars, Some(s.result_json), s.pack)
    } else {
        let vals: Vec<f64> = values.iter().map(|v| v.unwrap_or(pack::NONE)).collect();
        let (score, grade, stars) = regrade::quick_figures(&t.plan, &vals, mode, 0, true);
        (score, grade, stars, None, pack::encode(&vals))
    };
    out.assessments.push(vec![
        V::I(id),
        V::I(enterprise_id),
        V::I(org_id),
        V::T(t.plan.scheme.id.clone()),
        V::OT(t.variant.clone()),
        V::T(mode.as_str().into()),
        V::T(title),
        V::T(status.as_str().into()),
        V::I(1),
        V::I(user_id),
        V::T(at.to_string()),
        V::T(at.to_string()),
        V::OT((!draft).then(|| at.to_string())),
        V::OI((!draft).then_some(user_id)),
        V::T(t.plan.scheme.version.clone()),
        V::T(tianping_core::ENGINE_VERSION.into()),
        V::F(Some(score)),
        V::OT(grade),
        V::OI(stars),
        V::T(at.to_string()),
    ]);
    out.packs
        .push(vec![V::I(id), V::T(t.layout.digest.clone()), V::B(pack)]);
    if let Some(text) = result_json {
        out.results.push(vec![V::I(id), V::T(text)]);
    }
    Ok(())
}

const ASSESSMENT_COLS: [&str; 20] = [
    "id",
    "enterprise_id",
    "org_id",
    "scheme",
    "variant",
    "mode",
    "title",
    "status",
    "revision",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "submitted_by",
    "scheme_version",
    "engine_version",
    "score",
    "grade",
    "stars",
    "result_at",
];

/// Fill an empty database with `enterprises` generated enterprises.
pub async fn generate(
    app: &App,
    enterprises: u64,
    explained_percent: f64,
    seed: u64,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Summary, String> {
    let started = Instant::now();
    let err = |e: tianping_store::StoreError| e.to_string();
    if enterprises == 0 {
        return Err("--enterprises 须为正整数，例如 --enterprises 1000".into());
    }
    if !(0.0..=100.0).contains(&explained_percent) {
        return Err(format!(
            "--explained {explained_percent} 无效：应为 0 到 100 之间的百分比"
        ));
    }
    for table in ["enterprises", "assessments", "users"] {
        let n = bulk_insert::count(&app.store, table).await.map_err(err)?;
        if n > 0 {
            return Err(format!(
                "数据库中已有数据（{table} 表有 {n} 行）：bench-data 只写入空数据库，请新建一个 SQLite 文件或 PostgreSQL 数据库"
            ));
        }
    }
    // the plans drawn from, with their weights
    let mut targets = Vec::new();
    for s in &app.catalog.schemes {
        let weight = WEIGHTS
            .iter()
            .find(|(id, _)| *id == s.id)
            .map(|w| w.1)
            .unwrap_or(10);
        let variants: Vec<Option<String>> = if s.variants.is_empty() {
            vec![None]
        } else {
            s.variants.iter().map(|v| Some(v.id.clone())).collect()
        };
        let n = variants.len() as u32;
        for v in variants {
            let (plan, layout) = app
                .plans
                .get_packed(s, v.as_deref(), None, None)
                .map_err(|e| e.detail(crate::Lang::Zh))?;
            targets.push(Target {
                plan,
                layout,
                variant: v,
                weight: (weight * 12 / n).max(1),
            });
        }
    }
    let total_weight: u32 = targets.iter().map(|t| t.weight).sum();
    let hash = accounts::hash_password_async(PASSWORD.into())
        .await
        .map_err(|e| e.detail(crate::Lang::Zh))?;
    let mut tx = app.begin().await.map_err(|e| e.to_string())?;
    let org = repo::create_org(&mut tx, OrgKind::Body, "基准测试评价机构")
        .await
        .map_err(err)?;
    let user = repo::create_user(
        &mut tx,
        &repo::NewUser {
            email: EMAIL,
            name: "基准测试管理员",
            password_hash: &hash,
            role: Role::BodyAdmin,
            org_id: Some(org.id),
            enterprise_id: None,
        },
    )
    .await
    .map_err(err)?;
    for t in &targets {
        packs::put_layout(&mut tx, &t.layout.digest, &t.layout.text)
            .await
            .map_err(err)?;
    }
    tx.commit().await.map_err(err)?;
    let explained_every = if explained_percent <= 0.0 {
        u64::MAX
    } else {
        (100.0 / explained_percent).round().max(1.0) as u64
    };
    let mut summary = Summary {
        enterprises,
        sites: 0,
        assessments: 0,
        explained: 0,
        seconds: 0.0,
    };
    let mut start = 0u64;
    while start < enterprises {
        let end = (start + CHUNK).min(enterprises);
        let parts: Vec<Result<Rows, String>> = (start..end)
            .into_par_iter()
            .map(|n| {
                let mut rng = Rng(seed ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03));
                let mut out = Rows::default();
                let eid = n as i64 + 1;
                let at = day(rng.below(1400));
                out.enterprises.push(vec![
                    V::I(eid),
                    V::T(uscc(n + 1)),
                    V::T(format!("天平基准{}号科技有限公司", n + 1)),
                    V::T(format!("上海市浦东新区张江路{}号", n % 2000 + 1)),
                    V::T(format!("C{}", 3911 + n % 40)),
                    V::I(10 + rng.below(2000) as i64),
                    V::T(at.clone()),
                    V::T(at.clone()),
                ]);
                for k in 0..1 + rng.below(3) {
                    out.sites.push(vec![
                        V::I(eid),
                        V::T(if k == 0 {
                            "总部".into()
                        } else {
                            format!("第{}生产基地", k)
                        }),
                        V::T(format!("上海市松江区{}号", n % 900 + k + 1)),
                        V::I(5 + rng.below(500) as i64),
                    ]);
                }
                out.engagements
                    .push(vec![V::I(org.id), V::I(eid), V::T(at.clone())]);
                // which plan: by weight
                let mut w = rng.below(total_weight as u64) as u32;
                let t = targets
                    .iter()
                    .find(|t| {
                        if w < t.weight {
                            true
                        } else {
                            w -= t.weight;
                            false
                        }
                    })
                    .unwrap_or(&targets[0]);
                // maturity: the mean of three uniforms (bell-shaped around 0.6)
                let maturity = 0.15 + 0.8 * (rng.unit() + rng.unit() + rng.unit()) / 3.0;
                let earlier = n % 4 == 3;
                let base_id = (n + n / 4) as i64 + 1; // ids are dense: earlier ones interleave
                if earlier {
                    let vals = answers(&t.plan, (maturity - 0.12).max(0.0), 0.0, &mut rng);
                    let before = day(rng.below(1000));
                    assessment(
                        app,
                        t,
                        base_id,
                        eid,
                        org.id,
                        user.id,
                        &before,
                        false,
                        (base_id as u64).is_multiple_of(explained_every),
                        &vals,
                        &mut out,
                    )?;
                }
                let id = base_id + earlier as i64;
                let draft = rng.below(10) == 0;
                let vals = answers(&t.plan, maturity, if draft { 0.3 } else { 0.0 }, &mut rng);
                assessment(
                    app,
                    t,
                    id,
                    eid,
                    org.id,
                    user.id,
                    &at,
                    draft,
                    (id as u64).is_multiple_of(explained_every),
                    &vals,
                    &mut out,
                )?;
                Ok(out)
            })
            .collect();
        let mut rows = Rows::default();
        for p in parts {
            rows.extend(p?);
        }
        summary.sites += rows.sites.len() as u64;
        summary.assessments += rows.assessments.len() as u64;
        summary.explained += rows.explained;
        let mut tx = app.begin().await.map_err(|e| e.to_string())?;
        let ins = |t: &'static str, c: &'static [&'static str]| (t, c);
        for ((table, cols), data) in [
            (
                ins(
                    "enterprises",
                    &[
                        "id",
                        "uscc",
                        "name",
                        "registered_address",
                        "industry_code",
                        "headcount",
                        "created_at",
                        "updated_at",
                    ],
                ),
                &rows.enterprises,
            ),
            (
                ins("sites", &["enterprise_id", "name", "address", "headcount"]),
                &rows.sites,
            ),
            (
                ins("engagements", &["org_id", "enterprise_id", "created_at"]),
                &rows.engagements,
            ),
            (ins("assessments", &ASSESSMENT_COLS), &rows.assessments),
            (
                ins("answer_packs", &["assessment_id", "layout", "pack"]),
                &rows.packs,
            ),
            (
                ins("assessment_results", &["assessment_id", "result_json"]),
                &rows.results,
            ),
            (
                ins(
                    "answers",
                    &[
                        "assessment_id",
                        "indicator_id",
                        "value_json",
                        "note",
                        "revision",
                        "updated_by",
                        "updated_at",
                    ],
                ),
                &rows.answers,
            ),
            (
                ins(
                    "answer_versions",
                    &[
                        "assessment_id",
                        "indicator_id",
                        "revision",
                        "value_json",
                        "note",
                        "changed_by",
                        "changed_at",
                    ],
                ),
                &rows.versions,
            ),
        ] {
            bulk_insert::insert(&mut tx, table, cols, data)
                .await
                .map_err(err)?;
        }
        tx.commit().await.map_err(err)?;
        start = end;
        progress(start, enterprises);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    let mut tx = app.begin().await.map_err(|e| e.to_string())?;
    bulk_insert::advance_sequences(&mut tx, &["enterprises", "assessments"])
        .await
        .map_err(err)?;
    audit::append(
        &mut tx,
        &crate::actor(&user),
        "bench_data",
        "database",
        "bench-data",
        None,
        Some(&serde_json::to_value(&summary).unwrap_or_default()),
    )
    .await
    .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(summary)
}
