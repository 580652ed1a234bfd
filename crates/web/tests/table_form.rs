//! Answering fast, on SQLite and PostgreSQL: a whole table is one form with one save (no
//! JavaScript needed) that saves only changed fields, all or none, keeping what was typed on
//! errors; answered counts, the unanswered filter, search, previous/next, rows with the same
//! name told apart, and the background save's JSON.

mod common;

use axum::http::StatusCode;
use common::*;
use regex::Regex;
use serde_json::Value;
use tianping_core::{Category, Indicator, Plan};
use tianping_store::repo;

/// The tech-service plan of the star scheme (the fixture's `star_a`).
fn star_plan() -> Plan<'static> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    Plan::new(s, Some("tech-service"), None).unwrap()
}

/// The items of one table of the plan, in order.
fn table<'p>(plan: &'p Plan<'static>, key: &str) -> Vec<&'p Indicator> {
    plan.leaves
        .iter()
        .map(|l| l.ind)
        .filter(|i| i.table == key)
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The fields the table form of a page sends as a browser would: its inputs (hidden ones
/// too, checkboxes when checked) and each select's selected option.
fn form_fields(body: &str) -> Vec<(String, String)> {
    let start = body
        .find(r#"<form class="answers""#)
        .unwrap_or_else(|| panic!("no table form: {body}"));
    let form = &body[start..start + body[start..].find("</form>").unwrap()];
    let attrs: Vec<(&str, Regex)> = ["name", "type", "value"]
        .into_iter()
        .map(|a| (a, Regex::new(&format!(r#"(?:^| ){a}="([^"]*)""#)).unwrap()))
        .collect();
    let attr = |tag: &str, name: &str| {
        let re = &attrs.iter().find(|(a, _)| *a == name).unwrap().1;
        re.captures(tag).map(|c| unescape(&c[1]))
    };
    let mut out = Vec::new();
    for c in Regex::new(r"<input ([^>]*)>").unwrap().captures_iter(form) {
        let tag = &c[1];
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if attr(tag, "type").as_deref() == Some("checkbox") && !tag.contains(" checked") {
            continue;
        }
        out.push((name, attr(tag, "value").unwrap_or_default()));
    }
    let option = Regex::new(r#"<option value="([^"]*)"( selected)?>"#).unwrap();
    for c in Regex::new(r"(?s)<select ([^>]*)>(.*?)</select>")
        .unwrap()
        .captures_iter(form)
    {
        let name = attr(&c[1], "name").unwrap();
        let options: Vec<_> = option.captures_iter(&c[2]).collect();
        let chosen = options
            .iter()
            .find(|o| o.get(2).is_some())
            .or(options.first())
            .map(|o| unescape(&o[1]))
            .unwrap_or_default();
        out.push((name, chosen));
    }
    out
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let f = fields
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    f.1 = value.to_string();
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The answers of an assessment through the API, by indicator.
async fn answers_of(app: &App, tok: &str, id: i64) -> (i64, Value) {
    let r = app
        .api(tok)
        .get(&format!("/assessments/{id}/answers"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    let mut by = serde_json::Map::new();
    for a in j["answers"].as_array().unwrap() {
        by.insert(a["indicator"].as_str().unwrap().to_string(), a.clone());
    }
    (j["revision"].as_i64().unwrap(), Value::Object(by))
}

#[tokio::test]
async fn a_table_is_one_form_that_saves_only_what_changed() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        let t = table(&plan, "F1.1");
        let (x, y, z) = (t[0], t[1], t[2]);
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let tok = token(&app, "a@a.test").await;
        // two answers with notes, saved one at a time on their item pages
        for (i, v, note) in [(y, "40", "y note"), (z, "50", "z note")] {
            let url = format!("/assessments/{}/items/{}/answer", f.star_a, enc(&i.id));
            let r = a
                .post(&url, &[("value", v), ("source", "self"), ("note", note)])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        }
        let page = format!("/assessments/{}?table=F1.1", f.star_a);
        let r = a.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let mut fields = form_fields(&r.body);
        assert!(
            fields
                .iter()
                .any(|(n, v)| *n == format!("o:{}", z.id) && v.parse::<f64>() == Ok(50.0)),
            "{b}: the stored value travels with the row"
        );
        assert!(
            fields.iter().any(|(n, _)| *n == format!("s:{}", x.id)),
            "{b}: a source per row on the star scheme"
        );
        let before = answers_of(&app, &tok, f.star_a).await.0;
        set(&mut fields, &format!("v:{}", x.id), "80");
        set(&mut fields, &format!("v:{}", y.id), "45");
        let r = a
            .post(
                &format!("/assessments/{}/answers", f.star_a),
                &pairs(&fields),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let to = r.location();
        assert!(
            to.contains("table=F1.1") && to.contains("saved=2"),
            "{b}: {to}"
        );
        let r = a.get(&to).await;
        assert!(r.body.contains("已保存 2 项答案"), "{b}");
        // one revision for the table; the changed rows saved with their source, notes kept
        let (after, ans) = answers_of(&app, &tok, f.star_a).await;
        assert_eq!(after, before + 1, "{b}: one revision");
        assert_eq!(ans[&x.id]["value"]["value"], 80.0, "{b}");
        assert_eq!(ans[&x.id]["source"], "self", "{b}");
        assert_eq!(ans[&y.id]["value"]["value"], 45.0, "{b}");
        assert_eq!(
            ans[&y.id]["note"], "y note",
            "{b}: the table keeps the note"
        );
        // the untouched row was not written again
        assert_eq!(ans[&z.id]["value"]["value"], 50.0, "{b}");
        let versions = repo::answer_versions(&app.state.store, f.star_a, Some(&z.id))
            .await
            .unwrap();
        assert_eq!(
            versions.len(),
            1,
            "{b}: untouched answers are not rewritten"
        );
        // the same numbers typed differently are no change; nothing changed saves nothing
        let r = a.get(&page).await;
        let mut fields = form_fields(&r.body);
        set(&mut fields, &format!("v:{}", x.id), "80");
        let r = a
            .post(
                &format!("/assessments/{}/answers", f.star_a),
                &pairs(&fields),
            )
            .await;
        assert!(r.location().contains("saved=0"), "{b}: {}", r.location());
        assert!(a.get(&r.location()).await.body.contains("没有修改"), "{b}");
        assert_eq!(answers_of(&app, &tok, f.star_a).await.0, after, "{b}");
        // clearing a field clears the answer
        let mut fields = form_fields(&a.get(&page).await.body);
        set(&mut fields, &format!("v:{}", x.id), "");
        let r = a
            .post(
                &format!("/assessments/{}/answers", f.star_a),
                &pairs(&fields),
            )
            .await;
        assert!(r.location().contains("saved=1"), "{b}");
        let (_, ans) = answers_of(&app, &tok, f.star_a).await;
        assert!(ans[&x.id]["value"].is_null(), "{b}: {}", ans[&x.id]);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn errors_keep_what_was_typed_and_save_nothing() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        let t = table(&plan, "F1.1");
        let (x, y) = (t[0], t[1]);
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let tok = token(&app, "a@a.test").await;
        let page = format!("/assessments/{}?table=F1.1", f.star_a);
        let post = format!("/assessments/{}/answers", f.star_a);
        let before = answers_of(&app, &tok, f.star_a).await.0;
        for (bad, says) in [("abc", "不是数字"), ("150", "")] {
            let mut fields = form_fields(&a.get(&page).await.body);
            set(&mut fields, &format!("v:{}", x.id), bad);
            set(&mut fields, &format!("v:{}", y.id), "70");
            let r = a.post(&post, &pairs(&fields)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {bad}");
            assert!(
                r.body
                    .contains(&format!(r#"name="v:{}" value="{bad}""#, x.id))
                    && r.body.contains(&format!(r#"name="v:{}" value="70""#, y.id)),
                "{b} {bad}: what was typed is kept"
            );
            // the message is in the row of the item at fault, and the summary names the item
            let row = r.body.find(&format!(r#"id="ind-{}""#, x.id)).unwrap();
            let end = row + r.body[row..].find("</tr>").unwrap();
            assert!(r.body[row..end].contains(r#"class="err""#), "{b} {bad}");
            assert!(r.body[row..end].contains(says), "{b} {bad}");
            assert!(
                r.body.contains("以下指标未保存")
                    && r.body
                        .contains(&format!("F1.1 {}. ", x.serial.as_deref().unwrap())),
                "{b} {bad}: the summary names the item"
            );
            assert_eq!(
                answers_of(&app, &tok, f.star_a).await.0,
                before,
                "{b} {bad}: all or none"
            );
        }
        // the background save: JSON with the messages by item, then with what was saved
        let mut js = app.browser().header("accept", "application/json");
        js.login("a@a.test", PW).await;
        let mut fields = form_fields(&js.get(&page).await.body);
        set(&mut fields, &format!("v:{}", x.id), "abc");
        set(&mut fields, &format!("v:{}", y.id), "70");
        let r = js.post(&post, &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let j = r.json();
        assert!(
            j["errors"][&x.id].as_str().unwrap().contains("不是数字"),
            "{b}: {j}"
        );
        assert_eq!(j["saved"], serde_json::json!([]), "{b}");
        set(&mut fields, &format!("v:{}", x.id), "");
        let r = js.post(&post, &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let j = r.json();
        assert_eq!(j["saved"], serde_json::json!([y.id]), "{b}");
        assert_eq!(j["counts"]["F1.1"], format!("1/{}", t.len()), "{b}: {j}");
        assert!(j["counts"][""].as_str().unwrap().starts_with("1/"), "{b}");
        assert_eq!(j["message"], "已保存 1 项", "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn counts_filter_search_and_rows_with_the_same_name() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        let t = table(&plan, "F1.1");
        let total = plan.leaves.len();
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let base = format!("/assessments/{}", f.star_a);
        let r = a.get(&format!("{base}?table=F1.1")).await;
        assert!(
            r.body
                .contains(&format!(r#"data-count="F1.1">0/{}<"#, t.len())),
            "{b}"
        );
        assert!(
            r.body.contains(&format!(r#"data-count="">0/{total}<"#)),
            "{b}"
        );
        let mut fields = form_fields(&r.body);
        set(&mut fields, &format!("v:{}", t[0].id), "90");
        a.post(&format!("{base}/answers"), &pairs(&fields)).await;
        let r = a.get(&format!("{base}?table=F1.1")).await;
        assert!(
            r.body
                .contains(&format!(r#"data-count="F1.1">1/{}<"#, t.len())),
            "{b}"
        );
        assert!(
            r.body.contains(&format!(r#"data-count="">1/{total}<"#)),
            "{b}"
        );
        // only unanswered
        let r = a.get(&format!("{base}?table=F1.1&unanswered=1")).await;
        assert!(!r.body.contains(&format!(r#"id="ind-{}""#, t[0].id)), "{b}");
        assert!(r.body.contains(&format!(r#"id="ind-{}""#, t[1].id)), "{b}");
        assert!(
            r.body.contains(r#"name="unanswered" value="1" checked"#),
            "{b}"
        );
        // search by name: the seven 资质信用情况 rows, each with serial, path and content
        let same: Vec<&&Indicator> = t
            .iter()
            .filter(|i| i.path.last().unwrap() == "资质信用情况")
            .collect();
        assert_eq!(same.len(), 7);
        let r = a.get(&format!("{base}?q={}", enc("资质信用情况"))).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains("搜索结果") && r.body.contains(" · 7 项"),
            "{b}: {}",
            r.body
        );
        for i in &same {
            let row = r.body.find(&format!(r#"id="ind-{}""#, i.id)).unwrap();
            let end = row + r.body[row..].find("</tr>").unwrap();
            let tr = &r.body[row..end];
            let serial = i.serial.as_deref().unwrap();
            assert!(
                tr.contains(&format!(
                    "F1.1 序号{serial} · 公共信用信息记录 › 企业信用记录"
                )),
                "{b}: serial and path in {tr}"
            );
            let start: String = i.content.as_deref().unwrap().chars().take(10).collect();
            assert!(tr.contains(&start), "{b}: content in {tr}");
        }
        // a row whose name is its own shows no path
        let alone = t
            .iter()
            .find(|i| t.iter().filter(|j| j.path.last() == i.path.last()).count() == 1)
            .unwrap();
        let r = a.get(&format!("{base}?table=F1.1")).await;
        let row = r.body.find(&format!(r#"id="ind-{}""#, alone.id)).unwrap();
        let end = row + r.body[row..].find("</tr>").unwrap();
        assert!(!r.body[row..end].contains(r#"class="path""#), "{b}");
        // search by number: table and printed serial, or a whole table by its key
        let s = same[2];
        let q = format!("F1.1 序号{}", s.serial.as_deref().unwrap());
        let r = a.get(&format!("{base}?q={}", enc(&q))).await;
        assert_eq!(
            r.body.matches(r#"<tr class="row"#).count(),
            1,
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains(&format!(r#"id="ind-{}""#, s.id)), "{b}");
        let r = a.get(&format!("{base}?q=F2.1")).await;
        let f21 = table(&plan, "F2.1");
        assert_eq!(
            r.body.matches(r#"<tr class="row"#).count(),
            f21.len(),
            "{b}"
        );
        let r = a.get(&format!("{base}?q={}", enc("没有这样的指标"))).await;
        assert!(r.body.contains("没有符合条件的指标"), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn item_pages_link_the_previous_and_next_item() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        let t = table(&plan, "F1.1");
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let item = |i: &Indicator| format!("/assessments/{}/items/{}", f.star_a, enc(&i.id));
        let r = a.get(&item(t[1])).await;
        assert!(
            r.body
                .contains(&format!(r#"rel="prev" href="{}""#, item(t[0]))),
            "{b}"
        );
        assert!(
            r.body
                .contains(&format!(r#"rel="next" href="{}""#, item(t[2]))),
            "{b}"
        );
        let r = a.get(&item(t[0])).await;
        assert!(
            !r.body.contains(r#"rel="prev""#),
            "{b}: the first item has no previous"
        );
        // the last item of a table leads on to the next table
        let last = t.last().unwrap();
        let f12 = table(&plan, "F1.2");
        let r = a.get(&item(last)).await;
        assert!(
            r.body
                .contains(&format!(r#"rel="next" href="{}""#, item(f12[0]))),
            "{b}"
        );
        // within the unanswered filter, answered items are skipped
        let r = a
            .post(
                &format!("{}/answer", item(t[2])),
                &[("value", "60"), ("source", "self")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}");
        let r = a.get(&format!("{}?unanswered=1", item(t[1]))).await;
        assert!(
            r.body
                .contains(&format!(r#"rel="next" href="{}?unanswered=1""#, item(t[3]))),
            "{b}"
        );
        assert!(r.body.contains("返回筛选后的列表"), "{b}");
        // an item sharing its name says which one it is
        let same: Vec<&&Indicator> = t
            .iter()
            .filter(|i| i.path.last().unwrap() == "资质信用情况")
            .collect();
        let r = a.get(&item(same[1])).await;
        assert!(
            r.body.contains("本表有 7 项同名指标“资质信用情况”")
                && r.body
                    .contains(&format!("序号 {}", same[1].serial.as_deref().unwrap())),
            "{b}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn who_gets_a_form_and_the_script() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        let t = table(&plan, "F1.1");
        let page = format!("/assessments/{}?table=F1.1", f.star_a);
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let r = a.get(&page).await;
        let href = tianping_web::html::table_js_href();
        assert!(
            r.body.contains(&format!(r#"<script src="{href}" defer>"#)),
            "{b}"
        );
        let js = a.get(href).await;
        assert_eq!(js.status, StatusCode::OK, "{b}");
        assert_eq!(js.content_type(), "text/javascript; charset=utf-8");
        assert!(js.body.contains("beforeunload") && js.body.contains("application/json"));
        assert!(js.headers.get("content-security-policy").is_some(), "{b}");
        // the platform operator: inputs for 线上 items only, with platform data as the source
        let mut op = app.browser();
        op.login("operator@p.test", PW).await;
        let r = op.get(&page).await;
        let fields = form_fields(&r.body);
        for i in &t {
            let has = fields.iter().any(|(n, _)| *n == format!("v:{}", i.id));
            assert_eq!(has, i.category == Some(Category::Online), "{b} {}", i.id);
        }
        assert!(
            fields
                .iter()
                .all(|(n, v)| !n.starts_with("s:") || v == "platform"),
            "{b}"
        );
        // the body reads the self-assessment: no form, no script
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        let r = aud.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            !r.body.contains(r#"<form class="answers""#) && !r.body.contains("<script"),
            "{b}"
        );
        // a posted table from a reader is refused; another enterprise's is not found
        let field = format!("v:{}", t[0].id);
        let old = format!("o:{}", t[0].id);
        let fields = [(field.as_str(), "5"), (old.as_str(), "")];
        let r = aud
            .post(&format!("/assessments/{}/answers", f.star_a), &fields)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let mut other = app.browser();
        other.login("b@b.test", PW).await;
        let r = other
            .post(&format!("/assessments/{}/answers", f.star_a), &fields)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        // points items on another scheme: a number per row; panel and questionnaire items are
        // answered on their page
        let r = a.get(&format!("/assessments/{}", f.self_a)).await;
        assert!(r.body.contains(&format!(r#"name="v:{}""#, f.item)), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_level_scheme_is_answered_with_a_select_per_row() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let tok = token(&app, "a@a.test").await;
        let r = app
            .api(&tok)
            .post(
                "/assessments",
                serde_json::json!({"enterprise_id": f.ent_a, "scheme": "t-sdditai-5121-2023",
                    "variant": "manufacturing"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let r = a.get(&format!("/assessments/{id}")).await;
        let mut fields = form_fields(&r.body);
        let first = fields
            .iter()
            .find(|(n, _)| n.starts_with("v:"))
            .unwrap()
            .0
            .clone();
        assert!(
            r.body.contains(&format!(r#"<select name="{first}""#)),
            "{b}"
        );
        set(&mut fields, &first, "3");
        let r = a
            .post(&format!("/assessments/{id}/answers"), &pairs(&fields))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let (_, ans) = answers_of(&app, &tok, id).await;
        assert_eq!(ans[&first[2..]]["value"], 3.0, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn more_rows_than_a_page_holds_are_paged_and_a_save_keeps_its_page() {
    use tianping_app::domain::listing;
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        // a search that matches more items than one page holds (a search looks through
        // every table)
        let mut chars: Vec<String> = plan
            .leaves
            .iter()
            .flat_map(|l| l.ind.path.iter().flat_map(|p| p.chars()))
            .filter(|c| !c.is_ascii())
            .map(String::from)
            .collect();
        chars.sort();
        chars.dedup();
        let (q, n) = chars
            .iter()
            .map(|q| {
                let n = plan
                    .leaves
                    .iter()
                    .filter(|l| listing::matches(l.ind, q))
                    .count();
                (q.as_str(), n)
            })
            .max_by_key(|(_, n)| *n)
            .unwrap();
        assert!(n > 100, "{b}: the largest search matches only {n}");
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let url = format!("/assessments/{}?table=F1.1&q={}", f.star_a, enc(q));
        let r = a.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let fields = form_fields(&r.body);
        let rows = |fields: &[(String, String)]| {
            fields.iter().filter(|(k, _)| k.starts_with("o:")).count()
        };
        assert_eq!(rows(&fields), 100, "{b}: one page of rows");
        assert!(r.body.contains(&format!("第 1–100 项，共 {n} 项")), "{b}");
        assert!(r.body.contains("下一页"), "{b}");
        assert!(!fields.iter().any(|(k, _)| k == "page"), "{b}");

        let r = a.get(&format!("{url}&page=2")).await;
        let mut fields = form_fields(&r.body);
        assert_eq!(rows(&fields), (n - 100).min(100), "{b}: the next rows");
        assert!(r.body.contains(&format!("第 101–{} 项", n.min(200))), "{b}");
        assert!(r.body.contains("上一页"), "{b}");
        // a save from the second page comes back to it
        let first = fields
            .iter()
            .find(|(k, _)| k.starts_with("v:"))
            .map(|(k, _)| k.clone())
            .unwrap();
        let item = first.trim_start_matches("v:").to_string();
        let i = plan.leaves.iter().position(|l| l.ind.id == item).unwrap();
        let value = tianping_core::fmt_num(plan.leaves[i].answer_max.min(60.0));
        set(&mut fields, &first, &value);
        let r = a
            .post(
                &format!("/assessments/{}/answers", f.star_a),
                &pairs(&fields),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        assert!(r.location().contains("&page=2"), "{b}: {}", r.location());
        assert!(r.location().contains("saved=1"), "{b}: {}", r.location());
        // a page past the last shows the last
        let r = a.get(&format!("{url}&page=999")).await;
        assert!(r.body.contains(&format!("共 {n} 项")), "{b}");
        app.cleanup().await;
    }
}
