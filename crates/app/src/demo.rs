//! The demo dataset: an evaluation body with an admin, auditors, experts and a decider; a
//! platform with an operator; a system administrator; several enterprises of different types
//! and categories; assessments in every scheme, some submitted and some in progress.
//! Seeding is idempotent: a database that already has users is left as it is. Everything is
//! created through the use cases (invitations, sign-up, answers) and obeys their rules.

use serde_json::{json, Value};
use tianping_core::{AnswerKind, Method, Plan};
use tianping_domain::enterprise::{EnterpriseInput, SiteInput};
use tianping_domain::{Lang, Role};
use tianping_store::repo;

use crate::accounts::{self, SignupInput};
use crate::admin::{self, InviteInput};
use crate::answers::{self, AnswerInput};
use crate::assessments::{self, AssessmentInput};
use crate::{enterprises, App, Error};

fn zh(e: Error) -> String {
    e.detail(Lang::Zh)
}

pub const PASSWORD: &str = "tianping-demo";

/// (email, role, what they can try)
pub const LOGINS: &[(&str, &str, &str)] = &[
    (
        "admin@tianping.demo",
        "sysadmin",
        "系统管理员：机构、平台、审计日志",
    ),
    (
        "admin@body.demo",
        "body_admin",
        "评价机构管理员：邀请人员、现场评价",
    ),
    (
        "auditor@body.demo",
        "auditor",
        "审核员：现场评价、指派专家、核验企业自报答案",
    ),
    ("auditor2@body.demo", "auditor", "审核员"),
    (
        "expert1@body.demo",
        "expert",
        "评价专家：只看到指派给自己的指标",
    ),
    ("expert2@body.demo", "expert", "评价专家"),
    ("expert3@body.demo", "expert", "评价专家"),
    (
        "decider@body.demo",
        "decider",
        "决定人员：查看本机构客户的评价",
    ),
    (
        "operator@platform.demo",
        "operator",
        "平台运营方：为线上指标提供平台数据；店铺积分与批量提交",
    ),
    (
        "xinghe@ent.demo",
        "enterprise",
        "星河智能制造（制造业，代工型）",
    ),
    ("yunfan@ent.demo", "enterprise", "云帆信息技术（技术服务）"),
    ("haiyue@ent.demo", "enterprise", "海岳物流（线下服务）"),
    ("hefeng@ent.demo", "enterprise", "禾丰食品零售（消费服务）"),
];

/// Complete a USCC from its first 16 characters (adds the GB 11714 and GB 32100 checks).
pub fn complete_uscc(first16: &str) -> String {
    use tianping_calc::uscc::{check_char, organization_check_char};
    let mut code = first16.to_string();
    code.push(organization_check_char(&first16[8..16]).unwrap_or('0'));
    code.push(check_char(&code).unwrap_or('0'));
    code
}

/// A small deterministic generator, so the demo is the same every time.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as f64) / ((1u64 << 31) as f64)
    }
}

/// An answer for a leaf: good but not perfect (quality 0..1 lifts it).
fn answer_for(plan: &Plan, i: usize, rng: &mut Lcg, quality: f64, source: &str) -> Value {
    let l = &plan.leaves[i];
    let r = rng.next();
    match plan.kind {
        AnswerKind::Level => {
            json!(((2.0 + 3.0 * (quality * 0.6 + r * 0.4)).round()).clamp(0.0, 5.0))
        }
        AnswerKind::Points => {
            let max = l.answer_max;
            let x =
                |r: f64| ((max * (0.55 + 0.45 * (quality * 0.6 + r * 0.4))) * 2.0).floor() / 2.0;
            if l.ind.likert {
                json!({"likert": [4, 5, (3.0 + 2.0 * r).round()]})
            } else if l.ind.expert_panel {
                json!({"experts": [x(r), x(rng.next()), x(rng.next())]})
            } else {
                json!(x(r))
            }
        }
        AnswerKind::Coefficient => {
            let v = (55.0 + 45.0 * (quality * 0.6 + r * 0.4)).round().min(100.0);
            if plan.scheme.method == Method::Dimensions {
                json!({"value": v, "source": source, "verified": source != "self"})
            } else {
                json!(v)
            }
        }
    }
}

