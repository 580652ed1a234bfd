//! The rows of the public lists (`pages::public`) as tables that stack as cards on a phone
//! (`table.cards`: each cell labelled). Each row names the enterprise, its credit code and
//! the body; dates are YYYY-MM-DD; no person is named.

use tianping_app::public::{BlacklistRow, GradeRow, NoticeRow, PublicityRow, StarRow, Subject};
use tianping_case::capability::Grade;
use tianping_case::public::lists::PublicityStatus;
use tianping_case::public::NoticeKind;
use tianping_case::stars::events::star_word;

use super::*;

/// A score on the 100-point scale, at most two decimals.
fn score(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A grade, or the words for a result below 60.
fn grade(l: Lang, g: Option<Grade>) -> &'static str {
    match g {
        Some(g) => g.code(),
        None => l.t("不予评级", "no grade"),
    }
}

/// A notice's kind in the page's language.
fn kind_name(l: Lang, k: NoticeKind) -> &'static str {
    let en = match k {
        NoticeKind::Publicity => "Publicity",
        NoticeKind::Announcement => "Announcement",
        NoticeKind::Revocation => "Grade revoked",
        NoticeKind::Downgrade => "Grade downgraded",
        NoticeKind::StarAward => "Stars awarded",
        NoticeKind::StarLowered => "Stars lowered",
        NoticeKind::Blacklist => "Blacklisted",
        NoticeKind::BlacklistLifted => "Taken off the blacklist",
    };
    l.t(k.name_zh(), en)
}

fn status(l: Lang, s: PublicityStatus) -> Markup {
    let class = match s {
        PublicityStatus::Open => "pill ok",
        _ => "pill warn",
    };
    html! { span class=(class) { (l.t(s.name_zh(), s.name_en())) } }
}

/// The cells naming the enterprise (first, a card's heading on a phone), its code and body.
fn who(l: Lang, s: &Subject, link: Option<String>) -> (Markup, Markup) {
    let first = html! {
        td.name data-label=(l.t("企业", "Enterprise")) {
            @match link {
                Some(href) => a href=(href) { (s.enterprise) },
                None => (s.enterprise),
            }
        }
        td.nowrap data-label=(l.t("统一社会信用代码", "Credit code")) { code { (s.uscc) } }
    };
    let body = html! {
        td data-label=(l.t("评价机构", "Body")) { (s.body) }
    };
    (first, body)
}

fn heads(l: Lang, middle: &[(&str, &str)]) -> Markup {
    html! {
        thead {
            tr {
                th { (l.t("企业", "Enterprise")) }
                th { (l.t("统一社会信用代码", "Credit code")) }
                @for (zh, en) in middle { th { (l.t(zh, en)) } }
                th { (l.t("评价机构", "Body")) }
            }
        }
    }
}

pub(super) fn publicity(l: Lang, items: &[PublicityRow]) -> Markup {
    html! {
        table.cards.public data-testid="publicity" {
            (heads(l, &[("初评得分", "Score"), ("等级建议", "Suggested grade"), ("公示期", "Publicity"), ("状态", "Status")]))
            tbody {
                @for r in items {
                    @let (first, body) = who(l, &r.subject, Some(format!("/public/publicity/{}", r.subject.case_id)));
                    tr {
                        (first)
                        td.nowrap data-label=(l.t("初评得分", "Score")) { (score(r.notice.score)) }
                        td data-label=(l.t("等级建议", "Suggested grade")) { (grade(l, r.notice.grade)) }
                        td data-label=(l.t("公示期", "Publicity")) {
                            (r.notice.start) (l.t(" 至 ", " to ")) (r.notice.end)
                        }
                        td data-label=(l.t("状态", "Status")) { (status(l, r.status)) }
                        (body)
                    }
                }
            }
        }
    }
}

