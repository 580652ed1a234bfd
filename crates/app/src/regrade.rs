//! Bulk re-grading (issue 14, DESIGN I-24): every stored result is scored again from the same
//! answers under the current scheme and engine, and a result that no longer stands is
//! replaced (or, with `verify`, only reported).
//!
//! Each assessment's answers are read from its pack (`tianping_core::pack`, one row) and
//! scored by the fast path (`Plan::quick`: total, grade, stars) on every core; only where the
//! full explained result is stored — or no pack exists yet — are the per-answer rows read and
//! the explanation derived again and compared byte for byte. Batches are written with one
//! audit entry per replaced result in one transaction, together with how far the run got,
//! so an interrupted run goes on where it stopped. The decision is
//! `tianping_core::regrade::differences`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use tianping_core::pack::{self, Layout, Remap};
use tianping_core::regrade::{differences, Figures};
use tianping_core::stars::{apply_rules, Application};
use tianping_core::{Method, Plan};
use tianping_domain::Mode;
use tianping_store::regrade::{self as store, Regraded, Run, Stored};
use tianping_store::{audit, packs, repo};

use crate::plans::PackLayout;
use crate::{assessments, App};

/// What to re-grade and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this scheme's assessments.
    pub scheme: Option<String>,
    /// Report only; write nothing but the run's progress.
    pub verify: bool,
    /// Start again from the first assessment even if a run of this kind was interrupted.
    pub restart: bool,
    /// Assessments per batch (read, scored and written together).
    pub batch: usize,
}

impl Options {
    pub fn verify() -> Options {
        Options {
            scheme: None,
            verify: true,
            restart: false,
            batch: 2000,
        }
    }

    pub fn update() -> Options {
        Options {
            verify: false,
            ..Options::verify()
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub assessment_id: i64,
    pub message: String,
}

/// How a run went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub run: i64,
    /// The id after which an interrupted run went on, when it did.
    pub resumed_after: Option<i64>,
    /// Assessments with a result when the run started.
    pub total: i64,
    pub checked: usize,
    pub identical: usize,
    /// Results that no longer stand.
    pub changed: usize,
    /// Results that could not be scored again.
    pub failed: usize,
    /// Results replaced (0 with `verify`).
    pub updated: usize,
    /// Scored from the pack by the fast path / re-derived in full.
    pub fast: usize,
    pub full: usize,
    /// The first differences, one line each (at most [`KEEP`]).
    pub differences: Vec<Difference>,
    pub differences_left_out: usize,
    pub seconds: f64,
}

/// Differences listed at most (the counts cover all).
pub const KEEP: usize = 1000;

/// Progress after each batch.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub changed: u64,
}

/// The first place two JSON values differ, as a path.
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = format!("{}/{}", path, k);
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &p) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{}：新结果中没有", p)),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{}/{}：存储的结果中没有", path, k))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!(
                    "{}：存储 {} 项，重算 {} 项",
                    path,
                    x.len(),
                    y.len()
                ));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (v, w))| first_difference(v, w, &format!("{}/{}", path, i)))
        }
        _ if a == b => None,
        _ => Some(format!(
            "{}：存储 {}，重算 {}",
            if path.is_empty() { "/" } else { path },
            a,
            b
        )),
    }
}

/// One assessment's outcome.
enum Outcome {
    Same,
    Changed {
        new: Regraded,
        why: Vec<String>,
        before: Value,
    },
    Failed(String),
    /// No usable pack, or the explanation is stored: the full path decides.
    Full,
}

/// What the fast path needs of one assessment, resolved before the parallel part.
struct Prepared {
    plan: Arc<Plan<'static>>,
    remap: Option<Arc<Remap>>,
}

/// The plans and layout mappings of a run, resolved once each.
struct Resolver {
    layouts: HashMap<String, Layout>,
    remaps: HashMap<(String, String), Arc<Remap>>,
}

impl Resolver {
    async fn load(app: &App) -> Result<Resolver, String> {
        let mut layouts = HashMap::new();
        for (digest, text) in packs::layouts(&app.store)
            .await
            .map_err(|e| e.to_string())?
        {
            app.plans.layout_stored(&digest);
            layouts.insert(digest, Layout::parse(&text));
        }
        Ok(Resolver {
            layouts,
            remaps: HashMap::new(),
        })
    }

