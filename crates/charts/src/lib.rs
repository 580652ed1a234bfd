//! A result drawn as charts: SVG strings made on the server from the typed result, the same
//! for the pages (inline, no script), the PDF reports and anything else that shows a result.
//!
//! Pure: a [`Scheme`] and an [`Evaluation`] in, [`Chart`]s out; no IO, no clock, no
//! randomness, and the same input gives the same bytes. The drawing is done by `kuva`
//! (README, “Charts”: it places text by anchors and measures CJK text at one em, so Chinese
//! labels are neither clipped nor overlapping); this crate chooses what is drawn, names it in
//! Chinese or English, writes every figure through `words::fig` (at most two decimals) and
//! finishes the SVG for the page ([`finish`]: a `viewBox`, a title and a description, no
//! `style` attribute or element, which the pages' Content-Security-Policy would block).
//!
//! - [`Kind::Radar`] (`radar.rs`): the T11/AII dimensions on their 1000-point scale, or the
//!   top-level categories of any other scheme as percent of their maximum;
//! - [`Kind::Bars`] (`bars.rs`): earned against the maximum for each table, or for each
//!   category when the result has one table;
//! - [`Kind::Bands`] (`bands.rs`): the scale with each grade's or level's band and the total
//!   marked on it; for T11/AII the single-star bands of 表1 with each dimension's score.
//!
//! - [`Kind::Trend`] (`trend.rs`): the total and each dimension over a series of results
//!   ([`trend`], for issue 13; no page shows it yet).
//!
//! A new chart (a peer distribution) is one more module that turns its typed input into a
//! `kuva` plot and passes it through [`finish`], and one more [`Kind`].

mod bands;
mod bars;
mod distribution;
mod parts;
mod radar;
mod style;
mod trend;

use tianping_core::engine::Evaluation;
use tianping_core::Scheme;
pub use tianping_domain::Lang;

pub use distribution::{distribution, Band};
pub use style::finish;
pub use trend::{trend, Point};

/// Which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Radar,
    Bars,
    Bands,
    /// A series of results over time ([`trend`]); not one result's.
    Trend,
    /// A peer group's distribution ([`distribution`]); not one result's.
    Distribution,
}

impl Kind {
    /// Every kind of one result, in the order a result shows them.
    pub const RESULT: [Kind; 3] = [Kind::Radar, Kind::Bars, Kind::Bands];
    /// Every kind.
    pub const ALL: [Kind; 5] = [
        Kind::Radar,
        Kind::Bars,
        Kind::Bands,
        Kind::Trend,
        Kind::Distribution,
    ];

    /// The chart's id in paths, file names and `data-chart` attributes.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Radar => "radar",
            Kind::Bars => "bars",
            Kind::Bands => "bands",
            Kind::Trend => "trend",
            Kind::Distribution => "distribution",
        }
    }

    /// The kind an id names.
    pub fn parse(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// One figure of a chart in words: what it is and its value as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub value: String,
}

/// A chart ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub kind: Kind,
    /// The heading, also the SVG's `<title>`.
    pub title: String,
    /// What the chart shows in one sentence, for a reader who cannot see it (the SVG's
    /// `<desc>`).
    pub summary: String,
    /// The figures drawn, in words: a table beside the chart can say everything it shows.
    pub rows: Vec<Row>,
    /// The SVG document (`<svg …>…</svg>`), with a `viewBox` so that it scales.
    pub svg: String,
}

/// Every chart the result has, in the order of [`Kind::RESULT`]: a chart without enough to
/// show (a radar of fewer than three axes, bands of a scheme without grades) is left out.
pub fn for_result(scheme: &Scheme, ev: &Evaluation, lang: Lang) -> Vec<Chart> {
    Kind::RESULT
        .into_iter()
        .filter_map(|k| chart(scheme, ev, lang, k))
        .collect()
}

/// One chart of a result, `None` when the result has nothing to show in it (and for
/// [`Kind::Trend`] and [`Kind::Distribution`], drawn from a series by [`trend`] and from a
/// peer group by [`distribution`]).
pub fn chart(scheme: &Scheme, ev: &Evaluation, lang: Lang, kind: Kind) -> Option<Chart> {
    match kind {
        Kind::Radar => radar::chart(scheme, ev, lang),
        Kind::Bars => bars::chart(scheme, ev, lang),
        Kind::Bands => bands::chart(scheme, ev, lang),
        Kind::Trend | Kind::Distribution => None,
    }
}

/// A figure as the pages show it (at most two decimals), `—` when not finite.
fn fig(x: f64) -> String {
    tianping_domain::words::fig(x)
}

/// A number safe to draw: not finite becomes 0.
fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests;
