//! Tianping's pure core: the standards as data (scheme model, loading, validation), and the
//! scoring engine that turns answers into scores, grades and stars with an explanation of
//! every figure. No IO, no async, no database: callers hand in file contents and answers.

pub mod answer;
pub mod distance;
pub mod engine;
pub mod load;
pub mod model;
pub mod pack;
pub mod profile;
pub mod regrade;
pub mod stars;
pub mod template;

pub use answer::{Answer, AnswerError, Given, Problem, Source};
pub use engine::{Evaluation, Plan, PlanError, Quick, ENGINE_VERSION};
pub use load::{load_scheme, SchemeError, SchemeFiles};
pub use model::*;
pub use profile::Profile;