    fn prepare(&mut self, app: &App, s: &Stored) -> Result<Prepared, String> {
        let scheme = app
            .catalog
            .get(&s.scheme)
            .ok_or_else(|| format!("方案 {} 不在当前方案目录中", s.scheme))?;
        let (plan, own): (Arc<Plan<'static>>, Arc<PackLayout>) = app
            .plans
            .get_packed(
                scheme,
                s.variant.as_deref(),
                s.profile_text.as_deref(),
                s.profile_hash.as_deref(),
            )
            .map_err(|e| format!("无法建立评价计划：{}", e.detail(tianping_domain::Lang::Zh)))?;
        let remap = match s.layout.as_deref() {
            None => None,
            Some(d) if d == own.digest => Some(Arc::new(Remap::Same)),
            Some(d) => match self.remaps.get(&(d.to_string(), own.digest.clone())) {
                Some(r) => Some(r.clone()),
                None => self.layouts.get(d).map(|l| {
                    let r = Arc::new(l.map_to(&plan));
                    self.remaps
                        .insert((d.to_string(), own.digest.clone()), r.clone());
                    r
                }),
            },
        };
        Ok(Prepared { plan, remap })
    }
}

fn stored_figures(s: &Stored) -> Figures<'_> {
    Figures {
        score: s.score,
        grade: s.grade.as_deref(),
        stars: s.stars,
        scheme_version: s.scheme_version.as_deref(),
        engine_version: s.engine_version.as_deref(),
    }
}

fn figures_json(f: &Figures) -> Value {
    json!({"score": f.score, "grade": f.grade, "stars": f.stars,
        "scheme_version": f.scheme_version, "engine_version": f.engine_version})
}

/// The figures a result stores, by the fast path from values in leaf order (see
/// `tianping_core::pack`): score (six decimals, as stored), grade code, and for the star
/// scheme the stars granted under the application rules (I-6).
pub fn quick_figures(
    plan: &Plan,
    values: &[f64],
    mode: Mode,
    current_stars: i64,
    first_application: bool,
) -> (f64, Option<String>, Option<i64>) {
    let q = plan.quick(values);
    let stars = (plan.scheme.method == Method::Dimensions).then(|| {
        apply_rules(
            Application {
                current_stars: current_stars.clamp(0, 5) as u8,
                first_application,
                mode: mode.core(),
            },
            q.stars,
            &[],
        )
        .stars as i64
    });
    let score = (q.total * 1e6).round() / 1e6;
    let grade = q.grade.map(|g| plan.scheme.grades[g].code.clone());
    (score, grade, stars)
}

/// The fast path: score the pack, decide.
fn fast(s: &Stored, p: &Prepared) -> Outcome {
    let (Some(remap), Some(bytes)) = (&p.remap, &s.pack) else {
        return Outcome::Full;
    };
    let mut stored = Vec::new();
    if pack::decode_into(bytes, &mut stored).is_none() {
        return Outcome::Full;
    }
    let mut values = Vec::with_capacity(p.plan.leaves.len());
    if let Err(i) = remap.apply(&stored, &mut values) {
        return Outcome::Failed(format!(
            "第 {} 个已存答案的指标不在当前方案中，无法按当前方案重算",
            i + 1
        ));
    }
    let mode = Mode::try_from(s.mode.clone()).unwrap_or(Mode::SelfEvaluation);
    let (score, grade, stars) = quick_figures(
        &p.plan,
        &values,
        mode,
        s.current_stars,
        s.first_application != 0,
    );
    let scheme = p.plan.scheme;
    let fresh = Figures {
        score: Some(score),
        grade: grade.as_deref(),
        stars,
        scheme_version: Some(&scheme.version),
        engine_version: Some(tianping_core::ENGINE_VERSION),
    };
    let old = stored_figures(s);
    let why = differences(&old, &fresh);
    if why.is_empty() {
        return Outcome::Same;
    }
    Outcome::Changed {
        before: figures_json(&old),
        new: Regraded {
            id: s.id,
            score,
            grade: grade.clone(),
            stars,
            scheme_version: scheme.version.clone(),
            engine_version: tianping_core::ENGINE_VERSION.into(),
            result_json: None,
        },
        why,
    }
}

