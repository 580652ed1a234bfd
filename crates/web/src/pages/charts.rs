//! A result's charts on a page (`tianping-charts`): inline SVG, drawn on the server, shown
//! without any script. Each SVG carries its title and a sentence of what it shows (`<title>`,
//! `<desc>`, `role="img"`) and no `style` attribute or element, which the pages'
//! Content-Security-Policy would block; its text was escaped where it was drawn
//! (tested in the crate), so it is inserted as it is. Its title is drawn in it (no caption
//! beside), and the figures also stand in the tables of the explanation below.

use maud::{html, Markup, PreEscaped};
use tianping_app::Lang;
use tianping_core::engine::Evaluation;
use tianping_core::Scheme;

/// The charts of a result, side by side where the screen is wide, one under the other on a
/// phone (`div.charts` in app.css); nothing when the result has none.
pub(super) fn figures(l: Lang, scheme: &Scheme, ev: &Evaluation) -> Markup {
    let charts = tianping_charts::for_result(scheme, ev, l);
    html! {
        @if !charts.is_empty() {
            h2 { (l.t("图表", "Charts")) }
            div.charts data-testid="charts" {
                @for c in &charts {
                    figure.chart data-chart=(c.kind.id()) {
                        (PreEscaped(&c.svg))
                    }
                }
            }
        }
    }
}
