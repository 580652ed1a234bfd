//! The templates, compiled into the binary.

/// Which document to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    /// An assessment's report (generic, with the T11/AII, T/SDDITAI and SME sections when
    /// the data carries them).
    Report,
    /// A certificate (003 Annex C) with its QR code as `/qr.svg`.
    Certificate,
    /// The special-capability per-stage report (000 §6.3).
    Stages,
    /// The capability evaluation report of seed 004 (Annex B).
    Capability,
    /// The audit report of 003 8.1.6.4 with the Annex B.1 checklist scores.
    Audit,
}

impl Template {
    /// The template's file in `templates/`.
    pub fn file(self) -> &'static str {
        match self {
            Template::Report => "/report.typ",
            Template::Certificate => "/certificate.typ",
            Template::Stages => "/stages.typ",
            Template::Capability => "/capability.typ",
            Template::Audit => "/audit.typ",
        }
    }
}

/// Every file of `templates/`, by its virtual path (a test checks that each template's file
/// is here).
pub(crate) const FILES: &[(&str, &str)] = &[
    ("/common.typ", include_str!("../templates/common.typ")),
    ("/report.typ", include_str!("../templates/report.typ")),
    (
        "/certificate.typ",
        include_str!("../templates/certificate.typ"),
    ),
    ("/stages.typ", include_str!("../templates/stages.typ")),
    (
        "/capability.typ",
        include_str!("../templates/capability.typ"),
    ),
    ("/audit.typ", include_str!("../templates/audit.typ")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_compiled_in() {
        for t in [
            Template::Report,
            Template::Certificate,
            Template::Stages,
            Template::Capability,
            Template::Audit,
        ] {
            assert!(FILES.iter().any(|(p, _)| *p == t.file()), "{t:?}");
        }
    }
}
