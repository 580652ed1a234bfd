//! The demo's capability evaluations (seed 004) and star ratings (seed 000), dated from today
//! so that the public pages and the due list always have something to show: one capability
//! result under publicity (objections can be raised today), one confirmed and announced with
//! its grade in the register; one enterprise holding stars whose yearly supervision falls due
//! within days, one on the blacklist; and a questionnaire open on the on-site capability
//! assessment. The histories are imported through [`cases::import`], so the same rules check
//! them.

use chrono::Duration;
use serde_json::{json, Value};
use tianping_domain::questionnaire::OpenInput;
use tianping_store::repo::User;

use crate::{cases, App};

fn zh(e: crate::Error) -> String {
    e.detail(crate::Lang::Zh)
}

/// Who the histories name.
pub(crate) struct People<'a> {
    pub admin: &'a User,
    pub decider: &'a User,
    /// The round-1 evaluation panel (7.2.2: at least 3).
    pub experts: &'a [User],
}

/// Import the histories for the demo's clients (enterprise ids in the demo's order: 星河,
/// 云帆, 海岳, 禾丰) and open a questionnaire on `capability_assessment`.
pub(crate) async fn seed(
    app: &App,
    p: &People<'_>,
    clients: &[i64],
    auditor: &User,
    capability_assessment: i64,
) -> Result<(), String> {
    let today = cases::today(app);
    let d = |n: i64| (today + Duration::days(n)).to_string();
    let (admin, dec) = (p.admin.id.to_string(), p.decider.id.to_string());
    let panel: Vec<String> = p.experts.iter().map(|u| u.id.to_string()).collect();
    let evaluated = |t: i64, score: f64, suggestions: &str| {
        vec![
            json!({"type": "application_received", "date": d(t - 60)}),
            json!({"type": "application_reviewed", "date": d(t - 57), "result": "accepted", "by": admin}),
            json!({"type": "verification_done", "date": d(t - 50), "by": admin,
                "registration": "营业执照；国家企业信用信息公示系统查询为存续",
                "licences": "无需行政许可"}),
            json!({"type": "panel_formed", "date": d(t - 45), "members": panel, "round": 1}),
            json!({"type": "evaluation_completed", "date": d(t), "score": score, "suggestions": suggestions}),
        ]
    };
    // 星河: evaluated half a year ago, published, confirmed, announced, report issued
    let mut announced = evaluated(
        -180,
        87.5,
        "加强创新成果的转化与知识产权布局；完善企业文化的传播渠道",
    );
    announced.extend([
        json!({"type": "publicity_started", "date": d(-170), "media": "机构网站、省内主流报纸"}),
        json!({"type": "confirmed", "date": d(-140), "by": dec}),
        json!({"type": "announced", "date": d(-138), "media": "机构网站"}),
        json!({"type": "report_issued", "date": d(-135), "number": "TCIC-PJ-0001"}),
    ]);
    // 云帆: evaluated last month, under publicity since three days ago
    let mut publicity = evaluated(-20, 76.0, "建立财务风险预警机制；提高研发投入强度");
    publicity.push(json!({"type": "publicity_started", "date": d(-3), "media": "机构网站"}));

    // 海岳: 1★ two years ago, supervised, lifted online to 3★ almost a year ago; the yearly
    // supervision falls due in about ten days
    let rated = vec![
        json!({"type": "star_applied", "date": d(-740), "mode": "online"}),
        json!({"type": "star_result", "date": d(-735), "mode": "online", "stars": 1}),
        json!({"type": "star_awarded", "date": d(-730), "stars": 1, "by": dec}),
        json!({"type": "supervision_completed", "date": d(-372), "stars": 1, "by": admin}),
        json!({"type": "star_applied", "date": d(-370), "mode": "online"}),
        json!({"type": "star_result", "date": d(-362), "mode": "online", "stars": 3}),
        json!({"type": "star_awarded", "date": d(-355), "stars": 3, "by": dec}),
    ];
    // 禾丰: 1★, then a supervision that found no ground for it: blacklisted
    let blacklisted = vec![
        json!({"type": "star_applied", "date": d(-500), "mode": "online"}),
        json!({"type": "star_result", "date": d(-495), "mode": "online", "stars": 1}),
        json!({"type": "star_awarded", "date": d(-490), "stars": 1, "by": dec}),
        json!({"type": "supervision_completed", "date": d(-130), "stars": 0, "by": admin}),
        json!({"type": "blacklisted", "date": d(-120), "by": dec,
            "reason": "监督审查发现申报的上云用云证明材料弄虚作假，限期整改后仍未改正"}),
    ];
    let histories: [(&str, usize, Vec<Value>); 4] = [
        ("capability", 0, announced),
        ("capability", 1, publicity),
        ("stars", 2, rated),
        ("stars", 3, blacklisted),
    ];
    for (kind, client, events) in histories {
        let mut text = json!({ "case": kind }).to_string();
        for e in &events {
            text.push('\n');
            text.push_str(&e.to_string());
        }
        let r = cases::import(app, p.admin, clients[client], &text)
            .await
            .map_err(zh)?;
        if let Some(v) = r.violations.first() {
            return Err(format!(
                "演示案卷（{kind}）违反规则 {}：{}",
                v.rule.id(),
                v.message
            ));
        }
    }
    // a questionnaire for the on-site capability assessment's 问卷调查 items (7.2.1)
    let input = OpenInput {
        closes_on: d(14),
        links: "20".into(),
    };
    crate::questionnaire::open(app, auditor, capability_assessment, &input)
        .await
        .map_err(zh)?;
    Ok(())
}
