//! Tianping's use cases, without HTTP. Pages, the API and the CLI call this layer; it is the
//! only one that talks to the store.
//!
//! Every change follows one shape: load what the rule needs, apply the pure rule (crates
//! domain and core), then write the result together with its audit entry in one transaction
//! stamped with the injected [`Clock`]. Reads return typed rows and views.
//!
//! - [`accounts`]: sign-up, sign-in with throttling, sessions, API tokens, invitations.
//! - [`enterprises`]: enterprise records, sites, engagements; [`identity`]: the credit code
//!   and name locked after submission or engagement, and change requests.
//! - [`assessments`]: creating, scoring, submitting; lists.
//! - [`submission`]: the review before submitting, submitting, withdrawing.
//! - [`answers`]: saving answers and experts' scores; assigning experts.
//! - [`bulk`]: answers in bulk with a result per row (API batches, CSV and Excel files).
//! - [`precedence`]: which save replaces which answer (I-20): proposals, refusals.
//! - [`review`]: the body's review: verifying self-declared answers (an item or a whole
//!   table), resolving the enterprise's proposals.
//! - [`evidence`]: evidence files; [`case_files`]: the documents of a certification case
//!   (upload by the party allowed, list with the application's checklist, download).
//! - [`admin`]: organisations, invitations; [`staff`]: deactivating, reactivating, roles,
//!   revoking invitations; [`audit_log`]: the audit log filtered and paged.
//! - [`people`]: a certification body's people: competence records, conflicts of interest,
//!   qualified auditors on a day, and what the certification rules read of them.
//! - [`notify`]: the inbox and the notification of each event; [`mail`]: the e-mail outbox
//!   and its delivery task; [`reset`]: password reset by e-mail.
//! - [`cases`]: certification cases as event logs; [`case_notify`]: who of the client and
//!   the body is told of a case's event; [`case_remind`]: the due reminders, each sent once,
//!   and the server's hourly task.
//! - [`cert_keys`]: the bodies' certificate signing keys in files outside the database
//!   (made on first use, rotated by key id); [`certificates`]: the signed QR link of a
//!   certificate and its public status page (I-21).
//! - [`questionnaire`]: questionnaires of an on-site capability assessment (004 7.2.1,
//!   I-13): single-use links, anonymous answers, the aggregate once closed, applying it.
//! - [`public`]: the public registers and notices of capability and star cases on today
//!   (no sign-in, no person), searched by name or credit code.
//! - [`xlsx`]: Excel in and out (issue 11): answer templates filled or blank and read back,
//!   an assessment's result, lists; [`cnca`]: the regulator's monthly report.
//! - [`documents`]: the PDF reports and certificates' data, rendered by `tianping-pdf`.
//! - [`demo`]: the demo dataset (created through the same use cases); [`regrade`]: re-grading
//!   stored results.

pub mod accounts;
pub mod admin;
pub mod answers;
pub mod assessments;
pub mod audit_log;
pub mod bench_data;
pub mod bulk;
pub mod capability_cases;
mod capability_checks;
mod capability_notify;
pub mod capability_objections;
pub mod capability_report;
pub mod case_files;
pub mod case_notify;
pub mod case_records;
pub mod case_remind;
pub mod cases;
pub mod cert_keys;
pub mod certificates;
pub mod clock;
pub mod cnca;
pub mod config;
pub mod demo;
mod demo_cases;
mod demo_insight;
mod demo_points;
mod demo_ratings;
pub mod documents;
pub mod enterprises;
pub mod error;
pub mod evidence;
pub mod identity;
pub mod insight;
pub mod insight_gap;
pub mod insight_words;
pub mod jobs;
pub mod kept;
pub mod mail;
pub mod notify;
pub mod onsite;
pub mod packs;
pub mod people;
pub mod plans;
pub mod points;
pub mod points_view;
pub mod precedence;
pub mod public;
pub mod questionnaire;
pub mod rate_limit;
pub mod regrade;
pub mod rescore;
pub mod reset;
pub mod review;
pub mod sme_feed;
pub mod staff;
pub mod star_cases;
mod star_results;
mod star_stages;
pub mod submission;
pub mod xlsx;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tianping_catalog::Catalog;
use tianping_core::{Method, Scheme};
use tianping_store::audit::Actor;
use tianping_store::repo::User;
use tianping_store::{Store, WriteTx};

