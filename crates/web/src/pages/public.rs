//! 公示公告: the public registers and notices, for everyone, no sign-in (issue 10; 004 6.4,
//! 6.5, 9.2; 000 §6, §8). `/public` links every list and searches them all;
//! `/public/publicity`, `/public/announcements`, `/public/grades`, `/public/stars`,
//! `/public/blacklist` and `/public/notices` are the lists, each searched with `?q=` by the
//! enterprise's name or credit code. What they show and in what order comes from
//! `tianping_app::public` (today applied by the pure lists); no person is named anywhere, a
//! row names the enterprise and the body. A publicity row links to its own page,
//! `/public/publicity/{case_id}` (the objection form, `case_publicity`). Tables stack as cards
//! on a phone; every path here is rate-limited per address (`crate::ratelimit`).

use tianping_app::public::{self as uc, List};

use super::public_lists as rows;
use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/public", get(index))
        .route("/public/publicity", get(publicity))
        .route("/public/announcements", get(announcements))
        .route("/public/grades", get(grades))
        .route("/public/stars", get(stars))
        .route("/public/blacklist", get(blacklist))
        .route("/public/notices", get(notices))
}

/// The search of a list: `?q=` (name or credit code).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Search {
    q: Option<String>,
}

/// One public list: where it is, its name and what an empty one says.
#[derive(Clone, Copy)]
pub(super) struct Which {
    pub path: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub about_zh: &'static str,
    pub about_en: &'static str,
    /// What an empty list says (“暂无…”).
    pub none_zh: &'static str,
    pub none_en: &'static str,
}

pub(super) const PUBLICITY: Which = Which {
    path: "/public/publicity",
    zh: "评价结果公示",
    en: "Results under publicity",
    about_zh: "企业能力评价的初评结果与等级建议，公示期内任何单位和个人均可提出异议。",
    about_en: "Preliminary capability evaluation results and suggested grades; anyone may object while a publicity is open.",
    none_zh: "暂无公示中的评价结果",
    none_en: "No results under publicity",
};
pub(super) const ANNOUNCEMENTS: Which = Which {
    path: "/public/announcements",
    zh: "评价结果公告",
    en: "Announcements",
    about_zh: "公示期满、经确认的企业能力评价结果公告。",
    about_en: "Confirmed capability evaluation results, announced after their publicity.",
    none_zh: "暂无评价结果公告",
    none_en: "No announcements",
};
pub(super) const GRADES: Which = Which {
    path: "/public/grades",
    zh: "企业能力等级名录",
    en: "Register of capability grades",
    about_zh: "当前有效的企业能力等级，附得分、确认日期和有效期；已过期或已撤销的不列入。",
    about_en: "Capability grades in force today, with score, confirmation date and validity; expired or revoked grades are not listed.",
    none_zh: "暂无有效的企业能力等级",
    none_en: "No grades in force",
};
pub(super) const STARS: Which = Which {
    path: "/public/stars",
    zh: "星级企业名录",
    en: "Star register",
    about_zh: "当前持有的星级、授予或调整日期、单项星级和年度监督期限。",
    about_en: "Stars held today, since when, single-dimension stars and the yearly supervision's due date.",
    none_zh: "暂无星级企业",
    none_en: "No starred enterprises",
};
pub(super) const BLACKLIST: Which = Which {
    path: "/public/blacklist",
    zh: "黑名单",
    en: "Blacklist",
    about_zh: "列入黑名单的企业，附列入日期和原因；已移出的不列入。",
    about_en: "Blacklisted enterprises with the date and reason; entries lifted are not listed.",
    none_zh: "暂无列入黑名单的企业",
    none_en: "No blacklisted enterprises",
};
pub(super) const NOTICES: Which = Which {
    path: "/public/notices",
    zh: "撤销、降级公告",
    en: "Revocation and downgrade notices",
    about_zh: "撤销评价等级、降级和降低星级的公告。",
    about_en: "Notices of revoked and downgraded grades and of lowered stars.",
    none_zh: "暂无撤销、降级公告",
    none_en: "No revocation or downgrade notices",
};

pub(super) const ALL: [Which; 6] = [PUBLICITY, ANNOUNCEMENTS, GRADES, STARS, BLACKLIST, NOTICES];

/// The search form of a list (or of the index): a GET form, works without JavaScript.
fn search_form(l: Lang, action: &str, q: Option<&str>) -> Markup {
    html! {
        form.inline.search method="get" action=(action) role="search" {
            label for="f-q" { (l.t("企业名称或统一社会信用代码", "Enterprise name or credit code")) }
            input id="f-q" type="text" name="q" value=(q.unwrap_or(""))
                maxlength="50" autocomplete="off"
                placeholder=(l.t("输入名称的一部分或代码开头", "Part of the name, or the code's start"));
            button { (l.t("搜索", "Search")) }
            @if q.is_some() {
                a href=(action) { (l.t("清除搜索", "Clear")) }
            }
        }
    }
}

/// What an empty list says, naming the search when there is one.
pub(super) fn empty(l: Lang, w: &Which, q: Option<&str>) -> Markup {
    html! {
        p.muted.empty {
            @match q {
                Some(q) => {
                    (l.t("没有与“", "Nothing matches “")) (q) (l.t("”匹配的记录：", "”: "))
                    (l.t(w.none_zh, w.none_en))
                }
                None => (l.t(w.none_zh, w.none_en)),
            }
        }
    }
}

