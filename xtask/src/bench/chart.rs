//! The generate-time chart of `cargo xtask bench`, drawn as an SVG document with `plotters`.
//!
//! Both axes are logarithmic: spec size in KB on x, generate time in ms on y, one coloured
//! line with markers per tool. Text is written as SVG `<text>` elements, so no font is looked
//! up while drawing, and the same input always gives the same bytes.

use std::collections::HashMap;
use std::error::Error;
use std::ops::Range;

use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

/// One measured point: how long `tool` took to generate code for a spec of `spec_bytes` bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub tool: String,
    pub spec: String,
    pub spec_bytes: u64,
    pub millis: f64,
}

/// Size of the drawing, in pixels.
const SIZE: (u32, u32) = (960, 600);

/// Factor by which each log axis extends past the data on both ends.
const LOG_PADDING: f64 = 1.5;

/// Smallest ratio of a log axis' end to its start, so a narrow range still shows ticks.
const MIN_LOG_SPAN: f64 = 10.0;

/// Bytes in a KB, as used on the x axis.
const BYTES_PER_KB: f64 = 1024.0;

/// At most this many labelled ticks on a log axis before falling back to powers of ten only.
const MAX_TICKS: usize = 12;

/// At least this many labelled ticks on a log axis, else every 1..9 multiple is labelled.
const MIN_TICKS: usize = 3;

/// Series colours (the Tableau 10 palette), reused in order past the tenth tool.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// One tool's points as (spec size in KB, generate time in ms), sorted by spec size.
#[derive(Debug, Clone, PartialEq)]
struct Series {
    tool: String,
    points: Vec<(f64, f64)>,
}

/// Draws generate time (ms, log scale, y) against spec size (KB, log scale, x), one coloured
/// line+markers series per tool (series order = first appearance in `points`), a legend,
/// axis labels ("spec size (KB)", "generate time (ms, median)"), a title given by `title`.
/// Returns the SVG document as a String (so it can be tested without files).
///
/// Points with `spec_bytes == 0` or a `millis` that is not a finite positive number cannot
/// be placed on a log scale and are skipped; if none is left, this returns an error.
pub fn generate_time_svg(title: &str, points: &[Point]) -> Result<String, String> {
    let series = group_by_tool(points);
    let (x_range, y_range) = axis_ranges(&series).ok_or_else(|| {
        format!(
            "no point to chart: {} point(s) given, none with spec_bytes > 0 and millis > 0",
            points.len()
        )
    })?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw_chart(&root, title, &series, x_range, y_range)
            .and_then(|()| root.present().map_err(Into::into))
            .map_err(|e| format!("drawing the chart {title:?}: {e}"))?;
    }
    Ok(svg)
}

/// Whether `point` can be placed on both log axes.
fn is_drawable(point: &Point) -> bool {
    point.spec_bytes > 0 && point.millis.is_finite() && point.millis > 0.0
}