/// A member of staff, invited by `by` and accepting with the demo password.
async fn staff(
    app: &App,
    by: &repo::User,
    email: &str,
    name: &str,
    role: &str,
    org: i64,
    hash: &str,
) -> Result<repo::User, String> {
    let (inv, _token) = admin::invite(
        app,
        by,
        &InviteInput {
            email: email.into(),
            name: name.into(),
            role: role.into(),
            org_id: org.to_string(),
        },
    )
    .await
    .map_err(zh)?;
    accounts::accept_invite_hashed(app, &inv, name, hash)
        .await
        .map_err(zh)
}

/// Answer `share` of an assessment's items (all when 1.0) at once through the answer rules,
/// and optionally submit.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn fill(
    app: &App,
    a: &repo::Assessment,
    by: &repo::User,
    share: f64,
    quality: f64,
    source: &str,
    seed: u64,
    submit: bool,
) -> Result<(), String> {
    let scheme = app.scheme(&a.scheme).map_err(zh)?;
    let plan = Plan::new(scheme, a.variant.as_deref(), None).map_err(|e| e.0)?;
    let mut rng = Lcg(seed);
    let n = ((plan.leaves.len() as f64) * share).round() as usize;
    // on a body's assessment, expert-panel items are scored by the experts themselves (I-13)
    let by_experts = |i: &usize| a.org_id.is_some() && plan.leaves[*i].ind.expert_panel;
    let items: Vec<(String, AnswerInput)> = (0..n.min(plan.leaves.len()))
        .filter(|i| !by_experts(i))
        .map(|i| {
            let v = answer_for(&plan, i, &mut rng, quality, source);
            (
                plan.leaves[i].ind.id.clone(),
                AnswerInput {
                    value: v,
                    note: String::new(),
                    source: None,
                },
            )
        })
        .collect();
    answers::save_many(app, by, a.id, &items)
        .await
        .map_err(zh)?;
    if submit {
        assessments::submit(app, by, a.id).await.map_err(zh)?;
    }
    Ok(())
}

/// One demo assessment: who runs it for which enterprise, in which scheme, how far it is
/// filled and whether it is submitted.
struct Run<'a> {
    by: &'a repo::User,
    ent: i64,
    scheme: &'static str,
    variant: &'static str,
    title: &'static str,
    stars: i64,
    share: f64,
    quality: f64,
    submit: bool,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn assessment(
    app: &App,
    by: &repo::User,
    ent: i64,
    scheme: &str,
    variant: &str,
    title: &str,
    stars: i64,
    first: bool,
) -> Result<repo::Assessment, String> {
    assessments::create(
        app,
        by,
        &AssessmentInput {
            enterprise_id: ent.to_string(),
            scheme: scheme.into(),
            variant: variant.into(),
            title: title.into(),
            profile: String::new(),
            current_stars: if stars > 0 {
                stars.to_string()
            } else {
                String::new()
            },
            first_application: if stars > 0 {
                first.to_string()
            } else {
                String::new()
            },
        },
    )
    .await
    .map_err(zh)
}

