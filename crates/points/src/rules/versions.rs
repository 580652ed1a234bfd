//! The stored rules versions: `schemes/sh-service-cloud-points/versions.toml` lists each
//! rules file of the folder with the date it applies from (compiled in). The version in force
//! on a day is the latest one applying from that day or earlier (I-22); any version can be
//! chosen by its id or by a day (`tianping points replay --rules-version`).

use std::sync::OnceLock;

use chrono::NaiveDate;
use include_dir::{include_dir, Dir};
use serde::Deserialize;

use super::{err, RulesError, Version};

/// The shipped rules folder, compiled in.
static SHIPPED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../schemes/sh-service-cloud-points");

/// The index file of the folder.
pub const INDEX: &str = "versions.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    version: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    effective_from: NaiveDate,
}

/// Every rules version, oldest first (at least one).
#[derive(Debug, Clone)]
pub struct Versions {
    list: Vec<Version>,
}

impl Versions {
    /// The shipped versions (read once).
    pub fn shipped() -> &'static Versions {
        static V: OnceLock<Versions> = OnceLock::new();
        V.get_or_init(Versions::read_shipped)
    }

    fn read_shipped() -> Versions {
        let text = |name: &str| {
            SHIPPED
                .get_file(name)
                .and_then(|f| f.contents_utf8())
                .map(str::to_string)
        };
        let index = text(INDEX).unwrap_or_default();
        Versions::parse(&index, text).expect("the shipped rules versions are valid (tested)")
    }

    /// Read an index and the rules files it names (`read` gives a file's text by name).
    /// Errors name the index entry or the rules file.
    pub fn parse(
        index: &str,
        read: impl Fn(&str) -> Option<String>,
    ) -> Result<Versions, RulesError> {
        let ix: Index = toml::from_str(index).map_err(|e| err(INDEX, e.message().to_string()))?;
        let mut list: Vec<Version> = Vec::with_capacity(ix.version.len());
        for e in ix.version {
            let at = format!("{INDEX} {}", e.file);
            let text = read(&e.file).ok_or_else(|| err(&at, "找不到这个规则文件"))?;
            let v = Version::parse(&text, e.effective_from).map_err(|x| RulesError {
                at: format!("{} {}", e.file, x.at).trim().to_string(),
                message: x.message,
            })?;
            if list.iter().any(|o| o.effective_from == v.effective_from) {
                return Err(err(&at, format!("施行日期 {} 重复", v.effective_from)));
            }
            list.push(v);
        }
        if list.is_empty() {
            return Err(err(INDEX, "至少要有一个 [[version]]"));
        }
        list.sort_by_key(|v| v.effective_from);
        Ok(Versions { list })
    }

    /// The latest version.
    pub fn latest(&self) -> &Version {
        &self.list[self.list.len() - 1]
    }

    /// Every version, oldest first.
    pub fn all(&self) -> &[Version] {
        &self.list
    }

    /// The version in force on a day: the latest applying from that day or earlier (before
    /// the first version, the first).
    pub fn in_force(&self, on: NaiveDate) -> &Version {
        self.list
            .iter()
            .rev()
            .find(|v| v.effective_from <= on)
            .unwrap_or(&self.list[0])
    }

    /// A version named by its id (or a prefix of at least 4 characters naming one) or by a
    /// day YYYY-MM-DD (the version in force then).
    pub fn find(&self, spec: &str) -> Result<&Version, String> {
        let spec = spec.trim();
        if let Ok(day) = NaiveDate::parse_from_str(spec, "%Y-%m-%d") {
            return Ok(self.in_force(day));
        }
        let hits: Vec<&Version> = if spec.len() >= 4 {
            self.list
                .iter()
                .filter(|v| v.id.starts_with(spec))
                .collect()
        } else {
            Vec::new()
        };
        match hits.as_slice() {
            [one] => Ok(one),
            _ => Err(format!(
                "没有规则版本 “{spec}”：应为版本号（至少前 4 位）或日期 YYYY-MM-DD；可用：{}",
                self.list
                    .iter()
                    .map(|v| format!("{}（自 {} 起施行）", v.id, v.effective_from))
                    .collect::<Vec<_>>()
                    .join("、")
            )),
        }
    }
}
