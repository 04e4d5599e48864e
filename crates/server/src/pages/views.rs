//! The view structs the askama templates in `web/templates` render: plain data, built by the
//! page modules and holding no logic.

use askama::Template;

/// A link with a label.
#[derive(Debug, Clone)]
pub struct Link {
    /// Text of the link.
    pub label: String,
    /// Target URL.
    pub href: String,
}

/// One tab of a switch («Рекомендации | Резолюции»).
#[derive(Debug, Clone)]
pub struct Tab {
    /// Text of the tab.
    pub label: &'static str,
    /// Target URL.
    pub href: String,
    /// Whether this is the state shown.
    pub current: bool,
}

/// A filter in force, with the link that removes it.
#[derive(Debug, Clone)]
pub struct Chip {
    /// What is filtered («Регион»).
    pub kind: &'static str,
    /// The value.
    pub value: String,
    /// A hint after the value («из запроса»).
    pub note: Option<&'static str>,
    /// The same search without this filter.
    pub remove_href: String,
}

/// One result card.
#[derive(Debug, Clone)]
pub struct HitView {
    /// Link to the resolution (at the item).
    pub href: String,
    /// «п. 18».
    pub item_label: Option<String>,
    /// Addressee heading of the item, a link filtering by it.
    pub addressee: Option<Link>,
    /// Highlighted text: safe HTML from the engine.
    pub highlight: String,
    /// Title of the resolution.
    pub title: String,
    /// Kind of event («Конференция»).
    pub event_kind: Option<String>,
    /// «31 августа 2023».
    pub date: Option<String>,
    /// «г. Армавир, Краснодарский край».
    pub place: Option<String>,
    /// Topics, each a link adding the topic filter.
    pub topics: Vec<Link>,
    /// «Встречается в 12 резолюциях (5 регионов, 2019–2023)», a link listing them all.
    pub recurrence: Option<Link>,
    /// «сайт uo.example.ru», a link to where a fetched resolution was published.
    pub source: Option<Link>,
}

/// One facet value as a link.
#[derive(Debug, Clone)]
pub struct FacetLink {
    /// The value.
    pub label: String,
    /// Count of hits.
    pub count: String,
    /// Link applying this value.
    pub href: String,
    /// Whether it is the filter in force.
    pub selected: bool,
    /// Link removing it (when selected).
    pub remove_href: String,
}

/// A facet block of the sidebar.
#[derive(Debug, Clone)]
pub struct FacetGroup {
    /// Anchor id.
    pub id: &'static str,
    /// Heading («Регион»).
    pub title: &'static str,
    /// Values shown at once.
    pub visible: Vec<FacetLink>,
    /// Values behind «Ещё».
    pub more: Vec<FacetLink>,
}

/// One entry of the pagination.
#[derive(Debug, Clone)]
pub struct PageLink {
    /// Page number, or `None` for a gap («…»).
    pub number: Option<usize>,
    /// Target URL.
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// The pagination bar.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// «← Назад».
    pub prev: Option<String>,
    /// «Далее →».
    pub next: Option<String>,
    /// Page numbers with gaps.
    pub pages: Vec<PageLink>,
}

/// The results part of the search page.
#[derive(Debug, Clone)]
pub struct ResultsView {
    /// «Найдено 12 рекомендаций».
    pub summary: String,
    /// «показаны 1–10».
    pub range: Option<String>,
    /// Filters in force.
    pub chips: Vec<Chip>,
    /// The search without any filter (when there are filters).
    pub clear_href: Option<String>,
    /// Items / resolutions.
    pub level_tabs: Vec<Tab>,
    /// Relevance / date (empty when there is no text to rank by).
    pub sort_tabs: Vec<Tab>,
    /// Show recurring recommendations every time / once (items only).
    pub collapse_tabs: Vec<Tab>,
    /// Whether only some of the words matched.
    pub relaxed: bool,
    /// The query was corrected before searching.
    pub correction: Option<CorrectionView>,
    /// Filters read from the query found nothing and were set aside.
    pub dropped: Option<DroppedView>,
    /// Synonyms the query was widened with («ОВЗ — ограниченные возможности здоровья»).
    pub synonyms: Vec<String>,
    /// The hits.
    pub hits: Vec<HitView>,
    /// Sidebar facets.
    pub facets: Vec<FacetGroup>,
    /// Pagination, when more than one page.
    pub pagination: Option<Pagination>,
    /// Suggestions when nothing is found.
    pub empty: Option<NoResults>,
    /// Year chart, top regions and export links (when something was found).
    pub insights: Option<Insights>,
}

/// A corrected query, with the way back to what was typed.
#[derive(Debug, Clone)]
pub struct CorrectionView {
    /// The query searched.
    pub searched: String,
    /// The query as typed.
    pub original: String,
    /// The search for the query as typed, uncorrected.
    pub original_href: String,
}

/// Filters read from the query that found nothing, set aside: «В 2015 году ничего не найдено;
/// показаны результаты за все годы» and the search with them, one click away.
#[derive(Debug, Clone)]
pub struct DroppedView {
    /// What was not found and what is shown instead.
    pub message: String,
    /// «Искать только за 2015 год».
    pub label: String,
    /// The search with the filters set (it finds nothing).
    pub href: String,
}