/// Groups the drawable points by tool, in order of each tool's first appearance, each
/// series sorted by spec size (ties keep their input order) so its line runs left to right.
fn group_by_tool(points: &[Point]) -> Vec<Series> {
    let mut series: Vec<Series> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for point in points.iter().filter(|p| is_drawable(p)) {
        let i = *index.entry(point.tool.as_str()).or_insert_with(|| {
            series.push(Series {
                tool: point.tool.clone(),
                points: Vec::new(),
            });
            series.len() - 1
        });
        series[i]
            .points
            .push((point.spec_bytes as f64 / BYTES_PER_KB, point.millis));
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    series
}

/// The x (KB) and y (ms) ranges covering every point with padding, or `None` without points.
fn axis_ranges(series: &[Series]) -> Option<(Range<f64>, Range<f64>)> {
    let all = || series.iter().flat_map(|s| s.points.iter());
    let x = padded_log_range(all().map(|p| p.0))?;
    let y = padded_log_range(all().map(|p| p.1))?;
    Some((x, y))
}

/// The range from the smallest to the largest of `values` (all positive), widened on both
/// ends by [`LOG_PADDING`] as a factor, then evenly to span at least [`MIN_LOG_SPAN`];
/// `None` if there is no value.
fn padded_log_range(values: impl Iterator<Item = f64>) -> Option<Range<f64>> {
    let (min, max) = values.fold(None, |acc: Option<(f64, f64)>, v| {
        Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
    })?;
    let (start, end) = (min / LOG_PADDING, max * LOG_PADDING);
    let widen = (MIN_LOG_SPAN / (end / start)).sqrt().max(1.0);
    Some(start / widen..end * widen)
}

/// The colour of the `index`th series: a fixed palette, so the output is deterministic.
fn series_color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// `value * 10^exp`, dividing for a negative `exp` so that e.g. `3 * 10^-1` is exactly `0.3`.
fn scale_by_power_of_ten(value: f64, exp: i32) -> f64 {
    if exp >= 0 {
        value * 10f64.powi(exp)
    } else {
        value / 10f64.powi(-exp)
    }
}

/// The values `m * 10^e` within `range` for each mantissa `m` in `mantissas`, ascending.
fn decade_multiples(range: &Range<f64>, mantissas: &[u32]) -> Vec<f64> {
    let first = range.start.log10().floor() as i32;
    let last = range.end.log10().ceil() as i32;
    (first..=last)
        .flat_map(|exp| {
            mantissas
                .iter()
                .map(move |&m| scale_by_power_of_ten(f64::from(m), exp))
        })
        .filter(|v| range.contains(v))
        .collect()
}

/// The labelled (bold) and unlabelled (light) ticks of a log axis over `range`: 1-2-5 per
/// decade, every 1..9 multiple on a narrow range, only powers of ten on a very wide one.
fn log_ticks(range: &Range<f64>) -> (Vec<f64>, Vec<f64>) {
    const ALL: [u32; 9] = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    let mut bold = decade_multiples(range, &[1, 2, 5]);
    if bold.len() < MIN_TICKS {
        bold = decade_multiples(range, &ALL);
    } else if bold.len() > MAX_TICKS {
        bold = decade_multiples(range, &[1]);
    }
    let light = decade_multiples(range, &ALL)
        .into_iter()
        .filter(|v| !bold.contains(v))
        .collect();
    (bold, light)
}

/// A log-scale axis over `range` with the ticks of [`log_ticks`].
fn log_axis(range: Range<f64>) -> WithKeyPoints<LogCoord<f64>> {
    let (bold, light) = log_ticks(&range);
    range
        .log_scale()
        .with_key_points(bold)
        .with_light_points(light)
}

/// A tick label for a log axis: whole numbers from 10 up, at most 3 decimals below.
fn format_tick(value: &f64) -> String {
    if *value >= 10.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Draws the title, the log-log mesh with axis labels, every series and the legend on `root`.
fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &[Series],
    x_range: Range<f64>,
    y_range: Range<f64>,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 28))
        .margin(16)
        .x_label_area_size(56)
        .y_label_area_size(72)
        .build_cartesian_2d(log_axis(x_range), log_axis(y_range))?;
    chart
        .configure_mesh()
        .x_desc("spec size (KB)")
        .y_desc("generate time (ms, median)")
        .axis_desc_style(("sans-serif", 18))
        .label_style(("sans-serif", 15))
        .x_label_formatter(&format_tick)
        .y_label_formatter(&format_tick)
        .draw()?;
    for (index, s) in series.iter().enumerate() {
        draw_series(&mut chart, index, s)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 16))
        .draw()?;
    Ok(())
}