pub use clock::{Clock, FixedClock, ShiftedClock, SystemClock};
pub use config::Config;
pub use error::{Error, Refusal};
pub use tianping_domain as domain;
pub use tianping_domain::{FieldError, Lang, Msg};
pub use tianping_store::repo;

/// What every use case needs: the database, the schemes, the configuration, the clock and
/// the compiled plans. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub catalog: &'static Catalog,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub plans: Arc<plans::PlanCache>,
    /// The PDF fonts, loaded on the first render ([`App::fonts`]).
    pub fonts: Arc<documents::FontCell>,
    /// The background jobs' record (`/metrics`).
    pub jobs: Arc<jobs::Jobs>,
    /// Stored results read, kept while their rows say they are current ([`kept`]).
    pub kept: Arc<kept::KeptResults>,
}

/// Load the scheme catalog once for the life of the process.
pub fn load_catalog(config: &Config) -> Result<&'static Catalog, String> {
    let c = Catalog::load(config.schemes_dir.as_deref()).map_err(|errs| {
        format!(
            "方案加载失败：\n{}",
            errs.iter()
                .map(|e| format!("  {}", e))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    Ok(Box::leak(Box::new(c)))
}

impl App {
    /// Open the database named by the configuration (migrating it) and load the catalog.
    pub async fn open(config: Config) -> Result<App, String> {
        let catalog = load_catalog(&config)?;
        let store = Store::open(&config.database)
            .await
            .map_err(|e| e.to_string())?;
        let clock: Arc<dyn Clock> = match config.today {
            Some(day) => Arc::new(ShiftedClock::to_day(day)),
            None => Arc::new(SystemClock),
        };
        let app = App::new(store, catalog, config, clock);
        let packed = packs::pack_existing(&app).await?;
        if packed > 0 {
            tracing::info!(packed, "packed the answers of results stored before packs");
        }
        Ok(app)
    }

    pub fn new(
        store: Store,
        catalog: &'static Catalog,
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> App {
        App {
            store,
            catalog,
            config: Arc::new(config),
            clock,
            plans: Arc::new(plans::PlanCache::default()),
            fonts: Arc::new(documents::FontCell::default()),
            jobs: Arc::new(jobs::Jobs::default()),
            kept: Arc::new(kept::KeptResults::default()),
        }
    }

    /// Now, by the application's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in China (UTC+8): the day acts are dated by (case events, people's records).
    pub fn today(&self) -> chrono::NaiveDate {
        self.now()
            .with_timezone(&tianping_domain::audit::china())
            .date_naive()
    }

    /// Now plus `secs` seconds, as stored.
    pub fn stamp_in(&self, secs: i64) -> String {
        tianping_store::stamp(self.now() + chrono::Duration::seconds(secs))
    }

    /// Begin a write transaction stamped with the application's clock.
    pub async fn begin(&self) -> Result<WriteTx, Error> {
        Ok(self.store.begin_at(self.now()).await?)
    }

    /// A scheme of the catalog, or an error on the `scheme` field naming the known ones.
    pub fn scheme(&self, id: &str) -> Result<&'static Scheme, Error> {
        self.catalog.get(id).ok_or_else(|| {
            Error::Invalid(vec![FieldError::msg(
                "scheme",
                Msg::wrap("Unknown scheme", self.catalog.unknown(id)),
            )])
        })
    }

    /// The 000 scheme (stars).
    pub fn star_scheme(&self) -> Option<&'static Scheme> {
        self.catalog
            .schemes
            .iter()
            .find(|s| s.method == Method::Dimensions)
    }

    /// The 001 scheme (digital levels).
    pub fn level_scheme(&self) -> Option<&'static Scheme> {
        self.catalog
            .schemes
            .iter()
            .find(|s| s.method == Method::WeightedLevels)
    }

    /// The schemes whose variants an enterprise record names.
    pub fn variant_schemes(&self) -> domain::enterprise::VariantSchemes<'static> {
        domain::enterprise::VariantSchemes {
            types: self.star_scheme(),
            categories: self.level_scheme(),
        }
    }
}

/// Who made a change, for the audit log.
pub fn actor(u: &User) -> Actor {
    Actor {
        id: Some(u.id),
        label: format!("{} ({})", u.email, u.role),
    }
}

pub use tianping_store::random_token;