/// What to try when nothing was found.
#[derive(Debug, Clone)]
pub struct NoResults {
    /// Links removing each filter.
    pub remove_filters: Vec<Link>,
    /// Whether to suggest fewer words.
    pub fewer_words: bool,
    /// Example searches.
    pub examples: Vec<Link>,
}

/// The start page's introduction.
#[derive(Debug, Clone)]
pub struct Intro {
    /// «5 резолюций, 70 рекомендаций, 4 региона».
    pub counts: String,
    /// Example searches.
    pub examples: Vec<Link>,
}

/// `GET /`.
#[derive(Template)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    pub(crate) css: &'static str,
    pub(crate) js: &'static str,
    pub(crate) page_title: String,
    pub(crate) q: String,
    pub(crate) hidden: Vec<(String, String)>,
    pub(crate) show_hint: bool,
    pub(crate) error: Option<String>,
    pub(crate) intro: Option<Intro>,
    pub(crate) results: Option<ResultsView>,
}

/// A numbered item of a resolution page.
#[derive(Debug, Clone)]
pub struct ItemView {
    /// 1-based position (`id="item-N"`).
    pub position: u32,
    /// Number as printed.
    pub number: String,
    /// Text as safe HTML (words of `?hl=` marked).
    pub html: String,
    /// Its id in the API (`{resolution_id}-{position}`), for the script loading similar items.
    pub item_id: String,
    /// This page with the item's similar items rendered (without the script).
    pub similar_href: String,
    /// Similar items of other resolutions, when rendered with the page (`?similar=N`).
    pub similar: Option<Vec<SimilarEntry>>,
}

/// Items under one addressee heading.
#[derive(Debug, Clone)]
pub struct ItemGroup {
    /// The addressee heading.
    pub heading: Option<String>,
    /// The items, in order.
    pub items: Vec<ItemView>,
}

/// A metadata row of a resolution page.
#[derive(Debug, Clone)]
pub struct MetaRow {
    /// Label («Дата»).
    pub label: &'static str,
    /// Value.
    pub value: String,
    /// Optional link of the value.
    pub href: Option<String>,
}

/// `GET /resolutions/{id}`.
#[derive(Template)]
#[template(path = "resolution.html")]
pub(crate) struct ResolutionPage {
    pub(crate) css: &'static str,
    pub(crate) js: &'static str,
    pub(crate) title: String,
    pub(crate) back_href: String,
    pub(crate) hl: String,
    pub(crate) meta: Vec<MetaRow>,
    pub(crate) topics: Vec<Link>,
    pub(crate) groups: Vec<ItemGroup>,
    pub(crate) item_count: String,
    pub(crate) body: Vec<String>,
    pub(crate) source_href: String,
    /// Similar resolutions; `None` when they could not be looked up.
    pub(crate) similar: Option<Vec<SimilarEntry>>,
}

/// An error or «not found» page.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub(crate) css: &'static str,
    pub(crate) js: &'static str,
    pub(crate) heading: String,
    pub(crate) message: String,
}

/// One bar of the year chart.
#[derive(Debug, Clone)]
pub struct YearBar {
    /// The year («2023»), or its short form under narrow bars («’23»).
    pub label: String,
    /// «2023: 12 рекомендаций» for `<title>` and `aria-label`.
    pub title: String,
    /// The count shown above the bar.
    pub count: String,
    /// The search in this year.
    pub href: String,
    /// Whether this year is the filter in force.
    pub selected: bool,
    /// Geometry, in SVG user units.
    pub x: u32,
    /// Top of the bar.
    pub y: u32,
    /// Bar width.
    pub width: u32,
    /// Bar height.
    pub height: u32,
    /// Centre of the bar (for the labels).
    pub center: u32,
    /// Baseline of the count label.
    pub count_y: u32,
}

/// The overview of a non-empty result.
#[derive(Debug, Clone)]
pub struct Insights {
    /// «Рекомендации по годам».
    pub chart_title: String,
    /// Bars in ascending year order (empty when no hit has a year).
    pub bars: Vec<YearBar>,
    /// SVG width and height.
    pub width: u32,
    /// SVG height.
    pub height: u32,
    /// Baseline of the year labels.
    pub label_y: u32,
    /// The most frequent regions, each a link applying it, with its count.
    pub regions: Vec<(Link, String)>,
    /// Download of every hit (up to the cap) as CSV.
    pub csv_href: String,
    /// The same as JSON Lines.
    pub jsonl_href: String,
}

/// One similar resolution or item, as listed.
#[derive(Debug, Clone)]
pub struct SimilarEntry {
    /// Its page (at the item, for an item).
    pub href: String,
    /// The title, or the item's text.
    pub label: String,
    /// «г. Мегион · Ханты-Мансийский автономный округ — Югра · 2019».
    pub place: String,
    /// Topics shared with the page's resolution, comma-separated (resolutions only).
    pub shared_topics: String,
}