/// The full path: the answers' rows, the explained evaluation, the bytes compared. Also
/// returns the pack to write when the stored one is missing or differs.
fn full(
    app: &App,
    a: &repo::Assessment,
    rows: &[repo::AnswerRow],
    stored_pack: Option<&[u8]>,
) -> (Outcome, Option<assessments::Scored>) {
    let scored = match assessments::score(app, a, rows) {
        Ok(s) => s,
        Err(e) => {
            return (
                Outcome::Failed(format!("无法重算：{}", e.detail(tianping_domain::Lang::Zh))),
                None,
            )
        }
    };
    let old = Figures {
        score: a.score,
        grade: a.grade.as_deref(),
        stars: a.stars,
        scheme_version: a.scheme_version.as_deref(),
        engine_version: a.engine_version.as_deref(),
    };
    let fresh = Figures {
        score: Some(scored.score),
        grade: scored.grade.as_deref(),
        stars: scored.stars,
        scheme_version: Some(&scored.scheme_version),
        engine_version: Some(tianping_core::ENGINE_VERSION),
    };
    let mut why = differences(&old, &fresh);
    // a stale explanation (migration 0019) is rebuilt when read, not compared
    if let Some(text) = a
        .result_json
        .as_deref()
        .filter(|_| a.explanation_stale == 0)
    {
        // byte for byte (re-parsing floats could move them by one unit in the last place);
        // name the first differing field
        if text != scored.result_json {
            let stored: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            let fresh: Value = serde_json::from_str(&scored.result_json).unwrap_or(Value::Null);
            let d = first_difference(&stored, &fresh, "").unwrap_or_else(|| {
                let at = text
                    .bytes()
                    .zip(scored.result_json.bytes())
                    .take_while(|(x, y)| x == y)
                    .count();
                format!("第 {} 个字节起不同", at)
            });
            why.push(format!("结果不同：{}", d));
        }
    }
    let repack = stored_pack != Some(scored.pack.as_slice());
    let outcome = if why.is_empty() {
        Outcome::Same
    } else {
        Outcome::Changed {
            before: figures_json(&old),
            new: Regraded {
                id: a.id,
                score: scored.score,
                grade: scored.grade.clone(),
                stars: scored.stars,
                scheme_version: scored.scheme_version.clone(),
                engine_version: tianping_core::ENGINE_VERSION.into(),
                result_json: a
                    .result_json
                    .as_ref()
                    .filter(|t| **t != scored.result_json)
                    .map(|_| scored.result_json.clone()),
            },
            why,
        }
    };
    (outcome, repack.then_some(scored))
}

