//! Multi-site sampling per 8.1.3.2 of the eepc-certification rules (DESIGN I-9).
//!
//! - Sites shown on the certificate, X production/service sites: initial ⌈√X⌉, surveillance
//!   ⌈0.6·√X⌉, recertification ⌈0.8·√X⌉, plus the central office at every audit.
//! - Temporary sites (not on the certificate): at least 1 per audit, and over the cycle the
//!   sampled sites cover the whole certification scope; plus the central office.
//!
//! The ceilings are computed with integers only: ⌈(p/q)·√X⌉ is the smallest n with
//! (n·q)² ≥ p²·X, so exact squares (X = 9, 25, 100 …) never come out one too high.

use serde::Serialize;
use thiserror::Error;

use crate::AuditType;

/// Errors of sampling.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SamplingError {
    #[error("{field}为0：应不小于1；没有分场所时只审核中心办公室，不需要抽样")]
    ZeroSites { field: String },
}

/// Kind of sites sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// Sites shown on the certificate (8.1.3.2 1)).
    Listed,
    /// Temporary sites (8.1.3.2 2)).
    Temporary,
}

/// Result of a sampling computation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sampling {
    pub audit_type: AuditType,
    pub site_kind: SiteKind,
    /// Number of production/service sites (X), central office not included.
    pub sites: u32,
    /// The coefficient of √X as printed: "1", "0.6", "0.8"; `None` for temporary sites.
    pub factor: Option<String>,
    /// k·√X before the ceiling (for display only; the count is computed exactly).
    pub exact: Option<f64>,
    /// Production/service sites to sample.
    pub sampled_sites: u32,
    /// The central office is audited every time.
    pub central_office: bool,
    /// Locations to visit: sampled sites + central office.
    pub total_locations: u32,
    /// Step-by-step explanation in Chinese.
    pub trace: Vec<String>,
}

/// ⌊√n⌋ for u128, by Newton's method.
fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

