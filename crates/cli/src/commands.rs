//! Command implementations: read files, call the pure core, print.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};
use tianping_catalog::{dir_files, Catalog};
use tianping_core::stars::{apply_rules, Application, Granted, Mode};
use tianping_core::{load_scheme, Method, Plan, Profile, Scheme};

use crate::{out, output};
use crate::{Cli, Command, Format, ModeArg, SchemesCmd};

pub fn run(cli: &Cli) -> Result<ExitCode, String> {
    if cli.format == Format::Xlsx && !matches!(cli.command, Command::Template { .. }) {
        return Err(xlsx_only());
    }
    match &cli.command {
        Command::AuditTime { .. }
        | Command::Sampling { .. }
        | Command::Calendar { .. }
        | Command::Uscc { .. } => crate::calc_cmds::run(cli),
        Command::Case { cmd } => crate::case_cmds::run(cli, cmd),
        Command::Points { cmd } => crate::points_cmd::run(cli, cmd),
        Command::Certificate { cmd } => crate::cert_cmds::certificate(cli, cmd),
        Command::CncaExport {
            month,
            db,
            org,
            layout,
            out,
        } => crate::xlsx_cmds::cnca(month, db, *org, layout.as_deref(), out),
        Command::Keys { cmd } => crate::cert_cmds::keys(cli, cmd),
        Command::Serve(_)
        | Command::Demo(_)
        | Command::Migrate(_)
        | Command::Backup { .. }
        | Command::Regrade { .. }
        | Command::BenchData { .. }
        | Command::Due { .. }
        | Command::Audit { .. } => crate::server::run(cli),
        Command::Schemes { cmd } => match cmd {
            SchemesCmd::Check { dir } => check(cli, dir.as_deref()),
            SchemesCmd::List => {
                let cat = catalog(cli)?;
                emit(cli, &output::schemes_list_json(&cat), || {
                    output::schemes_list_text(&cat)
                })
            }
            SchemesCmd::Show { id } => {
                let cat = catalog(cli)?;
                let s = cat.get(id).ok_or_else(|| cat.unknown(id))?;
                emit(cli, &output::scheme_json(s), || output::scheme_text(s))
            }
        },
        Command::Template {
            scheme,
            variant,
            out: out_file,
        } => {
            let cat = catalog(cli)?;
            let s = cat.get(scheme).ok_or_else(|| cat.unknown(scheme))?;
            let plan = Plan::new(s, variant.as_deref(), None).map_err(|e| e.0)?;
            if cli.format == Format::Xlsx {
                return crate::xlsx_cmds::template(&plan, out_file.as_deref());
            }
            if out_file.is_some() {
                return Err("--out 只用于 --format xlsx；JSON 模板打印到标准输出".into());
            }
            let t = tianping_core::template::template(&plan);
            // The template is JSON by nature; text format prints it too.
            out::stdoutln(&pretty(&t))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Evaluate {
            scheme,
            variant,
            input,
            profile,
            strict,
            mode,
            current_stars,
            first_application,
        } => {
            let cat = catalog(cli)?;
            let args = EvalArgs {
                scheme,
                variant: variant.as_deref(),
                input,
                profile: profile.as_deref(),
                strict: *strict,
                mode: *mode,
                current_stars: *current_stars,
                first_application: *first_application,
            };
            let (s, eval, granted) = evaluate(&cat, &args)?;
            let mut v = serde_json::to_value(&eval).map_err(|e| e.to_string())?;
            if let (Some((app, g)), Value::Object(m)) = (&granted, &mut v) {
                m.insert("application".into(), json!(app));
                m.insert("granted_stars".into(), json!(g));
            }
            emit(cli, &v, || {
                output::evaluation_text(s, &eval, granted.as_ref().map(|g| &g.1))
            })
        }
        Command::Report(args) => crate::report_cmd::run(cli, args),
        Command::Gap(args) => crate::gap_cmd::run(cli, args),
    }
}

/// What `evaluate` and `report` read from the command line.
pub struct EvalArgs<'a> {
    pub scheme: &'a str,
    pub variant: Option<&'a str>,
    pub input: &'a Path,
    pub profile: Option<&'a Path>,
    pub strict: bool,
    pub mode: Option<ModeArg>,
    pub current_stars: Option<u8>,
    pub first_application: bool,
}