/// A list page: back to the index, what the list is, the search, the rows (or the empty
/// words) and the cut.
fn list_page<T>(ctx: &Ctx, w: &Which, list: &List<T>, table: Markup) -> Response {
    let l = ctx.lang;
    let q = list.q.as_deref();
    let body = html! {
        p { a href="/public" { "← " (l.t("公示公告", "Public notices")) } }
        p.muted { (l.t(w.about_zh, w.about_en)) " " (l.t("截至", "As of")) " " (list.today) }
        (search_form(l, w.path, q))
        @if list.items.is_empty() {
            (empty(l, w, q))
        } @else {
            (table)
            @if list.more {
                p.notice {
                    (l.t("仅显示前 ", "Only the first "))
                    (uc::SHOWN)
                    (l.t(" 条，请输入名称或代码缩小范围。", " are shown; search by name or code to narrow the list."))
                }
            }
        }
    };
    view::page(&ctx.chrome(), l.t(w.zh, w.en), body)
}

async fn publicity(State(st): State<App>, ctx: Ctx, Query(s): Query<Search>) -> Res {
    let list = uc::publicities(&st, s.q.as_deref()).await?;
    let t = rows::publicity(ctx.lang, &list.items);
    Ok(list_page(&ctx, &PUBLICITY, &list, t))
}

async fn announcements(State(st): State<App>, ctx: Ctx, Query(s): Query<Search>) -> Res {
    let list = uc::announcements(&st, s.q.as_deref()).await?;
    let t = rows::notices(ctx.lang, &list.items, false);
    Ok(list_page(&ctx, &ANNOUNCEMENTS, &list, t))
}

async fn grades(State(st): State<App>, ctx: Ctx, Query(s): Query<Search>) -> Res {
    let list = uc::grades(&st, s.q.as_deref()).await?;
    let t = rows::grades(ctx.lang, &list.items);
    Ok(list_page(&ctx, &GRADES, &list, t))
}

async fn stars(State(st): State<App>, ctx: Ctx, Query(s): Query<Search>) -> Res {
    let list = uc::stars(&st, s.q.as_deref()).await?;
    let t = rows::stars(ctx.lang, &list.items);
    Ok(list_page(&ctx, &STARS, &list, t))
}

async fn blacklist(State(st): State<App>, ctx: Ctx, Query(s): Query<Search>) -> Res {
    let list = uc::blacklist(&st, s.q.as_deref()).await?;
    let t = rows::blacklist(ctx.lang, &list.items);
    Ok(list_page(&ctx, &BLACKLIST, &list, t))
}

async fn notices(State(st): State<App>, ctx: Ctx, Query(s): Query<Search>) -> Res {
    let list = uc::notices(&st, s.q.as_deref()).await?;
    let t = rows::notices(ctx.lang, &list.items, true);
    Ok(list_page(&ctx, &NOTICES, &list, t))
}

/// How many rows of each list the index shows for a search.
const PREVIEW: usize = 5;

/// A search's section on the index: the first rows of one list and a link to all of them.
fn section<T>(l: Lang, w: &Which, list: &List<T>, table: impl Fn(&[T]) -> Markup) -> Markup {
    let q = list.q.as_deref().unwrap_or("");
    let n = list.items.len();
    html! {
        section {
            h2 { a href=(w.path) { (l.t(w.zh, w.en)) } }
            @if n == 0 {
                (empty(l, w, list.q.as_deref()))
            } @else {
                (table(&list.items[..n.min(PREVIEW)]))
                @if n > PREVIEW || list.more {
                    p {
                        a href={ (w.path) "?q=" (url_enc(q)) } {
                            (l.t("查看全部匹配记录", "All matching rows")) " →"
                        }
                    }
                }
            }
        }
    }
}

/// `/public`: every list with what it holds, and a search over all of them.
async fn index(State(st): State<App>, ctx: Ctx, Query(s): Query<Search>) -> Res {
    let l = ctx.lang;
    let q = tianping_case::public::lists::search_term(s.q.as_deref());
    let found = match &q {
        None => None,
        Some(q) => {
            let q = Some(q.as_str());
            Some(html! {
                (section(l, &PUBLICITY, &uc::publicities(&st, q).await?, |r| rows::publicity(l, r)))
                (section(l, &ANNOUNCEMENTS, &uc::announcements(&st, q).await?, |r| rows::notices(l, r, false)))
                (section(l, &GRADES, &uc::grades(&st, q).await?, |r| rows::grades(l, r)))
                (section(l, &STARS, &uc::stars(&st, q).await?, |r| rows::stars(l, r)))
                (section(l, &BLACKLIST, &uc::blacklist(&st, q).await?, |r| rows::blacklist(l, r)))
                (section(l, &NOTICES, &uc::notices(&st, q).await?, |r| rows::notices(l, r, true)))
            })
        }
    };
    let body = html! {
        p.muted {
            (l.t(
                "依据团体标准公开的企业能力评价公示与公告、等级名录、星级名录和黑名单。无需登录。",
                "What the standards publish: capability evaluation publicities and announcements, the register of grades, the star register and the blacklist. No sign-in needed.",
            ))
        }
        (search_form(l, "/public", q.as_deref()))
        @match found {
            Some(found) => (found),
            None => {
                ul.public-lists {
                    @for w in &ALL {
                        li {
                            a href=(w.path) { (l.t(w.zh, w.en)) }
                            div.muted { (l.t(w.about_zh, w.about_en)) }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(
        &ctx.chrome(),
        l.t("公示公告", "Public notices"),
        body,
    ))
}
