//! On-site from self: a body reviewer starts an on-site assessment from a submitted
//! self-assessment of an enterprise that engaged the body, its answers and evidence carried
//! over as proposals to confirm (what that means exactly: [`tianping_domain::onsite`]); and
//! the comparison of two assessments of the same enterprise and scheme, item by item.

use serde::Serialize;
use serde_json::{json, Value};
use tianping_domain::onsite::{self as rule, SourceFacts};
use tianping_domain::Mode;
use tianping_store::audit;
use tianping_store::onsite as store;
use tianping_store::repo::{self, Assessment, User};

use crate::assessments;
use crate::{actor, App, Error};

/// Start an on-site assessment from the self-assessment `self_id` (see
/// [`tianping_domain::onsite`]): same scheme, variant, profile and application facts; every
/// answer carried (value kept, note marked, source kept, self-declared ones unverified),
/// every evidence file linked; one transaction, one `create_from_self` audit entry, scored.
/// A title left empty becomes “<enterprise> <scheme> 现场评价”.
pub async fn create_from_self(
    app: &App,
    u: &User,
    self_id: i64,
    title: &str,
) -> Result<Assessment, Error> {
    let (src, _) = assessments::get(app, u, self_id).await?;
    let engaged = match u.org_id {
        Some(org) => repo::is_engaged(&app.store, org, src.enterprise_id).await?,
        None => false,
    };
    rule::may_start_from(
        &u.principal(),
        &SourceFacts {
            mode: src.mode,
            org_id: src.org_id,
            status: src.status,
        },
        engaged,
    )?;
    let (org_id, mode) = u.principal().new_assessment()?;
    debug_assert_eq!(mode, Mode::Onsite);
    let scheme = app.scheme(&src.scheme)?;
    let ent = assessments::enterprise_of(app, &src)
        .await?
        .ok_or(Error::NotFound)?;
    let title = match title.trim() {
        "" => format!("{} {} 现场评价", ent.name, scheme.name),
        t if t.chars().count() > 200 => {
            return Err(Error::invalid(
                "title",
                "标题最多 200 字",
                "The title may have at most 200 characters",
            ))
        }
        t => t.to_string(),
    };
    let mut tx = app.begin().await?;
    let a = repo::create_assessment(
        &mut tx,
        &repo::NewAssessment {
            enterprise_id: src.enterprise_id,
            org_id,
            scheme: &src.scheme,
            variant: src.variant.as_deref(),
            profile_name: src.profile_name.as_deref(),
            profile_text: src.profile_text.as_deref(),
            profile_hash: src.profile_hash.as_deref(),
            mode,
            title: &title,
            current_stars: src.current_stars,
            first_application: src.first_application != 0,
            created_by: u.id,
        },
    )
    .await?;
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let mut carried = Vec::new();
    for r in repo::answers_tx(&mut tx, src.id).await? {
        let Some(text) = r.value_json.as_deref() else {
            continue;
        };
        let v: Value = serde_json::from_str(text).map_err(|e| {
            Error::Internal(format!("answer {} is not JSON: {}", r.indicator_id, e))
        })?;
        let vj = rule::carried_value(&v).to_string();
        repo::put_answer(
            &mut tx,
            &repo::AnswerWrite {
                assessment_id: a.id,
                indicator_id: &r.indicator_id,
                value_json: Some(&vj),
                note: &rule::carried_note(&r.note),
                source: r.source,
                revision: rev,
                by: u.id,
                expert_id: None,
            },
        )
        .await?;
        carried.push(r.indicator_id);
    }
    let evidence = store::link_evidence(&mut tx, src.id, a.id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "create_from_self",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!({
            "assessment": a, "from_self": src.id, "answers_carried": carried,
            "evidence_linked": evidence,
        })),
    )
    .await?;
    let cur = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    let rows = repo::answers_tx(&mut tx, a.id).await?;
    let scored = assessments::score(app, &cur, &rows)?;
    repo::store_result(&mut tx, a.id, &scored.stored(), false).await?;
    tx.commit().await?;
    repo::get_assessment(&app.store, a.id)
        .await?
        .ok_or(Error::NotFound)
}

/// The self-assessment an on-site assessment was started from (none if created empty).
pub async fn started_from(app: &App, a: &Assessment) -> Result<Option<i64>, Error> {
    Ok(store::started_from(&app.store, a.id).await?)
}

/// One item compared: its answer in the base assessment (the self-assessment) and in the
/// compared one (the on-site assessment).
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub indicator: String,
    pub base: Option<Value>,
    pub value: Option<Value>,
    pub differs: bool,
}

/// Two assessments compared item by item, in the order of the scheme.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The assessment compared against (the self-assessment it was started from, or `with`).
    pub base: Assessment,
    pub assessment: Assessment,
    pub rows: Vec<CompareRow>,
    pub differences: usize,
}

/// Compare assessment `id` with `with` (default: the self-assessment it was started from).
/// Both must be readable by the person (404 otherwise) and of the same enterprise and
/// scheme; only items the person sees in both are compared.
pub async fn compare(app: &App, u: &User, id: i64, with: Option<i64>) -> Result<Comparison, Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    let base_id = match with {
        Some(w) => w,
        None => started_from(app, &a).await?.ok_or_else(|| {
            Error::invalid(
                "with",
                "这项评价不是据企业自评开始的；请选择要对比的另一项评价",
                "This assessment did not start from a self-assessment; choose another assessment to compare with",
            )
        })?,
    };
    let (b, base_access) = assessments::get(app, u, base_id).await?;
    if b.enterprise_id != a.enterprise_id || b.scheme != a.scheme || b.id == a.id {
        return Err(Error::invalid(
            "with",
            "只能对比同一企业、同一评价方案的另一项评价",
            "Only another assessment of the same enterprise and scheme can be compared",
        ));
    }
    let mine = assessments::answer_map(&assessments::answers(app, u, &a, &access).await?)?;
    let theirs = assessments::answer_map(&assessments::answers(app, u, &b, &base_access).await?)?;
    let plan = assessments::plan(app, &a)?;
    let rows: Vec<CompareRow> = plan
        .leaves
        .iter()
        .filter(|l| access.sees_item(&l.ind.id) && base_access.sees_item(&l.ind.id))
        .map(|l| {
            let base = theirs.get(&l.ind.id).cloned();
            let value = mine.get(&l.ind.id).cloned();
            CompareRow {
                indicator: l.ind.id.clone(),
                differs: rule::differs(base.as_ref(), value.as_ref()),
                base,
                value,
            }
        })
        .collect();
    let differences = rows.iter().filter(|r| r.differs).count();
    Ok(Comparison {
        base: b,
        assessment: a,
        rows,
        differences,
    })
}
