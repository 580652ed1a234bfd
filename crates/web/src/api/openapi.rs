//! The OpenAPI 3.1 document of the API, generated from the operations' annotations
//! (`#[utoipa::path]` in each feature module) and their typed views, and served at
//! `/api/v1/openapi.json`.

use std::sync::OnceLock;

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

use super::{
    answers, assessments, audit, batch, capability, case_files, cases, documents, enterprises,
    exports, insight, notifications, onsite, people, points, public, questionnaires, review,
    schemes, stars, submission, tokens, Conflict, Forbidden, Invalid, NotFound, Problem,
    ProblemField, RateLimited, Throttled, Unauthorized,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tianping API",
        version = "1",
        description = "天平：企业、评价、答案与结果。权限与网页相同；出错时返回 application/problem+json，errors 列出出错的字段。\n\nTianping: enterprises, assessments, answers and results, with the same permissions as the pages. Send `Authorization: Bearer TOKEN` (`POST /tokens`). Errors are `application/problem+json`, in English when `Accept-Language` prefers it; `errors` names each field at fault. An object the caller may not see answers 404, exactly like a missing one."
    ),
    servers((url = "/api/v1")),
    security(("bearer" = [])),
    paths(get_openapi),
    components(
        schemas(Problem, ProblemField),
        responses(Unauthorized, Forbidden, NotFound, Conflict, Invalid, Throttled, RateLimited)
    ),
    modifiers(&Bearer),
    tags(
        (name = "tokens", description = "API tokens and the caller"),
        (name = "schemes", description = "The evaluation schemes (standards) and their variants"),
        (name = "enterprises", description = "Enterprise records"),
        (name = "assessments", description = "Assessments: create, read, template, submit, withdraw"),
        (name = "answers", description = "Answers and results of an assessment"),
        (name = "audit", description = "The audit log (system administrators)"),
        (name = "notifications", description = "The caller's notifications (inbox)"),
        (name = "review", description = "The evaluation body's review: verifying self-declared answers, resolving the enterprise's disputed proposals (I-6, I-20)"),
        (name = "cases", description = "Certification cases as event logs (I-16, I-17): application to certificate, surveillance, suspension, withdrawal, appeals; the due list"),
        (name = "stars", description = "Star-rating cases of T11/AII 001-2020 (§6, §8, I-19): application, results from assessments, awards, yearly supervision, lowering, blacklist; the special-capability report by stage (§6.3)"),
        (name = "people", description = "A certification body's people: competence records (CCAA, EEPC, business areas), qualified auditors on a day, conflicts of interest with clients (8.1.4.1, 5.2)"),
        (name = "points", description = "Shop points of seed 002 (I-14, I-22): a platform operator's batches of events, answered per event, and a shop's balance"),
        (name = "questionnaires", description = "Questionnaires of an on-site capability assessment (004 7.2.1, I-13): single-use links answered anonymously, the aggregate once closed with at least 3 responses, written into the assessment as Likert answers"),
        (name = "insight", description = "Insight on results (004 4.2, I-23): the gap to the next grade, level or star with the fewest changes, what-if without saving, an enterprise's results over time, a result among its peers (never named, at least 5 others), a body's clients' outcomes and common gaps"),
        (name = "public", description = "The public registers and notices, no token (004 6.4, 6.5, 9.2; 000 §6, §8): results under publicity, announcements, capability grades in force, stars held, the blacklist, revocation and downgrade notices; searched by name or credit code; rate-limited per address"),
        (name = "meta", description = "This document")
    )
)]
struct ApiDoc;

/// The bearer token scheme (`POST /tokens`).
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut Document) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document: this module's part and every feature's operations.
pub fn openapi_doc() -> Document {
    let mut doc = ApiDoc::openapi();
    for part in [
        tokens::Doc::openapi(),
        schemes::Doc::openapi(),
        enterprises::Doc::openapi(),
        assessments::Doc::openapi(),
        documents::Doc::openapi(),
        insight::Doc::openapi(),
        submission::Doc::openapi(),
        onsite::Doc::openapi(),
        answers::Doc::openapi(),
        audit::Doc::openapi(),
        notifications::Doc::openapi(),
        review::Doc::openapi(),
        batch::Doc::openapi(),
        exports::Doc::openapi(),
        cases::Doc::openapi(),
        case_files::Doc::openapi(),
        capability::Doc::openapi(),
        people::Doc::openapi(),
        points::Doc::openapi(),
        questionnaires::Doc::openapi(),
        stars::Doc::openapi(),
        public::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    // `security(())` gives `[{}]` (anonymous allowed); say plainly that no token is needed
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            if op
                .security
                .as_ref()
                .is_some_and(|s| s.iter().all(|r| *r == Default::default()))
            {
                op.security = Some(Vec::new());
            }
        }
    }
    doc
}

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "get_openapi",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object))
)]
pub(super) async fn get_openapi() -> Json<&'static Document> {
    static DOC: OnceLock<Document> = OnceLock::new();
    Json(DOC.get_or_init(openapi_doc))
}
