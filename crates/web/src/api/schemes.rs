//! `GET /schemes`: the shipped schemes and their variants.

use std::borrow::Cow;

use axum::extract::State;
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use tianping_app::App;
use tianping_core::Method;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{OpenApi, ToSchema};

use super::{text_enum, ApiRes, Caller, Routes, Unauthorized};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/schemes", get(list_schemes))
}

#[derive(OpenApi)]
#[openapi(paths(list_schemes))]
pub(super) struct Doc;

/// An evaluation scheme: one standard as data.
#[derive(Serialize, ToSchema)]
pub(super) struct Scheme {
    /// The scheme's id, e.g. `t-sdditai-5121-2023`.
    id: String,
    name: String,
    /// The standard's number and title.
    standard: String,
    #[schema(value_type = MethodText)]
    method: Method,
    /// SHA-256 over the scheme's files.
    version: String,
    /// The scheme's variants (empty when it has none).
    variants: Vec<Variant>,
}

/// A variant of a scheme (T11/AII 001: enterprise type; T/SDDITAI 5121: category).
#[derive(Serialize, ToSchema)]
pub(super) struct Variant {
    id: String,
    name: String,
}

/// The schema of the core's `Method`.
struct MethodText;

impl MethodText {
    /// Every method; the match makes a new method a compile error here.
    fn all() -> [Method; 4] {
        match Method::Points {
            Method::Points
            | Method::WeightedLevels
            | Method::Dimensions
            | Method::WeightedCoefficients => {}
        }
        [
            Method::Points,
            Method::WeightedLevels,
            Method::Dimensions,
            Method::WeightedCoefficients,
        ]
    }
}

impl utoipa::PartialSchema for MethodText {
    fn schema() -> RefOr<Schema> {
        text_enum(
            "How a scheme turns answers into scores",
            MethodText::all().map(|m| {
                let what = match m {
                    Method::Points => "points per item, scaled to the printed total",
                    Method::WeightedLevels => "levels 0–5 per leaf, weighted three-level tree",
                    Method::Dimensions => {
                        "coefficients per indicator, 1000-point dimensions and stars"
                    }
                    Method::WeightedCoefficients => {
                        "coefficients per indicator, equal weights within each group"
                    }
                };
                (m.as_str(), what.to_string())
            }),
        )
    }
}

impl ToSchema for MethodText {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Method")
    }
}

/// Schemes and their variants
#[utoipa::path(
    get,
    path = "/schemes",
    tag = "schemes",
    responses(
        (status = 200, description = "Every scheme", body = Vec<Scheme>),
        (status = 401, response = Unauthorized),
    )
)]
async fn list_schemes(State(st): State<App>, Caller(_): Caller) -> ApiRes<Vec<Scheme>> {
    Ok(Json(
        st.catalog
            .schemes
            .iter()
            .map(|s| Scheme {
                id: s.id.clone(),
                name: s.name.clone(),
                standard: s.standard.clone(),
                method: s.method,
                version: s.version.clone(),
                variants: s
                    .variants
                    .iter()
                    .map(|v| Variant {
                        id: v.id.clone(),
                        name: v.name.clone(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
