//! Tianping pure calculators.
//!
//! Everything here is pure: no IO, no clock, no async. The same inputs give the same outputs.
//!
//! - [`uscc`]: the unified social credit code check of GB 32100-2015 (with the embedded
//!   GB 11714 organisation code check digit).
//! - [`calendar`]: working days per the State Council holiday notices (DESIGN I-11),
//!   Civil Code art. 201 periods, month arithmetic and certificate expiry.
//! - [`audit_time`]: audit person-days per Annex A of the eepc-certification rules
//!   (DESIGN I-8).
//! - [`industry`]: the form of a GB/T 4754 industry code.
//! - [`sampling`]: multi-site sampling per 8.1.3.2 of the same rules (DESIGN I-9).
//!
//! All public result types derive `Serialize` so that the CLI can print them as JSON;
//! all errors have Chinese `Display` texts naming the field and what is accepted.

pub mod audit_time;
pub mod calendar;
pub mod industry;
mod rational;
pub mod sampling;
pub mod uscc;

use serde::{Deserialize, Serialize};

/// The kind of audit in a certification cycle (初次审核 / 监督审核 / 再认证审核).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditType {
    /// 初次审核（第一阶段 + 第二阶段）
    Initial,
    /// 监督审核
    Surveillance,
    /// 再认证审核
    Recertification,
}

impl AuditType {
    /// All audit types in programme order.
    pub const ALL: [AuditType; 3] = [
        AuditType::Initial,
        AuditType::Surveillance,
        AuditType::Recertification,
    ];

    /// Chinese name as used in the standard.
    pub fn name_zh(self) -> &'static str {
        match self {
            AuditType::Initial => "初次审核",
            AuditType::Surveillance => "监督审核",
            AuditType::Recertification => "再认证审核",
        }
    }

    /// Parse the machine names `initial`, `surveillance`, `recertification` or the Chinese
    /// names 初次 / 初次审核 / 监督 / 监督审核 / 再认证 / 再认证审核.
    pub fn parse(s: &str) -> Option<AuditType> {
        match s.trim() {
            "initial" | "初次" | "初次审核" | "初审" => Some(AuditType::Initial),
            "surveillance" | "监督" | "监督审核" => Some(AuditType::Surveillance),
            "recertification" | "再认证" | "再认证审核" => Some(AuditType::Recertification),
            _ => None,
        }
    }
}

impl std::fmt::Display for AuditType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name_zh())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_type_parse_round_trip() {
        for t in AuditType::ALL {
            assert_eq!(AuditType::parse(t.name_zh()), Some(t));
        }
        assert_eq!(AuditType::parse("initial"), Some(AuditType::Initial));
        assert_eq!(
            AuditType::parse(" surveillance "),
            Some(AuditType::Surveillance)
        );
        assert_eq!(
            AuditType::parse("recertification"),
            Some(AuditType::Recertification)
        );
        assert_eq!(AuditType::parse("annual"), None);
        assert_eq!(AuditType::parse(""), None);
    }

    #[test]
    fn audit_type_serializes_kebab_case() {
        let v = toml::Value::try_from(AuditType::Recertification).unwrap();
        assert_eq!(v.as_str(), Some("recertification"));
    }
}
