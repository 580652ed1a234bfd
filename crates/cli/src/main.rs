//! `tianping`: the command line. Each command prints readable Chinese text, or JSON with
//! `--format json`; errors go to stderr with a non-zero exit code.

mod calc_cmds;
mod case_capability;
mod case_cmds;
mod cert_cmds;
mod cert_input;
mod commands;
mod due_cmd;
mod gap_cmd;
mod out;
mod output;
mod points_cmd;
mod points_db;
mod regrade_cmd;
mod report_cmd;
mod server;
mod xlsx_cmds;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// mimalloc returns freed memory to the system soon after it is freed; glibc's malloc kept
/// its per-thread arenas (about 200 MB after the demo's seeding rendered its PDFs). Built
/// without transparent huge pages (feature `no_thp`): its 1 GiB arena asked for them, and a
/// 2 MiB page stays resident while any of it is used (34 MiB of a 86 MiB demo after seeding).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option `purge_delay` (its number in the bundled mimalloc 3's `mimalloc.h`;
/// `libmimalloc-sys` names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once instead of after a second: mimalloc purges
/// a thread's pages only when that thread allocates again, so after the demo's seeding the
/// idle workers kept 15 MiB they no longer used. An operator's `MIMALLOC_PURGE_DELAY` wins.
///
/// The binary's one `unsafe`: a call into mimalloc's C API that sets a number (no safe
/// wrapper exists; the option is read at each purge, so setting it after start is valid).
#[allow(unsafe_code)]
fn purge_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mi_option_set takes an option number and a value, and only stores them.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
}

#[derive(Parser)]
#[command(
    name = "tianping",
    version,
    about = "天平 Tianping：按中国团体标准开展企业评价与认证",
    propagate_version = true
)]
pub struct Cli {
    /// Load scheme folders from this directory as well (replacing shipped schemes of the same id).
    #[arg(long, global = true, value_name = "DIR")]
    pub schemes_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// An Excel workbook (only `template`, with `--out`).
    Xlsx,
}