/// Seed the demo dataset unless the database already has users. Returns whether it seeded.
pub async fn seed(app: &App) -> Result<bool, String> {
    if repo::count_users(&app.store)
        .await
        .map_err(|e| e.to_string())?
        > 0
    {
        return Ok(false);
    }
    let hash = accounts::hash_password_async(PASSWORD.to_string())
        .await
        .map_err(zh)?;
    let sys = accounts::bootstrap_sysadmin(app, "admin@tianping.demo", "系统管理员", &hash)
        .await
        .map_err(zh)?;
    let body = admin::create_org(app, &sys, "body", "华信评价认证中心")
        .await
        .map_err(zh)?;
    let platform = admin::create_org(app, &sys, "platform", "长江工业互联网平台")
        .await
        .map_err(zh)?;
    let admin = staff(
        app,
        &sys,
        "admin@body.demo",
        "周敏（机构管理员）",
        "body_admin",
        body.id,
        &hash,
    )
    .await?;
    let auditor = staff(
        app,
        &admin,
        "auditor@body.demo",
        "李强（审核员）",
        "auditor",
        body.id,
        &hash,
    )
    .await?;
    let auditor2 = staff(
        app,
        &admin,
        "auditor2@body.demo",
        "王芳（审核员）",
        "auditor",
        body.id,
        &hash,
    )
    .await?;
    let mut experts = Vec::new();
    for (i, name) in ["陈静（专家）", "赵磊（专家）", "孙悦（专家）"]
        .iter()
        .enumerate()
    {
        experts.push(
            staff(
                app,
                &admin,
                &format!("expert{}@body.demo", i + 1),
                name,
                "expert",
                body.id,
                &hash,
            )
            .await?,
        );
    }
    let decider = staff(
        app,
        &admin,
        "decider@body.demo",
        "刘洋（决定人员）",
        "decider",
        body.id,
        &hash,
    )
    .await?;
    let operator = staff(
        app,
        &sys,
        "operator@platform.demo",
        "何平（平台运营）",
        "operator",
        platform.id,
        &hash,
    )
    .await?;

    // enterprises: (email, person, name, uscc prefix, industry, headcount, 000 type, 001 category)
    let ents = [
        (
            "xinghe@ent.demo",
            "张伟",
            "星河智能制造有限公司",
            "9132050076",
            "C3511",
            860,
            "odm-oem",
            "manufacturing",
            "江苏省苏州市工业园区星湖街 88 号",
        ),
        (
            "yunfan@ent.demo",
            "黄丽",
            "云帆信息技术服务有限公司",
            "9131011532",
            "I6510",
            240,
            "tech-service",
            "producer-services",
            "上海市浦东新区张江路 200 号",
        ),
        (
            "haiyue@ent.demo",
            "吴涛",
            "海岳物流有限公司",
            "9137020012",
            "G5411",
            1320,
            "offline-service",
            "producer-services",
            "山东省青岛市黄岛区港城路 9 号",
        ),
        (
            "hefeng@ent.demo",
            "郑洁",
            "禾丰食品零售有限公司",
            "9144010645",
            "F5211",
            95,
            "business-service",
            "consumer-services",
            "广东省广州市天河区体育西路 51 号",
        ),
    ];
    let mut members = Vec::new();
    let mut clients: Vec<(i64, u32)> = Vec::new();
    let mut client_users: Vec<repo::User> = Vec::new();
    let mut usccs: Vec<String> = Vec::new();
    for (i, (email, person, name, pre, ind, hc, t, c, addr)) in ents.iter().enumerate() {
        let prefix16 = format!("{}{:06}", pre, 100_000 + i * 7_919);
        let uscc = complete_uscc(&prefix16[..16]);
        usccs.push(uscc.clone());
        let u = accounts::signup(
            app,
            &SignupInput {
                email: email.to_string(),
                user_name: person.to_string(),
                password: PASSWORD.into(),
                enterprise: EnterpriseInput {
                    uscc,
                    name: name.to_string(),
                    registered_address: addr.to_string(),
                    operating_address: addr.to_string(),
                    legal_representative: person.to_string(),
                    industry_code: ind.to_string(),
                    headcount: hc.to_string(),
                    enterprise_type: t.to_string(),
                    category: c.to_string(),
                },
            },
        )
        .await
        .map_err(|e| format!("{}: {}", name, zh(e)))?;
        let eid = u.enterprise_id.unwrap_or(0);
        enterprises::engage(app, &u, eid, body.id)
            .await
            .map_err(zh)?;
        if i < 2 {
            enterprises::engage(app, &u, eid, platform.id)
                .await
                .map_err(zh)?;
        }
        enterprises::add_site(
            app,
            &u,
            eid,
            &SiteInput {
                name: "总部".into(),
                address: addr.to_string(),
                headcount: (hc * 2 / 3).to_string(),
            },
        )
        .await
        .map_err(zh)?;
        enterprises::add_site(
            app,
            &u,
            eid,
            &SiteInput {
                name: "分厂/分支".into(),
                address: String::new(),
                headcount: (hc - hc * 2 / 3).to_string(),
            },
        )
        .await
        .map_err(zh)?;
        client_users.push(u.clone());
        members.push((u, eid));
        clients.push((eid, *hc as u32));
    }
    let (xinghe, e1) = &members[0];
    let (yunfan, e2) = &members[1];
    let (_haiyue, e3) = &members[2];
    let (hefeng, e4) = &members[3];
    let auditor = &auditor;
    let run = |by, ent: &i64, scheme, variant, title, stars, share, quality, submit| Run {
        by,
        ent: *ent,
        scheme,
        variant,
        title,
        stars,
        share,
        quality,
        submit,
    };
    let runs = [
        // 001: digital levels, a finished self-assessment and one in progress
        run(
            xinghe,
            e1,
            "t-sdditai-5121-2023",
            "manufacturing",
            "2025 数字化水平自评",
            0,
            1.0,
            0.7,
            true,
        ),
        run(
            hefeng,
            e4,
            "t-sdditai-5121-2023",
            "consumer-services",
            "数字化水平自评（进行中）",
            0,
            0.4,
            0.4,
            false,
        ),
        // 004: capability, a self-assessment in progress
        run(
            yunfan,
            e2,
            "t-cic-capability",
            "",
            "企业能力体系建设自评",
            0,
            0.6,
            0.6,
            false,
        ),
        // 003: certification checklist on site (experts assigned, then submitted below)
        run(
            auditor,
            e1,
            "eepc-certification",
            "",
            "履约能力评价体系认证 初次审核",
            0,
            1.0,
            0.8,
            false,
        ),
        // 004 on site, in progress (experts assigned to expert-panel items below)
        run(
            auditor,
            e3,
            "t-cic-capability",
            "",
            "企业能力体系建设评价（现场）",
            0,
            0.5,
            0.6,
            false,
        ),
        // 002: SME service quality on site, in progress and finished
        run(
            auditor,
            e3,
            "sme-service-2020",
            "",
            "中小企业服务质量测评",
            0,
            0.7,
            0.5,
            false,
        ),
        run(
            auditor,
            e2,
            "sme-service-2020",
            "",
            "中小企业服务质量测评 2025",
            0,
            1.0,
            0.8,
            true,
        ),
        // 000: stars; a self-assessment in progress (self-declared answers, unverified), an
        // on-site evaluation finished for an enterprise holding 3★, and a first application
        // on site in progress
        run(
            xinghe,
            e1,
            "t11-aii-001-2020",
            "odm-oem",
            "上云企业履约能力自评",
            0,
            0.5,
            0.6,
            false,
        ),
        run(
            auditor,
            e2,
            "t11-aii-001-2020",
            "tech-service",
            "上云企业履约能力评价（现场审查）",
            3,
            1.0,
            0.9,
            true,
        ),
        run(
            auditor,
            e3,
            "t11-aii-001-2020",
            "offline-service",
            "上云企业履约能力评价（首次申请）",
            0,
            0.3,
            0.5,
            false,
        ),
    ];
    let mut ids = Vec::new();
    for (k, r) in runs.iter().enumerate() {
        let a = assessment(
            app,
            r.by,
            r.ent,
            r.scheme,
            r.variant,
            r.title,
            r.stars,
            r.stars == 0,
        )
        .await?;
        let source = if r.by.role == Role::Enterprise {
            "self"
        } else {
            "onsite"
        };
        fill(
            app,
            &a,
            r.by,
            r.share,
            r.quality,
            source,
            11 + k as u64,
            r.submit,
        )
        .await?;
        ids.push(a.id);
    }
    // 003: two experts on each of the first six items, then submitted
    let scheme = app.scheme("eepc-certification").map_err(zh)?;
    for (k, ind) in scheme.indicators.iter().take(6).enumerate() {
        for ex in [&experts[k % 3], &experts[(k + 1) % 3]] {
            answers::assign_expert(app, auditor, ids[3], &ind.id, ex.id, false)
                .await
                .map_err(zh)?;
        }
    }
    assessments::submit(app, auditor, ids[3])
        .await
        .map_err(zh)?;
    // 004 on site: every expert on four expert-panel items, each scoring them on their own
    let scheme = app.scheme("t-cic-capability").map_err(zh)?;
    for ind in scheme.indicators.iter().filter(|i| i.expert_panel).take(4) {
        for (k, ex) in experts.iter().enumerate() {
            answers::assign_expert(app, auditor, ids[4], &ind.id, ex.id, false)
                .await
                .map_err(zh)?;
            let max = ind.points.unwrap_or(0.0);
            let score = ((max * (0.7 + 0.1 * k as f64)) * 2.0).floor() / 2.0;
            let input = AnswerInput {
                value: json!(score),
                ..Default::default()
            };
            answers::save(app, ex, ids[4], &ind.id, &input)
                .await
                .map_err(zh)?;
        }
    }
    // comparisons: six more manufacturing clients with an EEPC result each, and two earlier
    // results of 星河, so that its peers, its trend and the body's clients have something to show
    crate::demo_insight::seed(app, body.id, auditor, *e1).await?;
    // 003 lifecycle: four clients at different stages (one overdue)
    let people = crate::demo_cases::People {
        admin: &admin,
        auditor,
        auditor2: &auditor2,
        decider: &decider,
    };
    crate::demo_cases::seed(app, &people, &clients, &client_users).await?;
    // 004 and 000: a result under publicity, an announced grade, stars with a supervision due,
    // a blacklisting; a questionnaire on the on-site capability assessment
    let people = crate::demo_ratings::People {
        admin: &admin,
        decider: &decider,
        experts: &experts,
    };
    let ids_of: Vec<i64> = clients.iter().map(|c| c.0).collect();
    crate::demo_ratings::seed(app, &people, &ids_of, auditor, ids[4]).await?;
    // 002: service-cloud shops at several levels, and the SME assessment in progress fed
    // from the ledger
    let sme = runs
        .iter()
        .position(|r| r.scheme == "sme-service-2020" && !r.submit)
        .map(|k| ids[k])
        .ok_or("demo: no SME assessment in progress")?;
    let outsider = complete_uscc("9131010435210000");
    crate::demo_points::seed(app, &operator, &usccs, &outsider, auditor, sme)
        .await
        .map_err(zh)?;
    Ok(true)
}

/// The text printed when the demo starts.
pub fn banner(addr: &str, database: &str) -> String {
    let mut s = format!(
        "天平 Tianping 演示已启动 / demo running\n  地址 address: http://{}/\n  数据库 database: {}\n  所有演示账号的密码 password for every demo login: {}\n\n  演示账号 demo logins:\n",
        addr,
        tianping_store::redact(database),
        PASSWORD
    );
    for (email, role, what) in LOGINS {
        s.push_str(&format!("    {:<26} {:<11} {}\n", email, role, what));
    }
    s.push_str("\n  按 Ctrl-C 停止 / press Ctrl-C to stop\n");
    s
}
