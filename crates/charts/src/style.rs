//! What every chart shares: the size, fonts and colours, the layout settings given to `kuva`,
//! and [`finish`], which makes `kuva`'s SVG fit for a page.

use std::sync::Arc;

use kuva::prelude::*;
use kuva::render::layout::TickFormat;
use sha2::{Digest, Sha256};

/// The drawing's width in SVG units; the page scales it down to the screen (`viewBox`).
pub(crate) const WIDTH: f64 = 640.0;

/// Fonts in order: the one the PDF reports embed, then what browsers have for Chinese.
/// `kuva` measures characters it has no metrics for (CJK) at one em, as these fonts draw them.
pub(crate) const FONTS: &str =
    "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";

/// What was earned, and its lighter companion (what was not earned, up to the maximum).
pub(crate) const EARNED: &str = "#2f6fb0";
pub(crate) const MISSING: &str = "#d9e2ec";
/// The total's mark on the bands.
pub(crate) const MARK: &str = "#c0392b";

/// The bands from the lowest to the highest grade, pale yellow to green (a scheme with more
/// grades than colours repeats the last), and the part of the scale below every grade.
pub(crate) const BANDS: [&str; 5] = ["#fbf0c9", "#e4efc0", "#c9e4b4", "#a8d5a2", "#86c48f"];
pub(crate) const BELOW: &str = "#ececec";

/// The colour of band `i` of the grades, lowest first.
pub(crate) fn band_colour(i: usize) -> &'static str {
    BANDS[i.min(BANDS.len() - 1)]
}

/// The layout every chart starts from: size, fonts, sizes of text, ticks through the pages'
/// figure rule.
pub(crate) fn layout(plots: &[Plot], title: &str, height: f64) -> Layout {
    Layout::auto_from_plots(plots)
        .with_width(WIDTH)
        .with_height(height)
        .with_title(title)
        .with_font_family(FONTS)
        .with_title_size(16)
        .with_label_size(13)
        .with_tick_size(12)
        .with_body_size(12)
        .with_tick_format(TickFormat::Custom(Arc::new(crate::fig)))
}

/// `kuva`'s SVG for a page and a report: a `viewBox` (so the page can scale it), `role="img"`,
/// the title as `<title>` and the summary as `<desc>` first inside (what a screen reader says),
/// both escaped, and ids of its own (see [`own_ids`]). An SVG not in `kuva`'s form is returned
/// as it was.
pub fn finish(svg: &str, title: &str, summary: &str) -> String {
    let svg = own_ids(svg);
    let Some(rest) = svg.strip_prefix("<svg ") else {
        return svg.to_string();
    };
    let Some(end) = rest.find('>') else {
        return svg.to_string();
    };
    let (attrs, body) = rest.split_at(end);
    let (Some(w), Some(h)) = (attr(attrs, "width"), attr(attrs, "height")) else {
        return svg.to_string();
    };
    let mut out = String::with_capacity(svg.len() + title.len() + summary.len() + 96);
    out.push_str("<svg ");
    out.push_str(attrs);
    out.push_str(&format!(r#" viewBox="0 0 {w} {h}" role="img">"#));
    out.push_str("<title>");
    out.push_str(&escape(title));
    out.push_str("</title><desc>");
    out.push_str(&escape(summary));
    out.push_str("</desc>");
    out.push_str(&body[1..]);
    out
}

/// `kuva` numbers its clip paths from a counter of the process (`kuva-clip-4`), so the same
/// chart drawn twice would differ and two charts on a page could share an id. Each becomes
/// `c` + the first 12 hex digits of SHA-256 over the SVG with its ids numbered from 0 + `-` +
/// that number: the same chart gives the same bytes, and different charts on a page get
/// different ids.
fn own_ids(svg: &str) -> String {
    const PREFIX: &str = "kuva-clip-";
    let mut seen: Vec<&str> = Vec::new();
    let mut parts: Vec<(&str, Option<usize>)> = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find(PREFIX) {
        let after = &rest[at + PREFIX.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let id = &rest[at..at + PREFIX.len() + digits];
        let k = seen.iter().position(|s| *s == id).unwrap_or_else(|| {
            seen.push(id);
            seen.len() - 1
        });
        parts.push((&rest[..at], Some(k)));
        rest = &after[digits..];
    }
    parts.push((rest, None));
    let join = |name: &dyn Fn(usize) -> String| {
        parts
            .iter()
            .map(|(text, k)| format!("{text}{}", k.map(name).unwrap_or_default()))
            .collect::<String>()
    };
    let numbered = join(&|k| format!("{PREFIX}{k}"));
    let digest = Sha256::digest(numbered.as_bytes());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    join(&|k| format!("c{hex}-{k}"))
}

/// The value of attribute `name` in an opening tag's attributes.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = format!(" {attrs}").find(&key)? + key.len() - 1;
    let value = &attrs[start..];
    value.find('"').map(|e| &value[..e])
}

/// Text as XML character data.
fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c if c.is_control() && c != '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finishing_adds_a_view_box_title_and_description_escaped() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400.5" font-family="x"><rect/></svg>"#;
        let out = finish(svg, "甲 < 乙", "a & \"b\"");
        assert_eq!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400.5" font-family="x" viewBox="0 0 640 400.5" role="img"><title>甲 &lt; 乙</title><desc>a &amp; &quot;b&quot;</desc><rect/></svg>"#
        );
        // not kuva's form: left alone
        assert_eq!(finish("<g/>", "t", "s"), "<g/>");
        assert_eq!(finish("<svg width=\"1\">", "t", "s"), "<svg width=\"1\">");
    }

    #[test]
    fn clip_ids_depend_on_the_chart_only() {
        let a = r#"<svg><clipPath id="kuva-clip-7"/><g clip-path="url(#kuva-clip-7)"/><clipPath id="kuva-clip-12"/></svg>"#;
        let b = a
            .replace("kuva-clip-7", "kuva-clip-3")
            .replace("kuva-clip-12", "kuva-clip-4");
        let (x, y) = (own_ids(a), own_ids(&b));
        assert_eq!(x, y, "the counter's numbers do not matter");
        assert!(!x.contains("kuva-clip"), "{x}");
        let id = x.split("id=\"").nth(1).unwrap().split('"').next().unwrap();
        assert!(
            id.starts_with('c') && id.ends_with("-0") && id.len() == 15,
            "{id}"
        );
        assert!(x.contains(&format!("url(#{id})")), "{x}");
        assert!(x.contains(&id.replace("-0", "-1")), "{x}");
        let other = own_ids(&a.replace("<g ", "<g fill=\"red\" "));
        assert!(!other.contains(id), "another chart, other ids: {other}");
        assert_eq!(own_ids("<svg/>"), "<svg/>");
    }
}