/// A scored answer file: the scheme, the evaluation and, for the star scheme, the
/// application with the stars granted (I-6).
pub type Evaluated<'c> = (
    &'c Scheme,
    tianping_core::Evaluation,
    Option<(Application, Granted)>,
);

/// An answer file read for a scheme (JSON, or a filled Excel template), with the variant
/// and the profile it is to be scored under.
pub struct Input<'c> {
    pub scheme: &'c Scheme,
    pub variant: Option<String>,
    pub profile: Option<Profile>,
    json: BTreeMap<String, Value>,
    xlsx: Option<Vec<tianping_domain::workbook_read::Grid>>,
    path: std::path::PathBuf,
}

/// Read an answer file for `scheme`: the variant of `--variant` and of the file must agree
/// (by id, alias or name), the profile is read from its file.
pub fn read_input<'c>(
    cat: &'c Catalog,
    scheme: &str,
    variant: Option<&str>,
    input: &Path,
    profile: Option<&Path>,
) -> Result<Input<'c>, String> {
    let s = cat.get(scheme).ok_or_else(|| cat.unknown(scheme))?;
    // an answer file: JSON, or an Excel answer template (`template --format xlsx`)
    let (json, xlsx, file_variant) = if crate::xlsx_cmds::is_xlsx(input) {
        let (grids, v) = crate::xlsx_cmds::load(input)?;
        (BTreeMap::new(), Some(grids), v)
    } else {
        let (a, v) = read_answers(input, s)?;
        (a, None, v)
    };
    // Both may name the variant by id, alias or name: compare what they resolve to.
    let same_variant = |a: &str, b: &str| {
        a == b
            || matches!((s.find_variant(a), s.find_variant(b)),
                        (Some(x), Some(y)) if x.id == y.id)
    };
    let variant = match (variant, file_variant) {
        (Some(a), Some(b)) if !same_variant(a, &b) => {
            return Err(format!(
                "{}: 文件中的 variant “{}” 与 --variant “{}” 不一致",
                input.display(),
                b,
                a
            ))
        }
        (Some(a), _) => Some(a.to_string()),
        (None, b) => b,
    };
    let profile = match profile {
        Some(p) => Some(read_profile(p)?),
        None => None,
    };
    Ok(Input {
        scheme: s,
        variant,
        profile,
        json,
        xlsx,
        path: input.to_path_buf(),
    })
}

impl Input<'_> {
    /// The answers keyed by indicator id, for a plan of this input.
    pub fn answers(&self, plan: &Plan) -> Result<BTreeMap<String, Value>, String> {
        match &self.xlsx {
            Some(grids) => crate::xlsx_cmds::answers(&self.path, plan, grids),
            None => Ok(self.json.clone()),
        }
    }

    /// The refusal of bad answers: the file, then each problem (at most 50).
    pub fn refusal(&self, errs: &[tianping_core::AnswerError]) -> String {
        let mut m = format!("{}: 答案有 {} 处问题：", self.path.display(), errs.len());
        for e in errs.iter().take(50) {
            m.push_str(&format!("\n  - {}", e));
        }
        if errs.len() > 50 {
            m.push_str(&format!("\n  … 另有 {} 处", errs.len() - 50));
        }
        m
    }
}

pub fn evaluate<'c>(cat: &'c Catalog, a: &EvalArgs) -> Result<Evaluated<'c>, String> {
    let EvalArgs {
        scheme,
        variant,
        input,
        profile,
        strict,
        mode,
        current_stars,
        first_application,
    } = a;
    let inp = read_input(cat, scheme, *variant, input, *profile)?;
    let s = inp.scheme;
    let is_stars = s.method == Method::Dimensions;
    if !is_stars && (mode.is_some() || current_stars.is_some() || *first_application) {
        return Err(format!(
            "--mode、--current-stars、--first-application 只适用于星级评价方案（{} 不是）",
            s.id
        ));
    }
    if let Some(n) = current_stars {
        if *n > 5 {
            return Err(format!("--current-stars {} 无效；可接受 0 至 5", n));
        }
    }
    let plan = Plan::new(s, inp.variant.as_deref(), inp.profile.as_ref()).map_err(|e| e.0)?;
    let answers = inp.answers(&plan)?;
    let eval = plan
        .evaluate(&answers, *strict)
        .map_err(|errs| inp.refusal(&errs))?;
    let granted = if is_stars {
        let app = Application {
            current_stars: current_stars.unwrap_or(0),
            first_application: *first_application,
            mode: match mode {
                Some(ModeArg::Onsite) => Mode::Onsite,
                _ => Mode::SelfEvaluation,
            },
        };
        Some((
            app,
            apply_rules(app, eval.stars.unwrap_or(0), &eval.dimensions),
        ))
    } else {
        None
    };
    Ok((s, eval, granted))
}