#[derive(Subcommand)]
pub enum Command {
    /// List, show and validate schemes (standards as data).
    Schemes {
        #[command(subcommand)]
        cmd: SchemesCmd,
    },
    /// Print a JSON answer template listing every indicator; with `--format xlsx --out FILE`,
    /// an Excel template (one sheet per table, validated answer cells).
    Template {
        #[arg(long)]
        scheme: String,
        /// Enterprise category or type (required for schemes with variants).
        #[arg(long)]
        variant: Option<String>,
        /// Where to write the Excel template (with `--format xlsx`).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Evaluate an answer file: scores, grade or stars, and the explanation.
    Evaluate {
        #[arg(long)]
        scheme: String,
        #[arg(long)]
        variant: Option<String>,
        /// Answers JSON: {"scheme": …, "variant": …, "answers": {"<id>": value}}, or a filled
        /// Excel template (.xlsx).
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Profile TOML selecting and weighting indicators.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        /// Treat any unanswered indicator as an error.
        #[arg(long)]
        strict: bool,
        /// 000: how the evaluation was done (self = online self-evaluation, onsite = with on-site audit).
        #[arg(long, value_enum)]
        mode: Option<ModeArg>,
        /// 000: comprehensive stars the enterprise holds now.
        #[arg(long, value_name = "N")]
        current_stars: Option<u8>,
        /// 000: this is the enterprise's first application.
        #[arg(long)]
        first_application: bool,
    },
    /// The fewest indicator changes to the next grade, level or star (DESIGN I-23): each
    /// change's current and target answer, its effect, and the standard's guidance.
    Gap(gap_cmd::GapArgs),
    /// Audit time in person-days (eepc-certification Annex A, DESIGN I-8).
    AuditTime {
        /// Effective headcount of the organisation (total).
        #[arg(long)]
        headcount: u32,
        #[arg(long, value_enum)]
        audit: AuditArg,
        /// Reduction of the base in percent (at most 30; sites on the certificate at most 50).
        #[arg(long, value_name = "PCT")]
        reduction: Option<u32>,
        /// A sampled site on the certificate, by its own headcount (repeatable); the central
        /// office has the rest of the headcount.
        #[arg(long = "site", value_name = "HEADCOUNT")]
        sites: Vec<u32>,
        /// Reduction of each listed site in percent (at most 50; defaults to --reduction).
        #[arg(long, value_name = "PCT")]
        site_reduction: Option<u32>,
        /// Number of temporary sites (not on the certificate).
        #[arg(long, value_name = "N")]
        temporary_sites: Option<u32>,
    },
    /// Sites to sample in a multi-site audit (DESIGN I-9).
    Sampling {
        /// Number of sites (central office not included).
        #[arg(long)]
        sites: u32,
        #[arg(long, value_enum)]
        audit: AuditArg,
        /// The sites are temporary sites (not shown on the certificate).
        #[arg(long)]
        temporary: bool,
    },
    /// Working-day calendar (State Council holiday notices, DESIGN I-11).
    Calendar {
        /// Extra calendar TOML (same format as the shipped holidays file) for more years.
        #[arg(long, value_name = "FILE", global = true)]
        calendar: Option<PathBuf>,
        #[command(subcommand)]
        cmd: CalendarCmd,
    },
    /// Unified social credit code (统一社会信用代码).
    Uscc {
        #[command(subcommand)]
        cmd: UsccCmd,
    },
    /// Cases as event logs (DESIGN I-16): check a case file against the rules.
    Case {
        #[command(subcommand)]
        cmd: CaseCmd,
    },
    /// Shop points of the Shanghai enterprise service cloud (seed 002, DESIGN I-14, I-22).
    Points {
        #[command(subcommand)]
        cmd: PointsCmd,
    },
    /// Run the web service (pages and /api/v1) on SQLite or PostgreSQL.
    Serve(server::ServeArgs),
    /// Run the web service with a ready demo dataset and print the demo logins.
    Demo(server::ServeArgs),
    /// Run pending database migrations.
    Migrate(server::DbArgs),
    /// Copy a SQLite database while the server runs (a consistent online copy, `VACUUM
    /// INTO`); for PostgreSQL use pg_dump.
    Backup {
        #[command(flatten)]
        db: server::DbArgs,
        /// The copy to write (must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Re-grade every stored result under the current schemes and engine (packed answers,
    /// the fast path, every core, batches; an interrupted run goes on where it stopped);
    /// with --verify only report differences.
    #[command(alias = "rescore")]
    Regrade {
        #[command(flatten)]
        db: server::DbArgs,
        /// Only this scheme's assessments (a scheme id, see `tianping schemes list`).
        #[arg(long, value_name = "ID")]
        scheme: Option<String>,
        /// Report differences without storing anything (exit code 2 if any).
        #[arg(long)]
        verify: bool,
        /// Start from the first assessment even if a run of this kind was interrupted.
        #[arg(long)]
        restart: bool,
        /// Assessments per batch.
        #[arg(long, default_value_t = 5000, value_name = "N")]
        batch: usize,
    },
    /// Fill a database with generated enterprises, sites and assessments across every scheme
    /// (for benchmarks and load tests; refuses a database that holds anything else).
    BenchData {
        #[command(flatten)]
        db: server::DbArgs,
        /// How many enterprises (about 1.25 assessments each).
        #[arg(long, value_name = "N")]
        enterprises: u64,
        /// Percent of assessments stored with per-answer rows and the full explained result
        /// (the rest: the packed answers and the result's figures).
        #[arg(long, default_value_t = 1.0, value_name = "PERCENT")]
        explained: f64,
        /// Seed of the generator (the same seed gives the same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Everything due or overdue across the certification cases of every body (DESIGN I-17).
    Due {
        #[command(flatten)]
        db: server::DbArgs,
        /// The day to look from, YYYY-MM-DD (default today in China); a future day projects.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Send today's reminders (7 days before and on the last day) that were not sent
        /// before, as the server does every hour, and deliver the e-mails they queue.
        #[arg(long)]
        notify: bool,
    },
    /// The regulator's monthly report (003 6.3.7, 8.1.8) as .xlsx: 审核计划信息表, 证书信息表
    /// and 审核结果信息表 of the certification cases, columns from schemes/cnca/monthly.toml.
    CncaExport {
        /// The month, YYYY-MM.
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[command(flatten)]
        db: server::DbArgs,
        /// Only this body's cases (its organisation id); default every body's.
        #[arg(long, value_name = "ID")]
        org: Option<i64>,
        /// A layout file adjusted by the body, instead of the shipped one.
        #[arg(long, value_name = "FILE")]
        layout: Option<PathBuf>,
        /// Where to write the workbook.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The hash-chained audit log: signing key, signed checkpoints, verification.
    Audit {
        #[command(subcommand)]
        cmd: server::AuditCmd,
    },
    /// Score an answer file and write its report as PDF/A (Chinese, or English with --lang en).
    Report(report_cmd::ReportArgs),
    /// Certificates (I-21): `certificate verify` checks a QR link offline.
    Certificate {
        #[command(subcommand)]
        cmd: cert_cmds::CertificateCmd,
    },
    /// The bodies' certificate signing keys: `keys rotate --org ID`, `keys list`.
    Keys {
        #[command(subcommand)]
        cmd: cert_cmds::KeysCmd,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditArg {
    Initial,
    Surveillance,
    Recertification,
}

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// The date N working days after DATE (the start day is not counted, Civil Code art. 201).
    AddWorkdays { date: String, n: String },
    /// Whether DATE is a working day (official holidays off, adjusted weekends on).
    IsWorkday { date: String },
}

#[derive(Subcommand)]
pub enum CaseCmd {
    /// Replay a certification case file (JSON Lines: a header {"case": "certification"}, then
    /// one event per line) and print its state, certificate, due list and violations. Exit 0
    /// without violations, 1 with, 2 for a file that cannot be read (naming its line).
    /// "Today" is China's date, or TIANPING_TODAY.
    Check {
        /// The case file (`-` reads standard input).
        file: PathBuf,
        /// Apply only the events dated on or before DATE (YYYY-MM-DD; default today); a later
        /// date projects the due list.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum PointsCmd {
    /// Fold a JSON Lines stream of points events (I-22: {"key", "shop", "event", "at", …})
    /// without a database and print per shop its points, level and points per rule, the
    /// repeated keys (counted once) and the rejected events. Exit 0 when nothing was
    /// rejected, 1 when some events were, 2 when the file cannot be read (naming its line).
    Replay {
        /// The events file (`-` reads standard input).
        file: PathBuf,
        /// Apply the events up to this time: RFC 3339, or YYYY-MM-DD for the end of that day
        /// in Asia/Shanghai (default now).
        #[arg(long, value_name = "TIME")]
        as_of: Option<String>,
        /// A rules file (like schemes/sh-service-cloud-points/rules.toml) instead of the shipped
        /// version in force at --as-of; needs --effective-from.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// A shipped rules version (schemes/sh-service-cloud-points/versions.toml) by its id
        /// (at least its first 4 characters) or by a day YYYY-MM-DD (the version in force
        /// then), instead of the one in force at --as-of.
        #[arg(long, value_name = "V")]
        rules_version: Option<String>,
        /// The date from which the --rules version applies (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        effective_from: Option<String>,
        /// Recompute the same events under this rules version too and explain the
        /// difference per shop, rule by rule; needs --compare-effective-from.
        #[arg(long, value_name = "FILE")]
        compare_rules: Option<PathBuf>,
        /// Recompute under this shipped rules version too (id or day, as --rules-version).
        #[arg(long, value_name = "V")]
        compare_rules_version: Option<String>,
        /// The date from which the --compare-rules version applies (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        compare_effective_from: Option<String>,
        /// Also print each shop's history: what every applied event earned or took back,
        /// with its rule and clause.
        #[arg(long)]
        history: bool,
    },
    /// Take a JSON Lines file of points events into the database for a platform, in batches
    /// of 10,000 through the same intake as the API (a line per batch shows progress). Exit 0
    /// when nothing was rejected, 1 when some events were, 2 when the file cannot be read.
    Import {
        /// The events file.
        file: PathBuf,
        /// The platform organisation's id (its operators' organisation).
        #[arg(long, value_name = "ORG_ID")]
        platform: i64,
        #[command(flatten)]
        db: server::DbArgs,
    },
    /// Re-fold every shop's stored events and report each balance that differs (exit 1).
    Check {
        #[command(flatten)]
        db: server::DbArgs,
    },
}

#[derive(Subcommand)]
pub enum UsccCmd {
    /// Check a unified social credit code (GB 32100-2015, with the GB 11714 check digit).
    Check { code: String },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    #[value(name = "self")]
    SelfEvaluation,
    Onsite,
}

#[derive(Subcommand)]
pub enum SchemesCmd {
    /// List the available schemes.
    List,
    /// Show one scheme: variants, tables with counts, grades, interpretations.
    Show { id: String },
    /// Validate scheme folders (the shipped ones, or those under DIR) and list interpretations.
    Check { dir: Option<PathBuf> },
}

fn main() -> ExitCode {
    purge_at_once();
    let cli = Cli::parse();
    // the global --schemes-dir reaches every command that opens the app (serve, demo,
    // rescore …) through their configuration, over TIANPING_SCHEMES_DIR and the file
    server::command_line_schemes_dir(cli.schemes_dir.clone());
    match commands::run(&cli) {
        Ok(code) => code,
        Err(msg) => {
            out::stderrln(&format!("错误：{}", msg.trim_end()));
            ExitCode::from(1)
        }
    }
}