/// Draws one tool's line with a marker at each point, and registers its legend entry.
fn draw_series<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    index: usize,
    series: &Series,
) -> Result<(), Box<dyn Error>>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let color = series_color(index);
    let style = color.filled().stroke_width(2);
    chart
        .draw_series(LineSeries::new(series.points.iter().copied(), style).point_size(4))?
        .label(series.tool.as_str())
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], style));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point of `tool` for a spec of `kb` KB that took `millis` ms.
    fn point(tool: &str, kb: u64, millis: f64) -> Point {
        Point {
            tool: tool.to_string(),
            spec: format!("spec-{kb}kb"),
            spec_bytes: kb * 1024,
            millis,
        }
    }

    /// Three tools over five specs.
    fn sample() -> Vec<Point> {
        let specs = [4, 16, 64, 256, 1024];
        let mut points = Vec::new();
        for (factor, tool) in [
            (1.0, "ours"),
            (3.0, "progenitor"),
            (7.5, "openapi-generator"),
        ] {
            for kb in specs {
                points.push(point(tool, kb, factor * (kb as f64).sqrt()));
            }
        }
        points
    }

    /// Whether `svg` has a `<text>` element whose content is exactly `text`.
    fn has_text(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">{text}</text>")) || svg.contains(&format!(">\n{text}\n</text>"))
    }

    #[test]
    fn svg_has_title_axis_labels_and_each_tool_in_legend() {
        let svg = generate_time_svg("generate time", &sample()).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        for text in [
            "generate time",
            "spec size (KB)",
            "generate time (ms, median)",
            "ours",
            "progenitor",
            "openapi-generator",
        ] {
            assert!(has_text(&svg, text), "no <text> {text:?} in {svg}");
        }
    }

    #[test]
    fn svg_is_deterministic() {
        let first = generate_time_svg("same", &sample()).unwrap();
        let second = generate_time_svg("same", &sample()).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn empty_input_is_an_error() {
        let err = generate_time_svg("empty", &[]).unwrap_err();
        assert!(err.contains("no point to chart"), "{err}");
    }

    #[test]
    fn only_invalid_points_is_an_error() {
        let mut zero_bytes = point("a", 1, 5.0);
        zero_bytes.spec_bytes = 0;
        let points = [
            zero_bytes,
            point("b", 1, 0.0),
            point("c", 1, -1.0),
            point("d", 1, f64::NAN),
            point("e", 1, f64::INFINITY),
        ];
        let err = generate_time_svg("invalid", &points).unwrap_err();
        assert!(err.contains("5 point(s) given"), "{err}");
    }

    #[test]
    fn invalid_points_are_skipped() {
        let mut points = sample();
        points.push(point("ghost", 64, 0.0));
        points.push(point("ours", 0, 10.0));
        points.push(point("ours", 2048, f64::NAN));
        let svg = generate_time_svg("skips", &points).unwrap();
        assert!(has_text(&svg, "ours"));
        assert!(!svg.contains("ghost"), "{svg}");
        assert_eq!(svg, generate_time_svg("skips", &sample()).unwrap());
    }

    #[test]
    fn single_point_still_draws() {
        let svg = generate_time_svg("one", &[point("solo", 8, 2.0)]).unwrap();
        assert!(has_text(&svg, "solo"), "{svg}");
    }

    #[test]
    fn series_follow_first_appearance_and_sort_by_size() {
        let points = [point("b", 64, 3.0), point("a", 4, 1.0), point("b", 4, 2.0)];
        let series = group_by_tool(&points);
        let tools: Vec<&str> = series.iter().map(|s| s.tool.as_str()).collect();
        assert_eq!(tools, ["b", "a"]);
        assert_eq!(series[0].points, [(4.0, 2.0), (64.0, 3.0)]);
    }

    #[test]
    fn ranges_cover_the_data_with_padding() {
        let series = group_by_tool(&sample());
        let (x, y) = axis_ranges(&series).unwrap();
        assert!(x.start < 4.0 && x.end > 1024.0, "{x:?}");
        assert!(y.start < 2.0 && y.end > 7.5 * 32.0, "{y:?}");
        assert_eq!(axis_ranges(&[]), None);
    }

    #[test]
    fn narrow_ranges_are_widened_around_the_data() {
        let range = padded_log_range([2.0, 2.5].into_iter()).unwrap();
        assert!(
            (range.end / range.start - MIN_LOG_SPAN).abs() < 1e-9,
            "{range:?}"
        );
        assert!(range.start < 2.0 && range.end > 2.5, "{range:?}");
        assert_eq!(padded_log_range(std::iter::empty()), None);
    }

    #[test]
    fn log_ticks_are_1_2_5_per_decade() {
        let (bold, light) = log_ticks(&(0.8..120.0));
        assert_eq!(bold, [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
        assert_eq!(light.first(), Some(&0.8));
        assert!(light.contains(&3.0) && !light.contains(&2.0), "{light:?}");
        assert_eq!(light.last(), Some(&90.0));
        let (small, _) = log_ticks(&(0.25..0.9));
        assert_eq!(small, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    }

    #[test]
    fn log_ticks_adapt_to_narrow_and_wide_ranges() {
        let (narrow, _) = log_ticks(&(5.0..12.0));
        assert_eq!(narrow, [5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        let (wide, _) = log_ticks(&(1.0..1e7));
        assert_eq!(wide.len(), 7, "{wide:?}");
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(format_tick(&1000.0), "1000");
        assert_eq!(format_tick(&2.0), "2");
        assert_eq!(format_tick(&0.5), "0.5");
        assert_eq!(format_tick(&0.125), "0.125");
    }
}
