//! The audit programme of a case's current cycle on its page (8.1.3.3, I-8, I-12): each step
//! with its window, the audit time of Annex A with the computation, and where it stands.

use tianping_case::certification::programme::{ProgrammeItem, Standing};

use super::*;

pub(super) fn programme_section(l: Lang, items: &[ProgrammeItem]) -> Markup {
    if items.is_empty() {
        return html! {};
    }
    html! {
        h2 { (l.t("审核方案（本认证周期）", "Audit programme (this cycle)")) }
        div.tablewrap {
            table {
                tr {
                    th { (l.t("审核", "Audit")) }
                    th { (l.t("时间窗口", "Window")) }
                    th { (l.t("审核时间（附录A）", "Audit time (Annex A)")) }
                    th { (l.t("进展", "Standing")) }
                }
                @for p in items {
                    tr {
                        td { (l.t(p.step.name_zh(), p.step.name_en())) }
                        td {
                            @match (p.from, p.until) {
                                (Some(f), Some(u)) => { (f) " — " (u) }
                                (None, Some(u)) => { (l.t("最迟 ", "by ")) (u) }
                                (Some(f), None) => { (l.t("自 ", "from ")) (f) }
                                (None, None) => {}
                            }
                            @if !p.basis.is_empty() { br; span.muted { (p.basis) } }
                        }
                        td {
                            @match p.audit_days {
                                Some(d) => {
                                    (super::case_words::days(d)) " " (l.t("人日", "days"))
                                    @if !p.trace.is_empty() {
                                        details {
                                            summary { (l.t("计算过程", "How")) }
                                            ol { @for t in &p.trace { li { (t) } } }
                                        }
                                    }
                                }
                                None => { "—" }
                            }
                        }
                        td {
                            @match &p.standing {
                                Standing::Done { audit, last_day } => {
                                    span.pill.ok { (l.t("已完成", "done")) } " " (audit) " · " (last_day)
                                }
                                Standing::Planned { audit, start } => {
                                    span.pill { (l.t("已计划", "planned")) } " " (audit) " · " (start)
                                }
                                Standing::Open => { span.muted { (l.t("待安排", "to plan")) } }
                                Standing::NotNeeded => { span.muted { (l.t("不需要", "not needed")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