/// ⌈(p/q)·√x⌉ exactly, for q > 0.
pub fn ceil_frac_sqrt(p: u32, q: u32, x: u32) -> u32 {
    if q == 0 {
        return 0;
    }
    let (p, q, x) = (u128::from(p), u128::from(q), u128::from(x));
    let target = p * p * x; // < 2^96
    let mut n = isqrt(target) / q;
    while (n * q) * (n * q) < target {
        n += 1;
    }
    // n ≤ p·√x + 1 < 2^49, fits
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn factor(t: AuditType) -> (u32, u32, &'static str) {
    match t {
        AuditType::Initial => (1, 1, "1"),
        AuditType::Surveillance => (3, 5, "0.6"),
        AuditType::Recertification => (4, 5, "0.8"),
    }
}

/// Number of sites to sample when the sites are shown on the certificate (8.1.3.2 1)).
pub fn sample_listed(audit_type: AuditType, sites: u32) -> Result<Sampling, SamplingError> {
    if sites == 0 {
        return Err(SamplingError::ZeroSites {
            field: "生产/服务场所数量".into(),
        });
    }
    let (p, q, k) = factor(audit_type);
    let n = ceil_frac_sqrt(p, q, sites);
    let exact = f64::from(p) / f64::from(q) * f64::from(sites).sqrt();
    let expr = if k == "1" {
        format!("√{sites}")
    } else {
        format!("{k} × √{sites}")
    };
    let trace = vec![
        format!(
            "{}：生产/服务场所（在证书中显示）{sites} 个，按 8.1.3.2 1) 抽样量为 {}√X",
            audit_type.name_zh(),
            if k == "1" { "" } else { k }
        ),
        format!("{expr} = {exact:.3}，向上取整 → 抽样 {n} 个生产/服务场所"),
        format!(
            "每次审核均应覆盖中心办公室：共审核 {} 个场所（中心办公室 + {n} 个分场所）",
            n.saturating_add(1)
        ),
    ];
    Ok(Sampling {
        audit_type,
        site_kind: SiteKind::Listed,
        sites,
        factor: Some(k.to_string()),
        exact: Some(exact),
        sampled_sites: n,
        central_office: true,
        total_locations: n.saturating_add(1),
        trace,
    })
}

/// Number of temporary sites to sample (8.1.3.2 2)): at least 1 per audit.
pub fn sample_temporary(audit_type: AuditType, sites: u32) -> Result<Sampling, SamplingError> {
    if sites == 0 {
        return Err(SamplingError::ZeroSites {
            field: "临时场所数量".into(),
        });
    }
    let trace = vec![
        format!(
            "{}：临时场所 {sites} 个（一般不在证书中列示），按 8.1.3.2 2) 每次审核抽样不少于 1 个",
            audit_type.name_zh()
        ),
        "认证周期内各次审核所抽样场所的生产/服务范围应覆盖全部认证范围（或拟认证范围）".to_string(),
        "每次审核均应覆盖中心办公室：共审核至少 2 个场所（中心办公室 + 1 个临时场所）".to_string(),
    ];
    Ok(Sampling {
        audit_type,
        site_kind: SiteKind::Temporary,
        sites,
        factor: None,
        exact: None,
        sampled_sites: 1,
        central_office: true,
        total_locations: 2,
        trace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isqrt_exact() {
        for n in 0u128..10_000 {
            let r = isqrt(n);
            assert!(r * r <= n && (r + 1) * (r + 1) > n, "{n}");
        }
        let big = u128::from(u32::MAX) * 25 * 25;
        let r = isqrt(big);
        assert!(r * r <= big && (r + 1) * (r + 1) > big);
    }

    #[test]
    fn initial_sqrt() {
        let cases = [
            (1, 1),
            (2, 2),
            (3, 2),
            (4, 2),
            (5, 3),
            (9, 3),
            (10, 4),
            (16, 4),
            (17, 5),
            (25, 5),
            (26, 6),
            (100, 10),
            (101, 11),
        ];
        for (x, want) in cases {
            let s = sample_listed(AuditType::Initial, x).unwrap();
            assert_eq!(s.sampled_sites, want, "X = {x}");
            assert_eq!(s.total_locations, want + 1);
            assert!(s.central_office);
        }
    }

    #[test]
    fn surveillance_0_6_sqrt() {
        // exact products: 0.6·√25 = 3, 0.6·√100 = 6, 0.6·√225 = 9 must not become 4, 7, 10
        let cases = [
            (1, 1),    // 0.6
            (2, 1),    // 0.849
            (3, 2),    // 1.039
            (4, 2),    // 1.2
            (9, 2),    // 1.8
            (11, 2),   // 1.99
            (12, 3),   // 2.078
            (25, 3),   // 3 exactly
            (26, 4),   // 3.059
            (100, 6),  // 6 exactly
            (225, 9),  // 9 exactly
            (400, 12), // 12 exactly
        ];
        for (x, want) in cases {
            assert_eq!(
                sample_listed(AuditType::Surveillance, x)
                    .unwrap()
                    .sampled_sites,
                want,
                "X = {x}"
            );
        }
    }

    #[test]
    fn recertification_0_8_sqrt() {
        let cases = [
            (1, 1),    // 0.8
            (2, 2),    // 1.131
            (4, 2),    // 1.6
            (6, 2),    // 1.959
            (7, 3),    // 2.117
            (25, 4),   // 4 exactly
            (100, 8),  // 8 exactly
            (225, 12), // 12 exactly
            (625, 20), // 20 exactly
            (626, 21), // 20.016
        ];
        for (x, want) in cases {
            assert_eq!(
                sample_listed(AuditType::Recertification, x)
                    .unwrap()
                    .sampled_sites,
                want,
                "X = {x}"
            );
        }
    }

    #[test]
    fn matches_definition_for_many_x() {
        // n is the smallest integer with n ≥ k·√X, checked in exact integer form
        for x in 1..=5000u32 {
            for t in AuditType::ALL {
                let (p, q, _) = factor(t);
                let n = sample_listed(t, x).unwrap().sampled_sites;
                let (n, p, q, x) = (u128::from(n), u128::from(p), u128::from(q), u128::from(x));
                assert!(n * n * q * q >= p * p * x, "{t} {x}");
                assert!((n - 1) * (n - 1) * q * q < p * p * x, "{t} {x}");
                assert!(n <= x);
                assert!(n >= 1);
            }
        }
    }

    #[test]
    fn large_x_does_not_overflow() {
        let s = sample_listed(AuditType::Initial, u32::MAX).unwrap();
        assert_eq!(s.sampled_sites, 65_536);
        let s = sample_listed(AuditType::Recertification, u32::MAX).unwrap();
        assert_eq!(s.sampled_sites, 52_429); // 0.8 × 65535.99999 = 52428.8
    }

    #[test]
    fn zero_sites_is_an_error() {
        for t in AuditType::ALL {
            let e = sample_listed(t, 0).unwrap_err();
            assert_eq!(
                e.to_string(),
                "生产/服务场所数量为0：应不小于1；没有分场所时只审核中心办公室，不需要抽样"
            );
            let e = sample_temporary(t, 0).unwrap_err();
            assert!(e.to_string().starts_with("临时场所数量为0"));
        }
    }

    #[test]
    fn temporary_sites_at_least_one() {
        for x in [1, 2, 50] {
            for t in AuditType::ALL {
                let s = sample_temporary(t, x).unwrap();
                assert_eq!(s.sampled_sites, 1);
                assert_eq!(s.total_locations, 2);
                assert_eq!(s.site_kind, SiteKind::Temporary);
                assert!(s.trace.iter().any(|l| l.contains("覆盖全部认证范围")));
            }
        }
    }

    #[test]
    fn trace_and_factor() {
        let s = sample_listed(AuditType::Surveillance, 25).unwrap();
        assert_eq!(s.factor.as_deref(), Some("0.6"));
        assert_eq!(s.exact, Some(3.0));
        assert_eq!(
            s.trace[1],
            "0.6 × √25 = 3.000，向上取整 → 抽样 3 个生产/服务场所"
        );
        let s = sample_listed(AuditType::Initial, 10).unwrap();
        assert_eq!(s.trace[1], "√10 = 3.162，向上取整 → 抽样 4 个生产/服务场所");
        assert!(s.trace[2].contains("共审核 5 个场所"));
    }

    #[test]
    fn ceil_frac_sqrt_guards() {
        assert_eq!(ceil_frac_sqrt(1, 0, 9), 0);
        assert_eq!(ceil_frac_sqrt(3, 5, 0), 0);
        assert_eq!(ceil_frac_sqrt(3, 5, 25), 3);
    }
}
