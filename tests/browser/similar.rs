//! In the browser: the «Похожие» parts of a resolution page (the script loads an item's similar
//! items when it is opened) and the year chart of the search page (a bar narrows the search to
//! its year).

use super::*;

/// The first element matching `css`, waited for.
async fn element(client: &Client, css: &str) -> Result<fantoccini::elements::Element, String> {
    client
        .wait()
        .at_most(PAGE)
        .for_element(Locator::Css(css))
        .await
        .map_err(|error| format!("no {css}: {error}"))
}

/// Megion's resolution page: similar resolutions listed, an item's similar items loaded on
/// opening, and a similar item's link leading to that item.
pub async fn similar_sections(client: &Client, base: &str) -> Result<(), String> {
    client.set_window_size(1280, 900).await.unwrap();
    client
        .goto(&format!("{base}/?q=%D0%9C%D0%B5%D0%B3%D0%B8%D0%BE%D0%BD"))
        .await
        .unwrap();
    let href = element(client, ".hit:first-child .hit-title a")
        .await?
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    let path = href.split('#').next().unwrap_or_default().to_string();
    let id = path.trim_start_matches("/resolutions/").to_string();
    client.goto(&format!("{base}{path}")).await.unwrap();

    let heading = text_of(client, "#similar-title").await;
    assert_eq!(heading, "Похожие резолюции");
    let similar_resolutions = client
        .find_all(Locator::Css(".similar-resolutions .similar-link"))
        .await
        .unwrap();
    if similar_resolutions.is_empty() {
        return Err("no similar resolutions listed".into());
    }
    for link in &similar_resolutions {
        let target = link.attr("href").await.unwrap().unwrap_or_default();
        assert!(target.starts_with("/resolutions/"), "{target}");
        assert_ne!(target, path, "the resolution itself is not listed");
    }

    // Item 3 (federal standards): closed, with the link for readers without the script.
    let selector = format!("details.similar-items[data-item='{id}-3']");
    let details = element(client, &selector).await?;
    assert_eq!(details.attr("open").await.unwrap(), None);
    assert!(
        details
            .find(Locator::Css(".similar-fallback a"))
            .await
            .is_ok()
    );
    details
        .find(Locator::Css("summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    element(
        client,
        &format!("{selector}[data-state='loaded'] .similar-list"),
    )
    .await?;
    let entries = details
        .find_all(Locator::Css(".similar-entry"))
        .await
        .unwrap();
    assert!(
        !entries.is_empty() && entries.len() <= 3,
        "{} entries",
        entries.len()
    );
    let place = text_of(client, &format!("{selector} .similar-entry .similar-place")).await;
    assert!(place.contains("г. Армавир"), "{place}");
    assert!(place.contains("2023"), "{place}");
    assert!(
        details
            .find_all(Locator::Css(".similar-fallback"))
            .await
            .unwrap()
            .is_empty(),
        "the fallback link is replaced by the list"
    );
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); return null;",
            vec![serde_json::to_value(&details).unwrap()],
        )
        .await
        .unwrap();
    screenshot(client, 1280, "resolution-similar-desktop.png", false).await;

    // The similar item's link opens its resolution at that item.
    let first = details
        .find(Locator::Css(".similar-entry .similar-link"))
        .await
        .unwrap();
    let target = first.attr("href").await.unwrap().unwrap_or_default();
    let anchor = target
        .rsplit_once('#')
        .map(|(_, anchor)| anchor.to_string())
        .ok_or(format!("no anchor in {target}"))?;
    assert!(anchor.starts_with("item-"), "{target}");
    first.click().await.unwrap();
    wait_for_url(client, &format!("#{anchor}")).await;
    element(client, &format!("#{anchor}.item:target")).await?;
    Ok(())
}

/// The search page's year chart: a bar per year; clicking one narrows the search to it.
pub async fn year_chart(client: &Client, base: &str) -> Result<(), String> {
    client.set_window_size(1280, 900).await.unwrap();
    client
        .goto(&format!(
            "{base}/?q=%D0%BF%D1%80%D0%BE%D1%84%D0%BE%D1%80%D0%B8%D0%B5%D0%BD%D1%82%D0%B0%D1%86%D0%B8%D1%8F"
        ))
        .await
        .unwrap();
    let total = results_total(client).await;
    element(client, "svg.year-chart").await?;
    let bars = client
        .find_all(Locator::Css("svg.year-chart a"))
        .await
        .unwrap();
    if bars.len() < 2 {
        return Err(format!("{} bars: expected several years", bars.len()));
    }
    // Bars are in ascending years; each says its year and count («2022: 5 рекомендаций»).
    let mut chosen = None;
    let mut years = Vec::new();
    for bar in &bars {
        let label = bar.attr("aria-label").await.unwrap().unwrap_or_default();
        let (year, rest) = label
            .split_once(": ")
            .ok_or(format!("unlabelled bar {label:?}"))?;
        let count: u64 = rest
            .split_whitespace()
            .next()
            .and_then(|count| count.replace('\u{a0}', "").parse().ok())
            .ok_or(format!("no count in {label:?}"))?;
        years.push(year.to_string());
        if chosen.is_none() && count < total {
            chosen = Some((bar.clone(), year.to_string(), count));
        }
    }
    let mut sorted = years.clone();
    sorted.sort();
    assert_eq!(years, sorted, "years ascending");
    let (bar, year, count) = chosen.ok_or("no bar narrows the results")?;
    assert_eq!(bar.attr("aria-current").await.unwrap(), None);

    bar.click().await.unwrap();
    wait_for_url(client, &format!("year={year}")).await;
    let narrowed = results_total(client).await;
    assert_eq!(narrowed, count, "the bar's count is the year's hits");
    assert!(narrowed < total);
    let chips = text_of(client, ".active-filters").await;
    assert!(chips.contains("Год:") && chips.contains(&year), "{chips}");
    for date in client
        .find_all(Locator::Css(".hit .hit-date"))
        .await
        .unwrap()
    {
        let text = date.text().await.unwrap();
        assert!(text.ends_with(&year), "{text} is not in {year}");
    }
    // The chart still shows every year, the chosen one marked.
    let selected = element(client, "svg.year-chart a[aria-current='true']").await?;
    let label = selected
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(label.starts_with(&format!("{year}:")), "{label}");
    assert_eq!(
        client
            .find_all(Locator::Css("svg.year-chart a"))
            .await
            .unwrap()
            .len(),
        bars.len()
    );
    screenshot(client, 1280, "search-year-chart.png", false).await;
    Ok(())
}