/// The refusal of `--format xlsx` where no Excel file is written.
pub fn xlsx_only() -> String {
    "--format xlsx 只用于 `tianping template --format xlsx --out FILE`；其他命令请用 text 或 json"
        .into()
}

pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

pub fn emit(cli: &Cli, json: &Value, text: impl FnOnce() -> String) -> Result<ExitCode, String> {
    match cli.format {
        Format::Json => out::stdoutln(&pretty(json))?,
        Format::Text => out::stdout(&text())?,
        Format::Xlsx => return Err(xlsx_only()),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn catalog(cli: &Cli) -> Result<Catalog, String> {
    Catalog::load(cli.schemes_dir.as_deref()).map_err(|errs| {
        let mut m = format!("方案加载失败（{} 处错误）：", errs.len());
        for e in &errs {
            m.push_str(&format!("\n  - {}", e));
        }
        m
    })
}

fn check(cli: &Cli, dir: Option<&Path>) -> Result<ExitCode, String> {
    let files = match dir.or(cli.schemes_dir.as_deref()) {
        Some(d) => dir_files(d).map_err(|e| {
            e.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })?,
        None => tianping_catalog::shipped_files(),
    };
    let mut results: Vec<(String, Result<Scheme, Vec<tianping_core::SchemeError>>)> = files
        .iter()
        .map(|f| (f.dir_name.clone(), load_scheme(f)))
        .collect();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let failed = results.iter().any(|(_, r)| r.is_err());
    match cli.format {
        Format::Json => out::stdoutln(&pretty(&output::check_json(&results)))?,
        Format::Text => out::stdout(&output::check_text(&results))?,
        Format::Xlsx => return Err(xlsx_only()),
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Read an answers file; returns the answers and the variant it names.
fn read_answers(
    path: &Path,
    scheme: &Scheme,
) -> Result<(BTreeMap<String, Value>, Option<String>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: 无法读取答案文件：{}", path.display(), e))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: JSON 格式错误：{}",
            path.display(),
            e.line(),
            e.column(),
            e
        )
    })?;
    let Value::Object(mut m) = v else {
        return Err(format!(
            "{}: 答案文件须为对象：{{\"scheme\": \"…\", \"variant\": \"…\", \"answers\": {{\"<指标id>\": 值}}}}",
            path.display()
        ));
    };
    for k in m.keys() {
        if !matches!(
            k.as_str(),
            "scheme" | "variant" | "answers" | "indicators" | "scheme_version"
        ) {
            return Err(format!(
                "{}: 未知字段 “{}”；可用字段：scheme、variant、answers",
                path.display(),
                k
            ));
        }
    }
    match m.get("scheme") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if *s == scheme.id => {}
        Some(other) => {
            return Err(format!(
                "{}: 文件中的 scheme {} 与 --scheme {} 不一致",
                path.display(),
                other,
                scheme.id
            ))
        }
    }
    let variant = match m.get("variant") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(format!("{}: variant 须为字符串", path.display())),
    };
    let answers = match m.remove("answers") {
        Some(Value::Object(a)) => a.into_iter().collect(),
        None => {
            return Err(format!(
                "{}: 缺少 answers 字段（{{\"<指标id>\": 值}}）",
                path.display()
            ))
        }
        Some(_) => {
            return Err(format!(
                "{}: answers 须为对象 {{\"<指标id>\": 值}}",
                path.display()
            ))
        }
    };
    Ok((answers, variant))
}

fn read_profile(path: &Path) -> Result<Profile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: 无法读取评价方案配置：{}", path.display(), e))?;
    Profile::parse(&path.display().to_string(), &text)
}
