//! The browser routes: server-rendered pages that work without JavaScript. Every form
//! carries a CSRF token; forms that fail validation are shown again with what was typed and
//! the message next to the field.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tianping_app::accounts::{self, SignupInput};
use tianping_app::admin::{self, InviteInput};
use tianping_app::answers::{self, AnswerInput};
use tianping_app::assessments::{self, AssessmentInput};
use tianping_app::domain::enterprise::{EnterpriseInput, SiteInput};
use tianping_app::domain::{
    evidence as evidence_rules, Access, AssessmentStatus, Mode, OrgKind, Role,
};
use tianping_app::repo::{self, User};
use tianping_app::{enterprises, evidence, App};
use tianping_core::{fmt_num, AnswerKind, Method};

use crate::auth::{self, Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::error::{Error, FieldError, PageError};
use crate::html::{role_label, url_enc, when, Lang};
use crate::view;
use maud::{html, Markup};

mod account;
mod administration;
mod answer;
mod assessment;
mod audit;
mod capability_forms;
mod capability_page;
mod capability_report;
mod case_apply;
mod case_decide;
mod case_files;
mod case_forms;
mod case_page;
mod case_parse;
mod case_programme;
mod case_words;
mod cases;
mod charts;
mod documents;
mod due;
mod enterprise;
mod expert_pool;
mod explain;
pub(crate) mod exports;
mod home;
mod identity;
mod import;
mod inbox;
mod insight;
mod insight_views;
mod item;
mod nav;
mod onsite;
mod password;
mod people;
mod points_feed;
mod points_ops;
mod public;
mod public_lists;
mod publicity;
mod questionnaire;
mod result;
mod review;
mod shops;
mod staff;
mod star_apply;
mod star_forms;
mod star_page;
mod star_stages;
mod submit;
mod table;
mod table_save;
mod verify;

use account::*;
use answer::*;
use assessment::*;
use enterprise::*;
use item::*;
use result::*;

type Res = Result<Response, PageError>;

/// Every page route: each feature module brings its own.
pub fn routes() -> Router<App> {
    Router::new()
        .merge(home::routes())
        .merge(account::routes())
        .merge(enterprise::routes())
        .merge(assessment::routes())
        .merge(table::routes())
        .merge(onsite::routes())
        .merge(table_save::routes())
        .merge(submit::routes())
        .merge(import::routes())
        .merge(exports::routes())
        .merge(item::routes())
        .merge(answer::routes())
        .merge(result::routes())
        .merge(documents::routes())
        .merge(review::routes())
        .merge(administration::routes())
        .merge(staff::routes())
        .merge(people::routes())
        .merge(identity::routes())
        .merge(audit::routes())
        .merge(inbox::routes())
        .merge(insight::routes())
        .merge(insight_views::routes())
        .merge(password::routes())
        .merge(cases::routes())
        .merge(case_page::routes())
        .merge(case_apply::routes())
        .merge(case_forms::routes())
        .merge(case_decide::routes())
        .merge(case_files::routes())
        .merge(due::routes())
        .merge(questionnaire::routes())
        .merge(star_apply::routes())
        .merge(star_forms::routes())
        .merge(star_stages::routes())
        .merge(publicity::routes())
        .merge(expert_pool::routes())
        .merge(capability_page::routes())
        .merge(capability_report::routes())
        .merge(public::routes())
        .merge(verify::routes())
        .merge(shops::routes())
        .merge(points_ops::routes())
        .merge(points_feed::routes())
}

/// A multipart form with a CSRF token and one file (evidence, a sheet of answers): the token,
/// the file's name and its bytes (empty when no file was sent). A broken or oversized upload
/// is an error on the `file` field.
async fn uploaded_file(st: &App, mp: &mut Multipart) -> Result<(String, String, Vec<u8>), Error> {
    let (mut fields, name, data) = uploaded_form(st, mp).await?;
    Ok((fields.remove("csrf").unwrap_or_default(), name, data))
}

/// A multipart form with one file and text fields (the CSRF token among them, under `csrf`):
/// the text fields by name, the file's name and its bytes (empty when no file was sent).
/// The API's uploads read their forms with it too.
pub(crate) async fn uploaded_form(
    st: &App,
    mp: &mut Multipart,
) -> Result<(BTreeMap<String, String>, String, Vec<u8>), Error> {
    let mut fields = BTreeMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let next = mp.next_field().await.map_err(|e| {
            Error::invalid(
                "file",
                format!("上传数据无法读取：{}", e),
                format!("The upload could not be read: {}", e),
            )
        })?;
        let Some(fl) = next else { break };
        match fl.name().map(str::to_string) {
            Some(n) if n == "file" => {
                let name = fl.file_name().unwrap_or("").to_string();
                let data = fl.bytes().await.map_err(|_| {
                    let max = st.config.max_upload_bytes / 1024 / 1024;
                    Error::invalid(
                        "file",
                        format!("文件过大或上传中断；上限 {} MB", max),
                        format!(
                            "The file is too large or the upload broke off; the limit is {} MB",
                            max
                        ),
                    )
                })?;
                file = Some((name, data.to_vec()));
            }
            Some(n) => {
                let v = fl.text().await.unwrap_or_default();
                fields.insert(n, v);
            }
            None => {}
        }
    }
    let (name, data) = file.unwrap_or_default();
    Ok((fields, name, data))
}

fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Start a session for `user` and redirect to `to` with the session cookie set.
async fn signed_in(st: &App, user: i64, to: &str) -> Res {
    let token = accounts::start_session(st, user).await?;
    let mut r = redirect(to);
    r.headers_mut().append(
        SET_COOKIE,
        auth::set_cookie(
            SESSION_COOKIE,
            &token,
            st.config.session_hours * 3600,
            st.config.secure_cookies,
            true,
        ),
    );
    Ok(r)
}

/// Only local paths are followed after sign-in or a language switch.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

/// A path's ids (`/assessments/{id}`, …). An id that is not a number names nothing: it is
/// refused exactly as a missing object is (sign-in first, then 404), never with a 400.
struct Ids<T>(T);

#[axum::async_trait]
impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<App> for Ids<T> {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &App,
    ) -> Result<Self, PageError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(Ids(t)),
            Err(_) => {
                Ctx::from_request_parts(parts, state).await?.user()?;
                Err(Error::NotFound.into())
            }
        }
    }
}

/// Field errors by field, in the page's language (several on one field joined).
fn errs_map(l: Lang, e: &[FieldError]) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = BTreeMap::new();
    for x in e {
        let text = x.message.text(l);
        m.entry(x.field.clone())
            .and_modify(|s| {
                s.push_str(l.t("；", "; "));
                s.push_str(text)
            })
            .or_insert_with(|| text.to_string());
    }
    m
}

/// The errors of fields a form does not show (or of no field), above the form.
fn form_errors(m: &BTreeMap<String, String>, known: &[&str]) -> Markup {
    let other: Vec<&String> = m
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(_, v)| v)
        .collect();
    html! {
        @if !other.is_empty() {
            div.flash.bad role="alert" {
                @for (k, s) in other.iter().enumerate() {
                    @if k > 0 { br; }
                    (s)
                }
            }
        }
    }
}

fn with_status(status: StatusCode, mut r: Response) -> Response {
    *r.status_mut() = status;
    r
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQ {
    page: Option<i64>,
    welcome: Option<String>,
    saved: Option<String>,
    table: Option<String>,
    enterprise: Option<String>,
    scheme: Option<String>,
    token: Option<String>,
}

const PER_PAGE: i64 = 20;
