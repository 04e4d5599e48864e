//! Human-readable terminal output of the commands.

use std::io::{self, Write};

use edusearch_indexer::BuildReport;
use edusearch_resolution::Resolution;
use edusearch_search::{FacetValue, FilterKind, Hit, SearchResponse, Stats};

const BOLD: &str = "\x1b[1m";
const MARK: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The summary printed after an index build.
pub fn build_summary(out: &mut impl Write, report: &BuildReport) -> io::Result<()> {
    writeln!(
        out,
        "indexed {} resolutions ({} recommendation items) from {} files in {:.2} s",
        report.resolutions,
        report.items,
        report.files_read,
        report.elapsed.as_secs_f64()
    )?;
    writeln!(
        out,
        "{} files read anew, {} unchanged, {} resolutions removed",
        report.changed, report.unchanged, report.removed
    )?;
    if report.grouping.groups > 0 {
        writeln!(
            out,
            "{} recommendations recur across resolutions ({} items grouped in {:.2} s)",
            report.grouping.groups,
            report.grouping.grouped_items,
            report.grouping.elapsed.as_secs_f64()
        )?;
    }
    writeln!(out, "index: {}", report.index_path.display())?;
    if !report.skipped.is_empty() {
        writeln!(out, "skipped {} files:", report.skipped.len())?;
        for problem in &report.skipped {
            writeln!(out, "  {}: {}", problem.path, problem.message)?;
        }
    }
    if !report.warnings.is_empty() {
        writeln!(out, "warnings:")?;
        for problem in &report.warnings {
            writeln!(out, "  {}: {}", problem.path, problem.message)?;
        }
    }
    Ok(())
}

/// Ranked hits with their resolution, as a terminal list.
fn filter_name(kind: FilterKind) -> &'static str {
    match kind {
        FilterKind::Year => "year",
        FilterKind::Region => "region",
        FilterKind::Municipality => "municipality",
    }
}