/// Re-grade every stored result (of `opts.scheme` when given); `progress` is called after
/// each batch.
pub async fn regrade(
    app: &App,
    opts: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report, String> {
    let started = Instant::now();
    let err = |e: tianping_store::StoreError| e.to_string();
    let scheme_key = opts.scheme.clone().unwrap_or_default();
    if let Some(sc) = &opts.scheme {
        if app.catalog.get(sc).is_none() {
            return Err(format!("--scheme {sc}：{}", app.catalog.unknown(sc)));
        }
    }
    let mut report = Report {
        total: store::count(&app.store, opts.scheme.as_deref())
            .await
            .map_err(err)?,
        ..Report::default()
    };
    let mut run = match store::unfinished(&app.store, &scheme_key, opts.verify)
        .await
        .map_err(err)?
    {
        Some(r) if !opts.restart && r.last_id > 0 => {
            report.resumed_after = Some(r.last_id);
            r
        }
        _ => {
            let mut tx = app.begin().await.map_err(|e| e.to_string())?;
            let id = store::start(&mut tx, &scheme_key, opts.verify)
                .await
                .map_err(err)?;
            tx.commit().await.map_err(err)?;
            Run {
                id,
                scheme: scheme_key.clone(),
                verify: opts.verify as i64,
                started_at: String::new(),
                last_id: 0,
                checked: 0,
                changed: 0,
                failed: 0,
                updated: 0,
                finished_at: None,
            }
        }
    };
    report.run = run.id;
    let mut resolver = Resolver::load(app).await?;
    let mut done_before = run.checked as u64;
    // the next batch is read while this one is scored and written
    let fetch = |after: i64| {
        let (s, scheme, limit) = (
            app.store.clone(),
            opts.scheme.clone(),
            opts.batch.max(1) as i64,
        );
        tokio::spawn(async move { store::batch(&s, after, scheme.as_deref(), limit).await })
    };
    let mut next = fetch(run.last_id);
    loop {
        let rows = next.await.map_err(|e| e.to_string())?.map_err(err)?;
        let Some(last) = rows.last().map(|r| r.id) else {
            break;
        };
        next = fetch(last);
        if rows.iter().any(|r| {
            r.layout
                .as_ref()
                .is_some_and(|d| !resolver.layouts.contains_key(d))
        }) {
            resolver = Resolver::load(app).await?; // a layout stored since the run began
        }
        let prepared: Vec<Result<Prepared, String>> =
            rows.iter().map(|s| resolver.prepare(app, s)).collect();
        let mut outcomes: Vec<Outcome> = rows
            .par_iter()
            .zip(&prepared)
            .map(|(s, p)| match p {
                Err(e) => Outcome::Failed(e.clone()),
                Ok(_) if s.explained => Outcome::Full,
                Ok(p) => fast(s, p),
            })
            .collect();
        // the full path, where the explanation is stored or the pack cannot be used
        let full_ids: Vec<i64> = rows
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| matches!(o, Outcome::Full))
            .map(|(s, _)| s.id)
            .collect();
        let mut repacks: Vec<(i64, assessments::Scored)> = Vec::new();
        if !full_ids.is_empty() {
            let mut by_id: HashMap<i64, Vec<repo::AnswerRow>> = HashMap::new();
            for chunk in full_ids.chunks(500) {
                for r in store::answers_of(&app.store, chunk).await.map_err(err)? {
                    by_id.entry(r.assessment_id).or_default().push(r);
                }
            }
            let mut list = Vec::with_capacity(full_ids.len());
            for chunk in full_ids.chunks(500) {
                list.extend(
                    store::assessments_of(&app.store, chunk)
                        .await
                        .map_err(err)?,
                );
            }
            let packs_by_id: HashMap<i64, &[u8]> = rows
                .iter()
                .filter_map(|s| s.pack.as_deref().map(|p| (s.id, p)))
                .collect();
            let empty = Vec::new();
            let results: Vec<(i64, Outcome, Option<assessments::Scored>)> = list
                .par_iter()
                .map(|a| {
                    let rows = by_id.get(&a.id).unwrap_or(&empty);
                    let (o, repack) = full(app, a, rows, packs_by_id.get(&a.id).copied());
                    (a.id, o, repack)
                })
                .collect();
            let mut at: HashMap<i64, usize> = HashMap::new();
            for (i, s) in rows.iter().enumerate() {
                at.insert(s.id, i);
            }
            for (id, o, repack) in results {
                if let Some(&i) = at.get(&id) {
                    outcomes[i] = o;
                }
                if let Some(s) = repack {
                    repacks.push((id, s));
                }
            }
        }
        // count, and collect what to write
        let mut writes = Vec::new();
        let mut changes = Vec::new();
        report.full += full_ids.len();
        report.fast += rows.len() - full_ids.len();
        for (s, o) in rows.iter().zip(outcomes) {
            report.checked += 1;
            let mut note = |msg: String| {
                if report.differences.len() < KEEP {
                    report.differences.push(Difference {
                        assessment_id: s.id,
                        message: msg,
                    });
                } else {
                    report.differences_left_out += 1;
                }
            };
            match o {
                Outcome::Same | Outcome::Full => report.identical += 1,
                Outcome::Failed(m) => {
                    report.failed += 1;
                    note(m);
                }
                Outcome::Changed { new, why, before } => {
                    report.changed += 1;
                    for w in &why {
                        note(w.clone());
                    }
                    changes.push(audit::Change {
                        object_id: s.id.to_string(),
                        before_json: Some(before.to_string()),
                        after_json: Some(
                            json!({"score": new.score, "grade": new.grade,
                                "stars": new.stars, "scheme_version": new.scheme_version,
                                "engine_version": new.engine_version, "why": why})
                            .to_string(),
                        ),
                    });
                    writes.push(new);
                }
            }
        }
        run.last_id = last;
        run.checked = done_before as i64 + rows.len() as i64;
        run.changed += changes.len() as i64;
        run.failed = report.failed as i64;
        let mut tx = app.begin().await.map_err(|e| e.to_string())?;
        if !opts.verify {
            store::write(&mut tx, &writes).await.map_err(err)?;
            for (id, s) in &repacks {
                if let Some(p) = s.stored().pack {
                    packs::put(&mut tx, *id, &p).await.map_err(err)?;
                }
            }
            audit::append_many(
                &mut tx,
                &audit::Actor::system(),
                "rescore",
                "assessment",
                &changes,
            )
            .await
            .map_err(err)?;
            report.updated += writes.len();
            run.updated += writes.len() as i64;
        }
        store::advance(&mut tx, &run).await.map_err(err)?;
        tx.commit().await.map_err(err)?;
        done_before = run.checked as u64;
        progress(Progress {
            done: done_before,
            total: report.total.max(0) as u64,
            changed: run.changed as u64,
        });
    }
    let mut tx = app.begin().await.map_err(|e| e.to_string())?;
    store::finish(&mut tx, run.id).await.map_err(err)?;
    tx.commit().await.map_err(err)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