/// Notices: announcements, or (with `kind`) revocations, downgrades and lowerings.
pub(super) fn notices(l: Lang, items: &[NoticeRow], kind: bool) -> Markup {
    let testid = if kind { "notices" } else { "announcements" };
    let mut middle = vec![("日期", "Date")];
    if kind {
        middle.push(("类别", "Kind"));
    }
    middle.push(("内容", "Notice"));
    html! {
        table.cards.public data-testid=(testid) {
            (heads(l, &middle))
            tbody {
                @for r in items {
                    @let (first, body) = who(l, &r.subject, None);
                    tr {
                        (first)
                        td.nowrap data-label=(l.t("日期", "Date")) { (r.notice.date) }
                        @if kind {
                            td data-label=(l.t("类别", "Kind")) { (kind_name(l, r.notice.kind)) }
                        }
                        td data-label=(l.t("内容", "Notice")) { (r.notice.text) }
                        (body)
                    }
                }
            }
        }
    }
}

pub(super) fn grades(l: Lang, items: &[GradeRow]) -> Markup {
    html! {
        table.cards.public data-testid="grades" {
            (heads(l, &[("等级", "Grade"), ("得分", "Score"), ("确认日期", "Confirmed"), ("有效期至", "Valid until")]))
            tbody {
                @for r in items {
                    @let (first, body) = who(l, &r.subject, None);
                    tr {
                        (first)
                        td.nowrap data-label=(l.t("等级", "Grade")) { strong { (r.grade.grade.code()) } }
                        td.nowrap data-label=(l.t("得分", "Score")) { (score(r.grade.score)) }
                        td.nowrap data-label=(l.t("确认日期", "Confirmed")) { (r.grade.confirmed) }
                        td.nowrap data-label=(l.t("有效期至", "Valid until")) { (r.grade.valid_until) }
                        (body)
                    }
                }
            }
        }
    }
}

pub(super) fn stars(l: Lang, items: &[StarRow]) -> Markup {
    html! {
        table.cards.public data-testid="stars" {
            (heads(l, &[("星级", "Stars"), ("授予或调整日期", "Since"), ("单项星级", "Single-dimension stars"), ("年度监督期限", "Supervision due")]))
            tbody {
                @for r in items {
                    @let (first, body) = who(l, &r.subject, None);
                    @let s = &r.stars;
                    tr {
                        (first)
                        td.nowrap data-label=(l.t("星级", "Stars")) {
                            span.marks aria-hidden="true" { @for _ in 0..s.stars { "★" } } " "
                            (star_word(s.stars))
                        }
                        td.nowrap data-label=(l.t("授予或调整日期", "Since")) {
                            @match s.since { Some(d) => (d), None => "—" }
                        }
                        td data-label=(l.t("单项星级", "Single-dimension stars")) {
                            @if s.dimension_stars.is_empty() {
                                "—"
                            } @else {
                                @for (k, (dim, n)) in s.dimension_stars.iter().enumerate() {
                                    @if k > 0 { "；" }
                                    (dim) " " (star_word(*n))
                                }
                            }
                        }
                        td data-label=(l.t("年度监督期限", "Supervision due")) {
                            @match s.supervision_due { Some(d) => (d), None => "—" }
                            @if s.supervision_overdue {
                                " " span.pill.warn { (l.t("已逾期", "overdue")) }
                            }
                        }
                        (body)
                    }
                }
            }
        }
    }
}

pub(super) fn blacklist(l: Lang, items: &[BlacklistRow]) -> Markup {
    html! {
        table.cards.public data-testid="blacklist" {
            (heads(l, &[("列入日期", "Date"), ("原因", "Reason")]))
            tbody {
                @for r in items {
                    @let (first, body) = who(l, &r.subject, None);
                    tr {
                        (first)
                        td.nowrap data-label=(l.t("列入日期", "Date")) { (r.entry.date) }
                        td data-label=(l.t("原因", "Reason")) { (r.entry.reason) }
                        (body)
                    }
                }
            }
        }
    }
}