pub fn search_results(
    out: &mut impl Write,
    response: &SearchResponse,
    color: bool,
) -> io::Result<()> {
    let query = &response.query;
    let mut understood = Vec::new();
    if !query.text.is_empty() {
        understood.push(format!("text «{}»", query.text));
    }
    let filters = &query.filters;
    if let Some(year) = filters.year {
        let origin = if query.year_from_query.is_some() {
            " (from the query)"
        } else {
            ""
        };
        match filters.year_to {
            Some(year_to) => understood.push(format!("years {year}–{year_to}{origin}")),
            None => understood.push(format!("year {year}{origin}")),
        }
    }
    for (name, value) in [
        ("region", &filters.region),
        ("municipality", &filters.municipality),
        ("topic", &filters.topic),
        ("addressee", &filters.addressee),
    ] {
        if let Some(value) = value {
            understood.push(format!("{name} «{value}»"));
        }
    }
    if let Some(kind) = filters.event_kind {
        understood.push(format!("event «{}»", kind.name_ru()));
    }
    if let Some(correction) = &query.correction {
        writeln!(
            out,
            "showing results for «{}» (searched instead of «{}»; use --literal to keep it)",
            correction.corrected, correction.original
        )?;
    }
    if !query.dropped_filters.is_empty() {
        let dropped = query
            .dropped_filters
            .iter()
            .map(|filter| format!("{} {}", filter_name(filter.kind), filter.value))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "nothing found for {dropped} (read from the query); showing results without it \
             (set it as an option, e.g. --year, to keep it)"
        )?;
    }
    for synonym in &query.synonyms {
        writeln!(
            out,
            "also searching «{}» as {}",
            synonym.matched,
            synonym
                .alternatives
                .iter()
                .map(|a| format!("«{a}»"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    writeln!(
        out,
        "{} results for {} ({:.1} ms){}",
        response.total,
        if understood.is_empty() {
            "everything".to_string()
        } else {
            understood.join(", ")
        },
        response.took_ms,
        if query.relaxed {
            "; few or no hits have all the words, so partial matches follow"
        } else {
            ""
        }
    )?;
    if response.hits.is_empty() {
        writeln!(
            out,
            "nothing found: try fewer words, another form of the word, or drop a filter"
        )?;
        return Ok(());
    }
    let first_rank = (response.page - 1) * response.per_page;
    for (index, hit) in response.hits.iter().enumerate() {
        writeln!(out)?;
        hit_block(out, first_rank + index + 1, hit, color)?;
    }
    let shown_to = first_rank + response.hits.len();
    if shown_to < response.total {
        writeln!(
            out,
            "\nshowing {}–{} of {}; next: --page {}",
            first_rank + 1,
            shown_to,
            response.total,
            response.page + 1
        )?;
    }
    Ok(())
}

fn hit_block(out: &mut impl Write, rank: usize, hit: &Hit, color: bool) -> io::Result<()> {
    let (bold, dim, reset) = if color {
        (BOLD, DIM, RESET)
    } else {
        ("", "", "")
    };
    let mut heading = Vec::new();
    if let Some(number) = &hit.item_number {
        heading.push(format!("п. {number}"));
    }
    if let Some(addressee) = &hit.addressee {
        heading.push(addressee.clone());
    }
    if heading.is_empty() {
        writeln!(
            out,
            "{bold}{rank}.{reset} {}",
            highlight(&hit.highlight, color)
        )?;
    } else {
        writeln!(out, "{bold}{rank}. {}{reset}", heading.join(" — "))?;
        writeln!(
            out,
            "   {}",
            highlight(&hit.highlight, color).replace('\n', "\n   ")
        )?;
    }
    writeln!(out, "   {dim}{}{reset}", hit.title)?;
    let place: Vec<&str> = [
        hit.date.as_deref(),
        hit.municipality.as_deref(),
        hit.region.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    writeln!(
        out,
        "   {dim}{} · id {}{reset}",
        place.join(" · "),
        hit.resolution_id
    )?;
    if let Some(recurrence) = &hit.recurrence {
        let years = match (recurrence.year_from, recurrence.year_to) {
            (Some(from), Some(to)) if from < to => format!(", {from}–{to}"),
            (Some(year), _) | (None, Some(year)) => format!(", {year}"),
            (None, None) => String::new(),
        };
        writeln!(
            out,
            "   {dim}recurs in {} resolutions ({} regions{years}); list them: --group {}{reset}",
            recurrence.resolutions, recurrence.regions, recurrence.group
        )?;
    }
    Ok(())
}

/// Turns `<mark>` highlights into terminal emphasis (or nothing) and unescapes the HTML.
fn highlight(html: &str, color: bool) -> String {
    let (open, close) = if color { (MARK, RESET) } else { ("", "") };
    html.replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// What the parser extracted from a file.
pub fn resolution(out: &mut impl Write, resolution: &Resolution) -> io::Result<()> {
    let unknown = "unknown";
    writeln!(out, "id:            {}", resolution.id)?;
    writeln!(out, "source:        {}", resolution.source)?;
    if let Some(url) = &resolution.source_url {
        writeln!(out, "source url:    {url}")?;
    }
    writeln!(out, "title:         {}", resolution.title)?;
    writeln!(
        out,
        "event:         {}",
        resolution.event.as_deref().unwrap_or(unknown)
    )?;
    writeln!(
        out,
        "kind:          {}",
        resolution.event_kind.map_or(unknown, |kind| kind.name_ru())
    )?;
    let date = match (resolution.date_start, resolution.date) {
        (Some(start), Some(end)) => format!("{start} – {end}"),
        (None, Some(date)) => date.to_string(),
        _ => unknown.to_string(),
    };
    writeln!(out, "date:          {date}")?;
    writeln!(
        out,
        "year:          {}",
        resolution
            .year
            .map_or(unknown.to_string(), |year| year.to_string())
    )?;
    writeln!(
        out,
        "municipality:  {}",
        resolution
            .location
            .municipality_display()
            .as_deref()
            .unwrap_or(unknown)
    )?;
    writeln!(
        out,
        "region:        {}",
        resolution.location.region.as_deref().unwrap_or(unknown)
    )?;
    writeln!(
        out,
        "participants:  {}",
        resolution
            .participants
            .map_or(unknown.to_string(), |count| count.to_string())
    )?;
    writeln!(out, "topics:        {}", resolution.topics.join(", "))?;
    writeln!(
        out,
        "body:          {} characters",
        resolution.body.chars().count()
    )?;
    writeln!(out, "items:         {}", resolution.items.len())?;
    let mut addressee: Option<&str> = None;
    for item in &resolution.items {
        if item.addressee.as_deref() != addressee {
            addressee = item.addressee.as_deref();
            if let Some(heading) = addressee {
                writeln!(out, "  [{heading}]")?;
            }
        }
        let text = item.text.replace('\n', "\n       ");
        writeln!(out, "  {:>3}. {text}", item.number)?;
        if !item.topics.is_empty() {
            writeln!(out, "       topics: {}", item.topics.join(", "))?;
        }
    }
    for warning in &resolution.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}

/// Counts by region, year and topic.
pub fn stats(out: &mut impl Write, stats: &Stats) -> io::Result<()> {
    writeln!(
        out,
        "{} resolutions, {} recommendation items",
        stats.resolutions, stats.items
    )?;
    facet_table(out, "regions", &stats.facets.region)?;
    facet_table(out, "years", &stats.facets.year)?;
    facet_table(out, "topics", &stats.facets.topic)?;
    Ok(())
}

/// Trend buckets as a table with a bar per row.
pub fn trends(out: &mut impl Write, trends: &edusearch_search::Trends) -> io::Result<()> {
    /// Width of the longest bar, in characters.
    const BAR_WIDTH: u64 = 40;
    let heading = match trends.by {
        edusearch_search::TrendBy::Year => "year",
        edusearch_search::TrendBy::Region => "region",
        edusearch_search::TrendBy::Topic => "topic",
    };
    if trends.buckets.is_empty() {
        writeln!(out, "no hits")?;
        return Ok(());
    }
    let width = trends
        .buckets
        .iter()
        .map(|bucket| bucket.value.chars().count())
        .chain([heading.len()])
        .max()
        .unwrap_or_default();
    let most = trends
        .buckets
        .iter()
        .map(|bucket| bucket.items)
        .max()
        .unwrap_or(1)
        .max(1);
    writeln!(
        out,
        "{heading:<width$}  {:>5}  {:>11}",
        "items", "resolutions"
    )?;
    for bucket in &trends.buckets {
        // Every non-empty bucket gets at least one block, so small counts stay visible.
        let blocks = (bucket.items * BAR_WIDTH).div_ceil(most);
        writeln!(
            out,
            "{:<width$}  {:>5}  {:>11}  {}",
            bucket.value,
            bucket.items,
            bucket.resolutions,
            "█".repeat(usize::try_from(blocks).unwrap_or_default())
        )?;
    }
    writeln!(out, "{} hits", trends.total)?;
    Ok(())
}

fn facet_table(out: &mut impl Write, title: &str, values: &[FacetValue]) -> io::Result<()> {
    writeln!(out, "\n{title} (resolutions):")?;
    for value in values {
        writeln!(out, "  {:>5}  {}", value.count, value.value)?;
    }
    Ok(())
}

/// One line per URL of a fetch run: the outcome, the URL and where its file is, then a hint.
pub fn fetch_summary(
    out: &mut impl Write,
    report: &edusearch_fetch::FetchReport,
) -> io::Result<()> {
    for url in &report.urls {
        write!(out, "{} — {}", url.url, url.outcome.label())?;
        if let Some(final_url) = url
            .final_url
            .as_deref()
            .filter(|final_url| *final_url != url.url)
        {
            write!(out, " (redirected to {final_url})")?;
        }
        if let Some(path) = &url.path {
            write!(out, " → {path}")?;
        }
        writeln!(out)?;
    }
    let fetched = report
        .urls
        .iter()
        .filter(|url| {
            matches!(
                url.outcome,
                edusearch_fetch::Outcome::New | edusearch_fetch::Outcome::Changed
            )
        })
        .count();
    if fetched > 0 {
        writeln!(
            out,
            "{fetched} file(s) new or changed; run `edusearch index` to index them"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_become_plain_text_without_color() {
        assert_eq!(
            highlight("<mark>профориентации</mark> &amp; &lt;b&gt;", false),
            "профориентации & <b>"
        );
        assert!(highlight("<mark>x</mark>", true).contains("\x1b[1;33mx\x1b[0m"));
    }
}
