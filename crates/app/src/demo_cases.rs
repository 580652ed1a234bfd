//! The demo's certification clients (issue 9): four cases at different stages, dated from
//! today so that the due list always has something to show — one applied and waiting for
//! review, one audited with open nonconformities and a decision to make, one certified with
//! its first surveillance ahead, and one whose surveillance is overdue (suspend is due).
//! They are imported as histories through [`cases::import`], so the same rules check them.

use chrono::{Datelike, Duration};
use serde_json::{json, Value};
use tianping_store::repo::User;

use crate::{cases, App};

/// The demo body's people the histories name.
pub(crate) struct People<'a> {
    pub admin: &'a User,
    pub auditor: &'a User,
    pub auditor2: &'a User,
    pub decider: &'a User,
}

fn zh(e: crate::Error) -> String {
    e.detail(crate::Lang::Zh)
}

/// Import the four demo histories for the enterprises `clients` (id and effective headcount,
/// in the demo's order).
pub(crate) async fn seed(
    app: &App,
    p: &People<'_>,
    clients: &[(i64, u32)],
    users: &[User],
) -> Result<(), String> {
    // the auditors' competence records (8.1.4.1 1)), kept by the body's admin
    for (who, ccaa) in [
        (p.auditor, "CCAA-2019-N-0412"),
        (p.auditor2, "CCAA-2021-N-1077"),
    ] {
        for (kind, value, obtained, until) in [
            ("ccaa", ccaa, "2019-05-01", "2031-04-30"),
            ("eepc", "EEPC认证知识培训合格", "2024-03-15", ""),
        ] {
            let input = tianping_domain::people::CompetenceInput {
                kind: kind.into(),
                value: value.into(),
                obtained_on: obtained.into(),
                valid_until: until.into(),
            };
            crate::people::add_competence(app, p.admin, who.id, &input)
                .await
                .map_err(zh)?;
        }
    }
    let today = cases::today(app);
    let d = |n: i64| (today + Duration::days(n)).to_string();
    let (admin, a1, a2, dec) = (
        p.admin.id.to_string(),
        p.auditor.id.to_string(),
        p.auditor2.id.to_string(),
        p.decider.id.to_string(),
    );
    let header = json!({"case": "certification", "people": [
        {"id": admin, "name": p.admin.name, "roles": ["body_admin"]},
        {"id": a1, "name": p.auditor.name, "roles": ["auditor"], "competence": ["CCAA-2019-N-0412", "EEPC-2024"]},
        {"id": a2, "name": p.auditor2.name, "roles": ["auditor"], "competence": ["CCAA-2021-N-1077", "EEPC-2025"]},
        {"id": dec, "name": p.decider.name, "roles": ["decider"]},
    ]});
    let year = |n: i64| (today + Duration::days(n)).year();
    let lead = |who: &str| json!([{"person": who, "role": "leader"}]);
    let pair = json!([{"person": a1, "role": "leader"}, {"person": a2, "role": "auditor"}]);

    // an initial certification up to the certificate, `t` days ago; findings closed
    let certified = |t: i64, headcount: u32, scope: &str, score: f64, number: String| {
        vec![
            json!({"type": "application_received", "date": d(t - 80), "headcount": headcount, "scope": scope, "system_start": d(t - 300)}),
            json!({"type": "application_reviewed", "date": d(t - 76), "result": "accepted", "by": admin}),
            json!({"type": "contract_signed", "date": d(t - 70)}),
            json!({"type": "audit_planned", "date": d(t - 68), "audit": "S1", "kind": "stage1", "start": d(t - 50), "end": d(t - 50), "days": 2, "team": pair}),
            json!({"type": "plan_confirmed", "date": d(t - 68), "audit": "S1"}),
            json!({"type": "audit_completed", "date": d(t - 50), "audit": "S1", "last_day": d(t - 50)}),
            json!({"type": "audit_planned", "date": d(t - 45), "audit": "S2", "kind": "stage2", "start": d(t - 22), "end": d(t - 20), "days": 6, "team": pair}),
            json!({"type": "plan_confirmed", "date": d(t - 45), "audit": "S2"}),
            json!({"type": "audit_completed", "date": d(t - 20), "audit": "S2", "last_day": d(t - 20), "score": score,
                "findings": [{"id": "NC-1", "severity": "minor", "text": "合同履约台账未按月更新"}]}),
            json!({"type": "correction_submitted", "date": d(t - 14), "finding": "NC-1", "kind": "plan"}),
            json!({"type": "correction_accepted", "date": d(t - 10), "finding": "NC-1", "by": a1, "onsite": false}),
            json!({"type": "decision", "date": d(t), "audit": "S2", "by": dec, "result": "grant"}),
            json!({"type": "certificate_issued", "date": d(t), "number": number}),
        ]
    };
    let histories: Vec<Vec<Value>> = vec![
        // 星河: certified about eight months ago, first surveillance ahead
        certified(
            -250,
            clients[0].1,
            "智能装备的设计开发、生产和交付的履约管理",
            88.0,
            format!("EEPC-{}-90001", year(-250)),
        ),
        // 云帆: stage 2 just done, a minor and a major nonconformity open, decision to make
        vec![
            json!({"type": "application_received", "date": d(-100), "headcount": clients[1].1, "scope": "信息技术运维服务的履约管理", "system_start": d(-400)}),
            json!({"type": "application_reviewed", "date": d(-96), "result": "accepted", "by": admin}),
            json!({"type": "contract_signed", "date": d(-90)}),
            json!({"type": "audit_planned", "date": d(-80), "audit": "S1", "kind": "stage1", "start": d(-60), "end": d(-60), "days": 1, "team": lead(&a2),
                "offsite_reason": "8.1.5.2 2) b)：服务过程简单，文件审查可达到第一阶段目的"}),
            json!({"type": "plan_confirmed", "date": d(-79), "audit": "S1"}),
            json!({"type": "audit_completed", "date": d(-60), "audit": "S1", "last_day": d(-60)}),
            json!({"type": "audit_planned", "date": d(-40), "audit": "S2", "kind": "stage2", "start": d(-12), "end": d(-11), "days": 3, "team": pair}),
            json!({"type": "plan_confirmed", "date": d(-40), "audit": "S2"}),
            json!({"type": "audit_completed", "date": d(-11), "audit": "S2", "last_day": d(-11), "score": 84.0,
                "findings": [{"id": "NC-1", "severity": "minor", "text": "客户投诉处理记录不完整"},
                             {"id": "NC-2", "severity": "major", "text": "未建立服务交付的关键绩效指标"}]}),
            json!({"type": "correction_submitted", "date": d(-5), "finding": "NC-1", "kind": "plan"}),
        ],
        // 海岳: certified well over a year ago, the first surveillance never happened
        certified(
            -470,
            clients[2].1,
            "港口物流与仓储服务的履约管理",
            93.0,
            format!("EEPC-{}-90002", year(-470)),
        ),
        // 禾丰: applied two days ago
        vec![
            json!({"type": "application_received", "date": d(-2), "headcount": clients[3].1, "scope": "食品零售门店的履约管理", "system_start": d(-200)}),
        ],
    ];
    for (k, events) in histories.iter().enumerate() {
        let mut text = header.to_string();
        for e in events {
            text.push('\n');
            text.push_str(&e.to_string());
        }
        let r = cases::import(app, p.admin, clients[k].0, &text)
            .await
            .map_err(zh)?;
        if let Some(v) = r.violations.first() {
            return Err(format!(
                "演示案卷 {k} 违反规则 {}：{}",
                v.rule.id(),
                v.message
            ));
        }
        // every client has uploaded its application documents (8.1.1), so the applied one
        // can be reviewed in the demo
        if let Some(u) = users.get(k) {
            documents(app, u, r.case_id).await?;
        }
    }
    Ok(())
}

/// The client uploads the application documents 8.1.1 requires (short text files).
async fn documents(app: &App, u: &User, case: i64) -> Result<(), String> {
    for kind in crate::case_files::missing_documents(app, u, case)
        .await
        .map_err(zh)?
    {
        let name = format!("{}.txt", kind.label(crate::Lang::Zh));
        let text = format!("{}（演示文件）", kind.label(crate::Lang::Zh));
        let up = crate::case_files::Upload {
            kind: kind.as_str(),
            subject: "",
            file_name: &name,
            data: text.as_bytes(),
        };
        crate::case_files::upload(app, u, case, up)
            .await
            .map_err(zh)?;
    }
    Ok(())
}
