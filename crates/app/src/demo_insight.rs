//! The demo's comparisons (DESIGN I-23): six more manufacturing clients (GB/T 4754 section C,
//! like 星河) each with a scored on-site EEPC checklist, so 星河's result has a peer group of
//! more than five, and two earlier EEPC results of 星河 recorded a year and two years ago
//! (through a clock set back), so its trend has three points. The body then sees seven
//! clients' grades and their common gaps.

use std::sync::Arc;

use chrono::Duration;
use tianping_domain::enterprise::EnterpriseInput;
use tianping_store::repo;

use crate::accounts::{self, SignupInput};
use crate::demo::{assessment, complete_uscc, fill, PASSWORD};
use crate::{enterprises, App, ShiftedClock};

/// (name, person, industry class, headcount, quality of their answers)
const PEERS: [(&str, &str, &str, u32, f64); 6] = [
    ("精工机械制造有限公司", "孙强", "C3411", 420, 0.55),
    ("华东电子元件有限公司", "钱敏", "C3971", 610, 0.9),
    ("润泽化工新材料有限公司", "周平", "C2651", 300, 0.7),
    ("远航汽车零部件有限公司", "冯涛", "C3670", 980, 0.35),
    ("绿源纺织有限公司", "陈静", "C1713", 210, 0.6),
    ("恒信仪器仪表有限公司", "杨帆", "C4011", 150, 0.95),
];

const SCHEME: &str = "eepc-certification";

/// Seed the peers and 星河's earlier results; `body` is the demo body's id, `auditor` its
/// auditor, `xinghe` 星河's enterprise id.
pub(crate) async fn seed(
    app: &App,
    body: i64,
    auditor: &repo::User,
    xinghe: i64,
) -> Result<(), String> {
    let zh = |e: crate::Error| e.to_string();
    for (k, (name, person, code, hc, quality)) in PEERS.iter().enumerate() {
        let prefix = format!("91320500{:08}", 61_000_000 + k * 7_919);
        let u = accounts::signup(
            app,
            &SignupInput {
                email: format!("peer{}@ent.demo", k + 1),
                user_name: person.to_string(),
                password: PASSWORD.into(),
                enterprise: EnterpriseInput {
                    uscc: complete_uscc(&prefix[..16]),
                    name: name.to_string(),
                    industry_code: code.to_string(),
                    headcount: hc.to_string(),
                    enterprise_type: "odm-oem".into(),
                    category: "manufacturing".into(),
                    ..Default::default()
                },
            },
        )
        .await
        .map_err(|e| format!("{}: {}", name, zh(e)))?;
        let e = u.enterprise_id.unwrap_or(0);
        enterprises::engage(app, &u, e, body).await.map_err(zh)?;
        let a = assessment(
            app,
            auditor,
            e,
            SCHEME,
            "",
            "履约能力评价体系认证 现场审核",
            0,
            true,
        )
        .await?;
        fill(
            app,
            &a,
            auditor,
            1.0,
            *quality,
            "onsite",
            101 + k as u64,
            true,
        )
        .await?;
    }
    // 星河's earlier results, as they were recorded two years and one year ago
    for (years, quality) in [(2, 0.3), (1, 0.55)] {
        let day = app.today() - Duration::days(365 * years);
        let then = App {
            clock: Arc::new(ShiftedClock::to_day(day)),
            ..app.clone()
        };
        let title = format!("履约能力评价体系认证（{}年）", day.format("%Y"));
        let a = assessment(&then, auditor, xinghe, SCHEME, "", &title, 0, true).await?;
        fill(
            &then,
            &a,
            auditor,
            1.0,
            quality,
            "onsite",
            90 + years as u64,
            true,
        )
        .await?;
    }
    Ok(())
}
