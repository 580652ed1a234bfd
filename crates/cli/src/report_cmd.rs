//! `tianping report`: score an answer file as `tianping evaluate` does and write its report
//! as PDF/A-2b, without a server or a database.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use sha2::{Digest, Sha256};
use tianping_app::assessments::ResultView;
use tianping_app::documents::{self, report, Fonts, Template};
use tianping_app::domain::text::Mode;
use tianping_app::Lang;

use crate::commands::{catalog, evaluate, EvalArgs};
use crate::{out, Cli, ModeArg};

#[derive(Args)]
pub struct ReportArgs {
    #[arg(long)]
    pub scheme: String,
    #[arg(long)]
    pub variant: Option<String>,
    /// Answers JSON, as for `tianping evaluate`.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Profile TOML selecting and weighting indicators.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// The PDF to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// `en` for an English report; Chinese by default.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// The report's date (its PDF creation date), YYYY-MM-DD; default today (or TIANPING_TODAY).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// 000: how the evaluation was done.
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// 000: comprehensive stars the enterprise holds now.
    #[arg(long, value_name = "N")]
    pub current_stars: Option<u8>,
    /// 000: this is the enterprise's first application.
    #[arg(long)]
    pub first_application: bool,
    /// Folder of CJK fonts (default TIANPING_FONT_DIR, else Debian's fonts-noto-cjk).
    #[arg(long, value_name = "DIR")]
    pub font_dir: Option<PathBuf>,
}

pub fn run(cli: &Cli, a: &ReportArgs) -> Result<ExitCode, String> {
    let lang = match a.lang.as_deref() {
        None | Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        Some(x) => return Err(format!("--lang {} 无效；可接受 zh、en", x)),
    };
    let date = match &a.date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| format!("--date {} 无效；格式为 YYYY-MM-DD", d))?,
        None => crate::case_cmds::today()?,
    };
    let cat = catalog(cli)?;
    let (scheme, evaluation, granted) = evaluate(
        &cat,
        &EvalArgs {
            scheme: &a.scheme,
            variant: a.variant.as_deref(),
            input: &a.input,
            profile: a.profile.as_deref(),
            strict: false,
            mode: a.mode,
            current_stars: a.current_stars,
            first_application: a.first_application,
        },
    )?;
    let view = ResultView {
        evaluation,
        granted: granted.map(|g| g.1),
        mode: match a.mode {
            Some(ModeArg::Onsite) => Mode::Onsite,
            _ => Mode::SelfEvaluation,
        },
    };
    let mut data = report::build(lang, scheme, &view, Default::default(), None);
    // 提升建议: the gap to the next outcome from the same answers
    let inp = crate::commands::read_input(
        &cat,
        &a.scheme,
        a.variant.as_deref(),
        &a.input,
        a.profile.as_deref(),
    )?;
    let plan = tianping_core::Plan::new(inp.scheme, inp.variant.as_deref(), inp.profile.as_ref())
        .map_err(|e| e.0)?;
    let answers = inp.answers(&plan)?;
    if let Ok(g) = tianping_app::insight_gap::gap_of(&plan, &answers, None) {
        data.suggestions = Some(documents::suggestions::of(lang, &g));
    }
    let dir = a
        .font_dir
        .clone()
        .or_else(|| std::env::var_os("TIANPING_FONT_DIR").map(PathBuf::from));
    let fonts = Fonts::load(dir.as_deref()).map_err(|e| e.to_string())?;
    // The identifier: what was rendered, so the same files give the same PDF.
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(&data).map_err(|e| e.to_string())?);
    let id = format!("report/{}/{}", scheme.id, &hex(&h.finalize())[..16]);
    let created = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    let pdf = documents::render_with(&fonts, Template::Report, &data, lang, created, id, vec![])
        .map_err(|e| e.to_string())?;
    std::fs::write(&a.out, &pdf).map_err(|e| format!("{}: 无法写入：{}", a.out.display(), e))?;
    out::stdoutln(&format!("已写入 {}（{} 字节）", a.out.display(), pdf.len()))?;
    Ok(ExitCode::SUCCESS)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{:02x}", x)).collect()
}
