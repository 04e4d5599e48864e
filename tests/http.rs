//! The HTTP service in process: `router(state).oneshot(request)` for every endpoint, the bad
//! inputs it must answer with a 4xx JSON error, the search page without JavaScript, and hot
//! reload of a rebuilt index.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};
use edusearch_server::{AppState, ServerConfig, router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod similar;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data/resolutions")
}

/// One index of the seed corpus shared by the read-only tests.
fn seed_index() -> &'static Path {
    static INDEX: OnceLock<tempfile::TempDir> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            build_index(
                &IndexRoot::new(dir.path()),
                &BuildOptions::new(corpus()),
                &NoProgress,
            )
            .unwrap();
            dir
        })
        .path()
}

fn config(index_root: &Path, data_dir: &Path) -> ServerConfig {
    ServerConfig {
        index_root: index_root.to_path_buf(),
        data_dir: data_dir.to_path_buf(),
        addr: "127.0.0.1:0".parse().unwrap(),
        admin_token: None,
        cache_entries: edusearch_server::DEFAULT_CACHE_ENTRIES,
    }
}

fn seed_state() -> AppState {
    AppState::open(&config(seed_index(), &corpus())).unwrap()
}

/// Percent-encodes a query-string value.
fn enc(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.body))
    }

    /// Asserts the error shape and returns the code.
    fn error_code(&self) -> String {
        let json = self.json();
        let error = json
            .get("error")
            .unwrap_or_else(|| panic!("no error: {json}"));
        let message = error["message"].as_str().expect("message is a string");
        assert!(
            message.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я')),
            "message is not Russian: {message}"
        );
        assert_eq!(json.as_object().unwrap().len(), 1, "{json}");
        error["code"]
            .as_str()
            .expect("code is a string")
            .to_string()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

async fn send(state: &AppState, request: Request<Body>) -> Answer {
    let response = router(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(state: &AppState, uri: &str) -> Answer {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn search_json(state: &AppState, query: &str) -> Value {
    let answer = get(state, &format!("/api/search?{query}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
    assert!(
        answer
            .header(header::CONTENT_TYPE)
            .starts_with("application/json")
    );
    answer.json()
}

/// Decodes a percent-encoded query-string component.
fn dec(value: &str) -> String {
    let bytes = value.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The query pairs of every link with `class` in a page (`href` follows `class`).
fn links(html: &str, class: &str) -> Vec<Vec<(String, String)>> {
    html.split(&format!("class=\"{class}\" href=\""))
        .skip(1)
        .map(|rest| {
            let href = rest.split('"').next().unwrap().replace("&#38;", "&");
            let query = href
                .split_once('?')
                .map_or("", |(_, query)| query)
                .to_string();
            query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (dec(name), dec(value))
                })
                .collect()
        })
        .collect()
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

#[tokio::test]
async fn proforientation_2023_finds_armavir_items_with_marks() {
    let state = seed_state();
    let json = search_json(&state, &format!("q={}", enc("профориентация 2023"))).await;
    assert_eq!(json["query"]["raw"], "профориентация 2023");
    assert_eq!(json["query"]["text"], "профориентация");
    assert_eq!(json["query"]["year_from_query"], 2023);
    assert_eq!(json["query"]["relaxed"], false);
    assert_eq!(json["page"], 1);
    assert_eq!(json["per_page"], 20);
    assert!(json["took_ms"].is_number());
    let hits = json["hits"].as_array().unwrap();
    assert!(hits.len() >= 2 && json["total"].as_u64().unwrap() >= hits.len() as u64);
    for hit in hits {
        assert_eq!(hit["municipality"], "г. Армавир", "{hit}");
        assert_eq!(hit["kind"], "item");
        assert!(hit["item_position"].is_u64() && hit["resolution_id"].is_string());
    }
    assert!(
        hits[0]["highlight"]
            .as_str()
            .unwrap()
            .contains("<mark>профориентаци"),
        "{}",
        hits[0]["highlight"]
    );
    assert_eq!(hits[0]["date"], "2023-08-31");
}

#[tokio::test]
async fn facet_counts_come_with_the_search_and_alone() {
    let state = seed_state();
    let json = search_json(&state, &format!("q={}", enc("профориентация 2023"))).await;
    let total = json["total"].as_u64().unwrap();
    let region = &json["facets"]["region"];
    assert_eq!(region[0]["value"], "Краснодарский край");
    assert_eq!(region[0]["count"].as_u64(), Some(total));
    let year = json["facets"]["year"].as_array().unwrap();
    let chosen: Vec<_> = year
        .iter()
        .filter(|value| value["selected"] == true)
        .collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0]["value"], "2023");
    assert_eq!(chosen[0]["count"].as_u64(), Some(total));

    let items = get(&state, "/api/facets").await;
    assert_eq!(items.status, StatusCode::OK);
    let items = items.json();
    let sum: u64 = items["year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value["count"].as_u64().unwrap())
        .sum();
    let all = search_json(&state, "q=").await;
    assert_eq!(
        sum,
        all["total"].as_u64().unwrap(),
        "every item has one year"
    );

    let resolutions = get(&state, "/api/facets?level=resolutions").await.json();
    let resolution_sum: u64 = resolutions["year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value["count"].as_u64().unwrap())
        .sum();
    assert_eq!(resolution_sum, 5);
    let krasnodar = resolutions["region"]
        .as_array()
        .unwrap()
        .iter()
        .find(|value| value["value"] == "Краснодарский край")
        .unwrap();
    assert_eq!(krasnodar["count"], 3);
}

#[tokio::test]
async fn filters_levels_sorting_and_pages_work() {
    let state = seed_state();
    let region = search_json(&state, &format!("q=&region={}", enc("Красноярский край"))).await;
    assert!(region["total"].as_u64().unwrap() > 0);
    for hit in region["hits"].as_array().unwrap() {
        assert_eq!(hit["region"], "Красноярский край");
    }
    let resolutions = search_json(
        &state,
        &format!("q={}&level=resolutions", enc("Точка роста")),
    )
    .await;
    assert_eq!(resolutions["hits"][0]["kind"], "resolution");
    let by_date = search_json(&state, "q=&sort=date&per_page=5&page=2").await;
    assert_eq!(by_date["page"], 2);
    assert_eq!(by_date["per_page"], 5);
    assert_eq!(by_date["hits"].as_array().unwrap().len(), 5);
    assert_eq!(by_date["query"]["sort"], "date");
    // Empty values count as absent, as an HTML form sends them.
    let blank = search_json(&state, "q=&region=&year=&topic=&level=&sort=&page=").await;
    assert_eq!(blank["total"], all_items(&state).await);
}

async fn all_items(state: &AppState) -> Value {
    search_json(state, "").await["total"].clone()
}

#[tokio::test]
async fn bad_input_is_a_4xx_json_error_with_a_stable_code() {
    let state = seed_state();
    let long_query = enc(&"а".repeat(10_000));
    let cases: Vec<(String, &str)> = vec![
        ("level=foo".into(), "invalid_level"),
        ("sort=x".into(), "invalid_sort"),
        ("year=abc".into(), "invalid_year"),
        ("year=1800".into(), "year_out_of_range"),
        ("year=99999999999".into(), "invalid_year"),
        ("per_page=100000".into(), "per_page_out_of_range"),
        ("per_page=0".into(), "per_page_out_of_range"),
        ("per_page=abc".into(), "invalid_per_page"),
        ("page=0".into(), "page_out_of_range"),
        ("page=-1".into(), "invalid_page"),
        ("page=1.5".into(), "invalid_page"),
        ("page=100000".into(), "page_out_of_range"),
        (format!("q={long_query}"), "query_too_long"),
        (
            format!("region={}", enc(&"я".repeat(400))),
            "filter_too_long",
        ),
        ("regoin=x".into(), "unknown_parameter"),
        (format!("{}=1", "z".repeat(5000)), "unknown_parameter"),
        ("q=a&q=b".into(), "duplicate_parameter"),
    ];
    for (query, code) in cases {
        let answer = get(&state, &format!("/api/search?{query}")).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.body
        );
        assert!(
            answer
                .header(header::CONTENT_TYPE)
                .starts_with("application/json")
        );
        assert_eq!(answer.error_code(), code, "{query}");
    }
    let facets = get(&state, "/api/facets?level=foo").await;
    assert_eq!(facets.status, StatusCode::BAD_REQUEST);
    assert_eq!(facets.error_code(), "invalid_level");
    let facets = get(&state, "/api/facets?q=x").await;
    assert_eq!(facets.error_code(), "unknown_parameter");
}

#[tokio::test]
async fn odd_queries_give_results_or_nothing_never_an_error() {
    let state = seed_state();
    for q in [
        "",
        "   ",
        "\"незакрытая кавычка",
        "\"\"\"",
        "((",
        "-",
        "AND OR NOT",
        "title:",
        "a:b:c*~2^3",
        "😀 \u{202e}ВЗО \u{0} \u{feff}",
        "ＯＶＺ 𝕠𝕧𝕫",
        "<script>alert(1)</script>",
        "'; DROP TABLE x; --",
        "ё Ё й",
    ] {
        let json = search_json(&state, &format!("q={}", enc(q))).await;
        assert!(json["hits"].is_array(), "{q:?}");
    }
    // A query string that is not UTF-8 once decoded, and stray percent signs.
    for raw in ["q=%FF%FE", "q=%", "q=%zz", "q", "&&", "=x"] {
        let answer = get(&state, &format!("/api/search?{raw}")).await;
        assert!(
            answer.status == StatusCode::OK || answer.status == StatusCode::BAD_REQUEST,
            "{raw}: {} {}",
            answer.status,
            answer.body
        );
        if answer.status == StatusCode::BAD_REQUEST {
            answer.error_code();
        }
    }
    // Exactly the longest query allowed.
    let longest = search_json(&state, &format!("q={}", enc(&"о".repeat(1000)))).await;
    assert_eq!(longest["total"], 0);
}

#[tokio::test]
async fn a_resolution_is_fetched_whole_or_is_a_json_404() {
    let state = seed_state();
    let found = search_json(&state, &format!("q={}", enc("профориентация 2023"))).await;
    let id = found["hits"][0]["resolution_id"]
        .as_str()
        .unwrap()
        .to_string();
    let answer = get(&state, &format!("/api/resolutions/{id}")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let resolution = answer.json();
    assert_eq!(resolution["id"], id.as_str());
    assert_eq!(resolution["date"], "2023-08-31");
    assert_eq!(resolution["location"]["municipality"], "г. Армавир");
    let items = resolution["items"].as_array().unwrap();
    assert!(items.len() >= 24);
    assert!(items.iter().any(|item| item["position"] == 18));

    for missing in [
        "0000000000000000",
        "nope",
        "%D0%BF",
        "%FF",
        &"x".repeat(500),
    ] {
        let answer = get(&state, &format!("/api/resolutions/{missing}")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(answer.error_code(), "not_found");
    }
}

#[tokio::test]
async fn health_reports_documents_and_generation() {
    let state = seed_state();
    let answer = get(&state, "/api/health").await;
    assert_eq!(answer.status, StatusCode::OK);
    let json = answer.json();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["documents"].as_u64(), Some(state.engine().num_docs()));
    assert!(json["documents"].as_u64().unwrap() > 70);
    assert!(json["generation"].as_str().unwrap().starts_with("gen-"));
}

#[tokio::test]
async fn openapi_describes_every_endpoint() {
    let state = seed_state();
    let answer = get(&state, "/api/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    let json = answer.json();
    assert!(json["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/search",
        "/api/resolutions/{id}",
        "/api/facets",
        "/api/health",
        "/api/openapi.json",
    ] {
        assert!(json["paths"][path]["get"].is_object(), "{path}");
    }
    let parameters: Vec<&str> = json["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| parameter["name"].as_str().unwrap())
        .collect();
    for name in [
        "q",
        "region",
        "year",
        "topic",
        "addressee",
        "level",
        "page",
        "per_page",
        "sort",
    ] {
        assert!(parameters.contains(&name), "{name}: {parameters:?}");
    }
    for schema in [
        "SearchResponse",
        "Hit",
        "FacetCounts",
        "Resolution",
        "Item",
        "ErrorBody",
    ] {
        assert!(
            json["components"]["schemas"][schema].is_object(),
            "{schema}"
        );
    }
}

#[tokio::test]
async fn errors_of_routing_keep_the_json_shape() {
    let state = seed_state();
    let unknown = get(&state, "/api/unknown").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_code(), "not_found");

    let post = send(
        &state,
        Request::post("/api/search")
            .body(Body::from("q=x"))
            .unwrap(),
    )
    .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.error_code(), "method_not_allowed");

    let big = send(
        &state,
        Request::post("/api/search")
            .header(header::CONTENT_LENGTH, "10000000")
            .body(Body::from(vec![b'x'; 100]))
            .unwrap(),
    )
    .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.error_code(), "body_too_large");

    let page = get(&state, "/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.header(header::CONTENT_TYPE).starts_with("text/html"));
    assert!(page.body.contains("Страница не найдена"));
}

#[tokio::test]
async fn a_repeated_search_is_answered_from_the_cache_with_the_same_hits() {
    let state = seed_state();
    let uri = format!("/api/search?q={}&year=2023", enc("профориентация"));
    let first = get(&state, &uri).await.json();
    let again = get(&state, &uri).await.json();
    assert!(first["total"].as_u64().unwrap() > 0);
    assert_eq!(first["hits"], again["hits"]);
    assert_eq!(first["facets"], again["facets"]);
    // The page of the same search is a separate entry; the metrics tell hits from misses.
    get(&state, &format!("/?q={}&year=2023", enc("профориентация"))).await;
    let metrics = get(&state, "/metrics").await.body;
    assert!(
        metrics.contains("edusearch_search_cache_requests_total{result=\"hit\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("edusearch_search_cache_requests_total{result=\"miss\"} 2"),
        "{metrics}"
    );

    let uncached = AppState::open(&ServerConfig {
        cache_entries: 0,
        ..config(seed_index(), &corpus())
    })
    .unwrap();
    assert_eq!(get(&uncached, &uri).await.json()["hits"], first["hits"]);
    assert_eq!(get(&uncached, &uri).await.json()["hits"], first["hits"]);
    let metrics = get(&uncached, "/metrics").await.body;
    assert!(
        metrics.contains("edusearch_search_cache_requests_total{result=\"hit\"} 0"),
        "{metrics}"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let state = seed_state();
    get(&state, &format!("/api/search?q={}", enc("ОВЗ"))).await;
    get(&state, "/api/search?level=foo").await;
    get(&state, "/nowhere").await;
    let answer = get(&state, "/metrics").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer
            .header(header::CONTENT_TYPE)
            .starts_with("text/plain; version=0.0.4")
    );
    let text = answer.body;
    for line in [
        "edusearch_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"200\"} 1",
        "edusearch_http_requests_total{route=\"/api/search\",method=\"GET\",status=\"400\"} 1",
        "edusearch_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
        "edusearch_http_request_duration_seconds_count{route=\"/api/search\"} 2",
        "# TYPE edusearch_http_request_duration_seconds histogram",
        "edusearch_index_reloads_total 0",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let documents = format!("edusearch_index_documents {}", state.engine().num_docs());
    assert!(text.contains(&documents), "{text}");
    assert!(text.contains("edusearch_index_last_reload_timestamp_seconds "));
}

#[tokio::test]
async fn the_search_page_shows_results_and_facet_links_without_javascript() {
    let state = seed_state();
    let answer = get(&state, &format!("/?q={}", enc("профориентация 2023"))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = &answer.body;
    assert!(html.starts_with("<!doctype html>\n<html lang=\"ru\">"));
    assert!(
        html.contains("value=\"профориентация 2023\""),
        "query kept in the box"
    );
    assert!(html.contains("<label class=\"search-label\" for=\"q\">"));
    assert!(html.contains("class=\"hit\""));
    assert!(html.contains("<mark>профориентаци"));
    assert!(html.contains("г. Армавир, Краснодарский край"));
    assert!(html.contains("31 августа 2023"));
    assert!(html.contains("п. 23"));
    // Results link to the item of the resolution.
    assert!(html.contains("#item-23\""), "{html}");
    // Facet links add a filter, keeping the query (the year it named becomes a parameter).
    let topic_link = links(html, "facet-value")
        .into_iter()
        .find(|link| link.contains(&("topic".to_string(), "воспитание".to_string())));
    assert_eq!(
        sorted(topic_link.expect("a topic facet link")),
        sorted(vec![
            ("q".to_string(), "профориентация".to_string()),
            ("topic".to_string(), "воспитание".to_string()),
            ("year".to_string(), "2023".to_string()),
        ])
    );
    assert!(html.contains("id=\"facet-region\"") && html.contains("id=\"facet-topic\""));
    // The year understood from the query is a chip whose × drops it from the query.
    assert!(html.contains("<span class=\"chip-kind\">Год:</span> 2023"));
    let without_year = format!(
        "class=\"chip-remove\" href=\"/?q={}\"",
        enc("профориентация")
    );
    assert!(html.contains(&without_year), "{without_year}");
    assert!(!html.contains("<script>") || html.matches("<script").count() == 1);
}

#[tokio::test]
async fn following_a_facet_link_narrows_the_list_and_can_be_undone() {
    let state = seed_state();
    let base = format!("q={}", enc("профориентация 2023"));
    let narrowed = format!("{base}&topic={}", enc("воспитание"));
    let before = search_json(&state, &base).await["total"].as_u64().unwrap();
    let after = search_json(&state, &narrowed).await["total"]
        .as_u64()
        .unwrap();
    assert!(after < before && after > 0, "{after} < {before}");
    let page = get(&state, &format!("/?{narrowed}")).await.body;
    assert!(
        page.contains(&format!("Найдено {after} рекомендаци")),
        "{page}"
    );
    assert!(page.contains("facet-selected"));
    // Each chosen facet value has its ×: the topic one keeps the query and its year.
    let undo: Vec<_> = links(&page, "facet-remove")
        .into_iter()
        .map(sorted)
        .collect();
    assert!(
        undo.contains(&sorted(vec![
            ("q".to_string(), "профориентация".to_string()),
            ("year".to_string(), "2023".to_string()),
        ])),
        "{undo:?}"
    );
    assert!(
        undo.contains(&sorted(vec![
            ("q".to_string(), "профориентация".to_string()),
            ("topic".to_string(), "воспитание".to_string()),
        ])),
        "{undo:?}"
    );
}

#[tokio::test]
async fn the_start_page_introduces_and_lists_the_newest() {
    let state = seed_state();
    let html = get(&state, "/").await.body;
    assert!(html.contains("Что решали на августовских совещаниях"));
    for example in [
        "профориентация 2023",
        "наставничество",
        "Точка роста",
        "ОВЗ",
    ] {
        assert!(html.contains(&format!(">{example}</a>")), "{example}");
    }
    assert!(html.contains("Новые рекомендации"));
    assert!(html.contains("1–10 из "));
    assert!(html.contains("class=\"hit\""));
    // Seventy items, ten a page.
    assert!(html.contains("aria-label=\"Страницы результатов\""));
    assert!(html.contains("Далее →</a>"));
    let second = get(&state, "/?page=2").await.body;
    assert!(second.contains("rel=\"prev\">← Назад</a>"));
    assert!(second.contains("aria-current=\"page\">2<"));
}

#[tokio::test]
async fn no_results_offer_suggestions_and_relaxed_results_say_so() {
    let state = seed_state();
    let nothing = get(
        &state,
        &format!(
            "/?q={}&region={}",
            enc("квазиэлектрификация"),
            enc("Краснодарский край")
        ),
    )
    .await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(nothing.body.contains("Ничего не найдено"));
    assert!(nothing.body.contains("Уберите фильтры"));
    assert!(
        nothing
            .body
            .contains("Проверьте, правильно ли написаны слова")
    );

    let relaxed = get(
        &state,
        &format!("/?q={}", enc("агроклассов медиаволонтерство")),
    )
    .await;
    assert!(
        relaxed
            .body
            .contains("Результатов со всеми словами мало или нет; показаны и частичные совпадения")
    );
}

#[tokio::test]
async fn user_text_is_escaped_in_the_page() {
    let state = seed_state();
    let attack = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let answer = get(
        &state,
        &format!("/?q={}&region={}", enc(attack), enc("<b>край</b>")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = &answer.body;
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("<b>край"), "{html}");
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(
        answer
            .header(header::CONTENT_SECURITY_POLICY)
            .contains("script-src 'self'")
    );
}

#[tokio::test]
async fn bad_input_on_the_page_is_a_400_page_not_a_crash() {
    let state = seed_state();
    for (query, message) in [
        ("year=abc", "Год должен быть числом"),
        ("level=foo", "items или resolutions"),
        ("page=0", "Номер страницы"),
        ("page=99999", "Номер страницы"),
    ] {
        let answer = get(&state, &format!("/?q=x&{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(answer.body.contains(message), "{query}: {}", answer.body);
        assert!(
            answer.body.contains("value=\"x\""),
            "the query stays in the box"
        );
    }
    // Parameters that belong to the API, or to nobody, do not break the page.
    let answer = get(&state, "/?q=x&per_page=100000&utm_source=mail").await;
    assert_eq!(answer.status, StatusCode::OK);
    let long = get(&state, &format!("/?q={}", enc(&"а".repeat(10_000)))).await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    assert!(long.body.contains("Запрос слишком длинный"));
}

#[tokio::test]
async fn the_resolution_page_has_numbered_items_and_marks_words() {
    let state = seed_state();
    let found = search_json(&state, &format!("q={}", enc("профориентация 2023"))).await;
    let id = found["hits"][0]["resolution_id"]
        .as_str()
        .unwrap()
        .to_string();
    let answer = get(
        &state,
        &format!("/resolutions/{id}?hl={}", enc("профориентация")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.body;
    assert!(html.contains("id=\"item-18\""));
    assert!(html.contains("href=\"#item-18\""));
    assert!(html.contains("<h1>Резолюция августовского совещания"));
    assert!(html.contains("<dt>Дата</dt>") && html.contains("31 августа 2023"));
    assert!(html.contains("<dt>Муниципалитет</dt>") && html.contains("г. Армавир"));
    assert!(html.contains("<dt>Регион</dt>"));
    assert!(html.contains("<dt>Источник</dt>"));
    assert!(
        html.contains("<mark>профориентационных</mark>"),
        "hl marks derived forms"
    );
    assert!(html.contains("Полный текст резолюции"));

    let source = get(&state, &format!("/resolutions/{id}/source")).await;
    assert_eq!(source.status, StatusCode::OK);
    assert!(
        source
            .header(header::CONTENT_TYPE)
            .starts_with("text/plain")
    );
    assert!(source.body.contains("Армавир"));

    let missing = get(&state, "/resolutions/0000000000000000").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Такой резолюции нет"));
}

#[tokio::test]
async fn assets_are_embedded_and_cacheable() {
    let state = seed_state();
    let page = get(&state, "/").await.body;
    let css_href = page
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&#38;", "&");
    let css = get(&state, &css_href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header(header::CONTENT_TYPE).starts_with("text/css"));
    assert!(css.body.contains(":target"));
    assert!(css.header(header::CACHE_CONTROL).contains("immutable"));
    let js = get(&state, "/static/app.js").await;
    assert!(
        js.header(header::CONTENT_TYPE)
            .starts_with("text/javascript")
    );
    assert_eq!(
        get(&state, "/static/nope.css").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&state, "/favicon.ico").await.status, StatusCode::OK);
}

/// A small resolution that is not in the seed corpus.
const DRONE_RESOLUTION: &str = "РЕЗОЛЮЦИЯ
августовского совещания педагогических работников города Армавира
28 августа 2024 года

Участники совещания обсудили развитие инженерного образования.
Совещание рекомендует:
1. Организовать кружки по сборке квадрокоптеров для обучающихся 7-9 классов.
2. Провести муниципальный фестиваль технического творчества.
3. Обеспечить участие педагогов в курсах повышения квалификации по робототехнике.
";

#[tokio::test]
async fn a_rebuilt_index_is_picked_up_without_restarting() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let index = dir.path().join("index");
    std::fs::create_dir_all(&data).unwrap();
    let seed_files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    std::fs::copy(&seed_files[0], data.join("first.txt")).unwrap();
    let root = IndexRoot::new(&index);
    build_index(&root, &BuildOptions::new(&data), &NoProgress).unwrap();

    let state = AppState::open(&config(&index, &data)).unwrap();
    let before = get(&state, "/api/health").await.json();
    let drones = format!("/api/search?q={}", enc("квадрокоптеров"));
    assert_eq!(get(&state, &drones).await.json()["total"], 0);
    assert!(
        !state.reload_if_changed().await.unwrap(),
        "nothing to reload yet"
    );

    // A request that started before the rebuild keeps its engine to the end.
    let in_flight = state.engine();
    std::fs::write(data.join("drones.txt"), DRONE_RESOLUTION).unwrap();
    build_index(&root, &BuildOptions::new(&data), &NoProgress).unwrap();

    let reloader = state.spawn_reloader(Duration::from_millis(50));
    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let health = get(&state, "/api/health").await.json();
        if health["generation"] != before["generation"] {
            break health;
        }
        assert!(Instant::now() < deadline, "the index was not reloaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    reloader.abort();
    assert!(after["documents"].as_u64() > before["documents"].as_u64());
    let found = get(&state, &drones).await.json();
    assert!(found["total"].as_u64().unwrap() >= 1, "{found}");
    assert!(
        found["hits"][0]["highlight"]
            .as_str()
            .unwrap()
            .contains("<mark>")
    );
    let old = in_flight
        .search(&edusearch_search::SearchRequest::query("квадрокоптеров"))
        .unwrap();
    assert_eq!(
        old.total, 0,
        "the old engine still answers from the old generation"
    );
    let metrics = get(&state, "/metrics").await.body;
    assert!(
        metrics.contains("edusearch_index_reloads_total 1"),
        "{metrics}"
    );
    assert!(!state.reload_if_changed().await.unwrap());
}

#[tokio::test]
async fn places_and_years_named_in_the_query_are_chips_removed_one_at_a_time() {
    let state = seed_state();
    let q = "наставничество в Красноярском крае 2022";
    let html = get(&state, &format!("/?q={}", enc(q))).await.body;
    assert!(html.contains("<span class=\"chip-kind\">Регион:</span> Красноярский край"));
    assert!(html.contains("<span class=\"chip-kind\">Год:</span> 2022"));
    assert!(html.contains("(из запроса)"));
    let removals: Vec<_> = links(&html, "chip-remove")
        .into_iter()
        .map(sorted)
        .collect();
    let pair = |name: &str, value: &str| (name.to_string(), value.to_string());
    assert_eq!(
        removals,
        vec![
            sorted(vec![pair("q", "наставничество"), pair("year", "2022")]),
            sorted(vec![
                pair("q", "наставничество"),
                pair("region", "Красноярский край")
            ]),
        ]
    );
}

#[tokio::test]
async fn a_corrected_query_says_so_and_offers_the_query_as_typed() {
    let state = seed_state();
    let json = search_json(&state, &format!("q={}", enc("профариентация"))).await;
    assert_eq!(json["query"]["correction"]["corrected"], "профориентация");
    assert!(json["total"].as_u64().unwrap() > 0);
    let html = get(&state, &format!("/?q={}", enc("профариентация")))
        .await
        .body;
    assert!(html.contains("Показаны результаты по запросу «<strong>профориентация</strong>»"));
    assert!(html.contains(&format!(
        "href=\"/?q={}&#38;literal=true\"",
        "%D0%BF%D1%80%D0%BE%D1%84%D0%B0%D1%80%D0%B8%D0%B5%D0%BD%D1%82%D0%B0%D1%86%D0%B8%D1%8F"
    )));
    let literal = search_json(&state, &format!("q={}&literal=true", enc("профариентация"))).await;
    assert!(literal["query"]["correction"].is_null());
    let checkbox = search_json(&state, &format!("q={}&literal=on", enc("профариентация"))).await;
    assert!(checkbox["query"]["correction"].is_null());
}

#[tokio::test]
async fn year_ranges_and_municipalities_are_parameters_too() {
    let state = seed_state();
    let range = search_json(&state, "year=2019&year_to=2022&per_page=100").await;
    assert_eq!(range["query"]["year_to"], 2022);
    let years: Vec<i64> = range["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["year"].as_i64().unwrap())
        .collect();
    assert!(years.contains(&2019) && years.contains(&2022), "{years:?}");
    assert!(years.iter().all(|year| (2019..=2022).contains(year)));
    let town = search_json(&state, &format!("municipality={}", enc("г. Мегион"))).await;
    assert!(town["total"].as_u64().unwrap() > 0);
    for hit in town["hits"].as_array().unwrap() {
        assert_eq!(hit["municipality"], "г. Мегион");
    }
    for (query, code) in [
        ("literal=maybe", "invalid_literal"),
        ("year_to=abc", "invalid_year_to"),
    ] {
        let answer = get(&state, &format!("/api/search?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.error_code(), code, "{query}");
    }
}

#[tokio::test]
async fn reindex_over_http_needs_the_admin_token() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let index = dir.path().join("index");
    std::fs::create_dir_all(&data).unwrap();
    let first = std::fs::read_dir(corpus())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::copy(&first, data.join("first.txt")).unwrap();
    build_index(
        &IndexRoot::new(&index),
        &BuildOptions::new(&data),
        &NoProgress,
    )
    .unwrap();
    let post = |token: Option<&str>| {
        let mut request = Request::post("/api/admin/reindex");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::empty()).unwrap()
    };

    // Off when no token is configured.
    let off = AppState::open(&config(&index, &data)).unwrap();
    assert_eq!(
        send(&off, post(Some("anything"))).await.status,
        StatusCode::NOT_FOUND
    );

    let mut with_token = config(&index, &data);
    with_token.admin_token = Some("s3cret".into());
    let state = AppState::open(&with_token).unwrap();
    let missing = send(&state, post(None)).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.json()["error"]["code"], "unauthorized");
    assert_eq!(
        missing.header(axum::http::header::WWW_AUTHENTICATE),
        "Bearer"
    );
    assert_eq!(
        send(&state, post(Some("wrong"))).await.status,
        StatusCode::UNAUTHORIZED
    );

    std::fs::write(data.join("drones.txt"), DRONE_RESOLUTION).unwrap();
    let done = send(&state, post(Some("s3cret"))).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let report = done.json();
    assert_eq!(report["resolutions"], 2);
    assert_eq!(report["changed"], 1);
    let drones = format!("/api/search?q={}", enc("квадрокоптеров"));
    assert!(
        get(&state, &drones).await.json()["total"].as_u64().unwrap() >= 1,
        "served at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_during_repeated_rebuilds_never_fail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let index = dir.path().join("index");
    std::fs::create_dir_all(&data).unwrap();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    let root = IndexRoot::new(&index);
    build_index(&root, &BuildOptions::new(&data), &NoProgress).unwrap();
    let state = AppState::open(&config(&index, &data)).unwrap();
    let reloader = state.spawn_reloader(Duration::from_millis(10));

    let rebuilds = {
        let (root, data) = (root.clone(), data.clone());
        tokio::task::spawn_blocking(move || {
            for round in 0..6 {
                std::fs::write(
                    data.join(format!("extra-{round}.txt")),
                    DRONE_RESOLUTION.replace("квадрокоптер", &format!("квадрокоптер{round}")),
                )
                .unwrap();
                let mut options = BuildOptions::new(&data);
                if round % 2 == 0 {
                    options.mode = edusearch_indexer::BuildMode::Full;
                }
                build_index(&root, &options, &NoProgress).unwrap();
            }
        })
    };
    let mut answered = 0;
    while !rebuilds.is_finished() {
        for query in ["профориентация%202023", "Мегион", "ОВЗ", "квадрокоптеров"]
        {
            let answer = get(&state, &format!("/api/search?q={query}")).await;
            assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
            answered += 1;
        }
        let page = get(&state, "/?q=%D0%BD%D0%B0%D1%81%D1%82%D0%B0%D0%B2%D0%BD%D0%B8%D1%87%D0%B5%D1%81%D1%82%D0%B2%D0%BE").await;
        assert_eq!(page.status, StatusCode::OK);
    }
    rebuilds.await.unwrap();
    reloader.abort();
    assert!(answered > 0);
}

#[tokio::test]
async fn trends_count_the_hits_of_the_search_by_year_region_and_topic() {
    let state = seed_state();
    let all = search_json(&state, "per_page=100").await;
    let total = all["total"].as_u64().unwrap();
    let years = get(&state, "/api/trends?by=year").await;
    assert_eq!(years.status, StatusCode::OK, "{}", years.body);
    let years = years.json();
    assert_eq!(years["by"], "year");
    assert_eq!(years["total"].as_u64(), Some(total));
    let buckets = years["buckets"].as_array().unwrap();
    let values: Vec<&str> = buckets
        .iter()
        .map(|b| b["value"].as_str().unwrap())
        .collect();
    assert!(values.is_sorted(), "{values:?}");
    let items: u64 = buckets.iter().map(|b| b["items"].as_u64().unwrap()).sum();
    assert_eq!(items, total);
    // The counts agree with the year facet of the same search.
    for bucket in buckets {
        let facet = all["facets"]["year"]
            .as_array()
            .unwrap()
            .iter()
            .find(|value| value["value"] == bucket["value"])
            .unwrap();
        assert_eq!(facet["count"], bucket["items"]);
        assert!(bucket["resolutions"].as_u64().unwrap() >= 1);
    }
    // The query is understood as by the search: the year in it filters.
    let regions = get(
        &state,
        &format!("/api/trends?by=region&q={}", enc("профориентация 2023")),
    )
    .await
    .json();
    assert_eq!(regions["query"]["year"], 2023);
    assert_eq!(regions["buckets"][0]["value"], "Краснодарский край");
    assert_eq!(regions["buckets"][0]["resolutions"], 1);
    let topics = get(&state, "/api/trends?by=topic&region=%D0%9A%D1%80%D0%B0%D1%81%D0%BD%D0%BE%D1%8F%D1%80%D1%81%D0%BA%D0%B8%D0%B9+%D0%BA%D1%80%D0%B0%D0%B9").await.json();
    let counts: Vec<u64> = topics["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["items"].as_u64().unwrap())
        .collect();
    assert!(counts.is_sorted_by(|a, b| a >= b), "{counts:?}");
    for (uri, code) in [
        ("/api/trends?by=month", "invalid_by"),
        ("/api/trends?page=2", "unknown_parameter"),
        ("/api/trends?year=abc", "invalid_year"),
    ] {
        let answer = get(&state, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(answer.error_code(), code, "{uri}");
    }
}

#[tokio::test]
async fn export_gives_every_hit_as_csv_with_a_bom_or_as_json_lines() {
    let state = seed_state();
    let all = search_json(&state, "per_page=100").await;
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total > 20, "more hits than one page");
    let csv = get(&state, "/api/export?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    let disposition = csv.header(header::CONTENT_DISPOSITION);
    assert!(
        disposition.starts_with("attachment; filename=\"edusearch-")
            && disposition.contains(".csv"),
        "{disposition}"
    );
    assert_eq!(csv.headers["x-total-count"], total.to_string().as_str());
    let body = csv
        .body
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark");
    let mut lines = body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Резолюция,Дата,Муниципалитет,Регион,Пункт,Адресат,Текст,Источник,Id резолюции,Ссылка"
    );
    assert!(body.contains("Краснодарский край"));

    let jsonl = get(
        &state,
        &format!("/api/export?format=jsonl&q={}", enc("профориентация 2023")),
    )
    .await;
    assert_eq!(jsonl.status, StatusCode::OK);
    assert_eq!(jsonl.header(header::CONTENT_TYPE), "application/x-ndjson");
    assert!(jsonl.header(header::CONTENT_DISPOSITION).contains(".jsonl"));
    let hits: Vec<Value> = jsonl
        .body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let searched = search_json(
        &state,
        &format!("per_page=100&q={}", enc("профориентация 2023")),
    )
    .await;
    assert_eq!(hits.len() as u64, searched["total"].as_u64().unwrap());
    assert!(hits.iter().all(|hit| hit["year"] == 2023));
    assert_eq!(
        hits[0]["resolution_id"],
        searched["hits"][0]["resolution_id"]
    );

    for (uri, code) in [
        ("/api/export?format=xlsx", "invalid_format"),
        ("/api/export?per_page=5", "unknown_parameter"),
        ("/api/export?format=csv&format=jsonl", "duplicate_parameter"),
    ] {
        let answer = get(&state, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(answer.error_code(), code, "{uri}");
    }
    let openapi = get(&state, "/api/openapi.json").await.json();
    for path in ["/api/trends", "/api/export"] {
        assert!(openapi["paths"][path]["get"].is_object(), "{path}");
    }
    assert!(openapi["components"]["schemas"]["Trends"].is_object());
}

#[tokio::test]
async fn the_search_page_charts_the_years_and_links_the_exports() {
    let state = seed_state();
    let html = get(&state, &format!("/?q={}", enc("наставничество")))
        .await
        .body;
    assert!(
        // Not role="img": that would hide the bar links from assistive technology.
        html.contains("<svg class=\"year-chart\" aria-labelledby"),
        "{html}"
    );
    // Each bar is a link to the same search in its year, with a title.
    let bar = html
        .split("<a href=\"")
        .find(|rest| rest.contains("year-bar"))
        .expect("a bar");
    let href = bar.split('"').next().unwrap().replace("&#38;", "&");
    assert!(href.contains("year=20"), "{href}");
    assert!(
        href.contains(&format!("q={}", "%D0%BD%D0%B0%D1%81")),
        "{href}"
    );
    assert!(bar.contains("aria-label=\"20") && bar.contains("<title>20"));
    let answer = get(&state, &href).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(html.contains("Чаще всего в регионах"));
    assert!(html.contains(">Скачать CSV</a>") && html.contains(">JSONL</a>"));
    let export = html
        .split("href=\"/api/export?")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&");
    let csv = get(&state, &format!("/api/export?{export}")).await;
    assert_eq!(csv.status, StatusCode::OK, "{export}: {}", csv.body);
    assert!(csv.body.starts_with('\u{feff}'));
    // Nothing found: no chart.
    let empty = get(&state, &format!("/?q={}", enc("ксилофон"))).await.body;
    assert!(!empty.contains("year-chart"));
}

/// The seeds plus two resolutions that reuse two recommendations of the seed from Армавир.
fn recurring_state() -> AppState {
    static DIRS: OnceLock<(tempfile::TempDir, tempfile::TempDir)> = OnceLock::new();
    let (data, index) = DIRS.get_or_init(|| {
        let data = tempfile::tempdir().unwrap();
        let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in ["index-data/resolutions", "tests/grouping/corpus"] {
            for file in edusearch_indexer::collect_files(&repository.join(folder)).unwrap() {
                std::fs::copy(&file, data.path().join(file.file_name().unwrap())).unwrap();
            }
        }
        let index = tempfile::tempdir().unwrap();
        build_index(
            &IndexRoot::new(index.path()),
            &BuildOptions::new(data.path()),
            &NoProgress,
        )
        .unwrap();
        (data, index)
    });
    AppState::open(&config(index.path(), data.path())).unwrap()
}

#[tokio::test]
async fn a_recurring_recommendation_says_where_else_it_is_and_can_be_collapsed() {
    let state = recurring_state();
    let query = enc("родителей и выпускников разговоры о важном");
    let json = get(&state, &format!("/api/search?q={query}")).await.json();
    let recurrence = &json["hits"][0]["recurrence"];
    assert_eq!(recurrence["resolutions"], 3, "{json}");
    assert_eq!(recurrence["regions"], 3);
    assert_eq!(recurrence["year_from"], 2023);
    assert_eq!(recurrence["year_to"], 2025);
    let group = recurrence["group"].as_str().unwrap().to_string();

    // The page says so and links to the whole group.
    let page = get(&state, &format!("/?q={query}")).await;
    assert!(
        page.body
            .contains("Встречается в 3 резолюциях (3 региона, 2023–2025)"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("href=\"/?group={group}\"")));
    let listing = get(&state, &format!("/api/search?group={group}"))
        .await
        .json();
    assert_eq!(listing["total"], 3);
    let members = get(&state, &format!("/?group={group}")).await;
    assert!(members.body.contains("Повторы:"));
    assert_eq!(members.body.matches("class=\"hit\"").count(), 3);

    // Collapsed, the group is one hit and counts once.
    let collapsed = get(&state, &format!("/api/search?q={query}&collapse=true"))
        .await
        .json();
    let in_group = |json: &Value| {
        json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|hit| hit["recurrence"]["group"] == group.as_str())
            .count()
    };
    assert_eq!(in_group(&json), 3);
    assert_eq!(in_group(&collapsed), 1);
    assert_eq!(collapsed["total_matches"], json["total"]);
    assert_eq!(
        collapsed["total"].as_u64().unwrap(),
        json["total"].as_u64().unwrap() - 2
    );
    let page = get(&state, &format!("/?q={query}&collapse=on")).await;
    assert!(page.body.contains("aria-current=\"true\">без повторов"));

    let bad = get(&state, "/api/search?group=xyz").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error_code(), "invalid_group");
    let bad = get(&state, "/api/search?q=x&collapse=maybe").await;
    assert_eq!(bad.error_code(), "invalid_collapse");
}

#[tokio::test]
async fn an_inferred_year_that_finds_nothing_gives_way_with_a_notice_and_a_link() {
    let state = seed_state();
    let q = "профориентация 2015";
    let json = get(&state, &format!("/api/search?q={}", enc(q)))
        .await
        .json();
    assert!(json["total"].as_u64().unwrap() > 0);
    assert_eq!(
        json["query"]["dropped_filters"],
        serde_json::json!([{ "kind": "year", "value": "2015" }])
    );
    assert!(json["query"]["year"].is_null());

    let html = get(&state, &format!("/?q={}", enc(q))).await.body;
    assert!(
        html.contains("В 2015 году ничего не найдено; показаны результаты за все годы."),
        "{html}"
    );
    assert!(
        !html.contains("<span class=\"chip-kind\">Год:</span>"),
        "no chip for a filter not in force"
    );
    let strict = html
        .split("id=\"dropped-filters\"")
        .nth(1)
        .and_then(|rest| rest.split("href=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the search with the year kept")
        .replace("&#38;", "&");
    assert!(strict.contains("year=2015"), "{strict}");
    let kept = get(&state, &strict).await.body;
    assert!(
        kept.contains("<span class=\"chip-kind\">Год:</span> 2015"),
        "the link sets the year as a filter the user chose"
    );
    assert!(
        !kept.contains("dropped-filters"),
        "a chosen filter stays hard"
    );
}

#[tokio::test]
async fn ordinary_words_are_not_place_chips() {
    let state = seed_state();
    let html = get(&state, &format!("/?q={}", enc("немецкий язык")))
        .await
        .body;
    assert!(!html.contains("chip-kind"), "no filter chip: {html}");
}

#[tokio::test]
async fn the_api_takes_places_only_from_real_mentions() {
    let state = seed_state();
    for q in [
        "немецкий язык",
        "кому оказывать помощь",
        "с кем сотрудничать школе",
        "кем быть",
        "прогресс учеников",
        "воздушный шар",
    ] {
        let json = get(&state, &format!("/api/search?q={}", enc(q)))
            .await
            .json();
        assert!(json["query"]["region"].is_null(), "{q}: {json}");
        assert!(json["query"]["municipality"].is_null(), "{q}: {json}");
        assert!(
            json["query"]["dropped_filters"].is_null(),
            "{q}: nothing to set aside"
        );
    }
    for (q, key, value) in [
        (
            "наставничество в Красноярском крае",
            "region",
            "Красноярский край",
        ),
        ("Кубань", "region", "Краснодарский край"),
        ("ХМАО", "region", "Ханты-Мансийский автономный округ — Югра"),
        ("Мегион", "municipality", "г. Мегион"),
        ("Ирбейского района", "municipality", "Ирбейский район"),
        ("профориентация в Армавире", "municipality", "г. Армавир"),
    ] {
        let json = get(&state, &format!("/api/search?q={}", enc(q)))
            .await
            .json();
        assert_eq!(json["query"][key], value, "{q}: {json}");
    }
}

#[tokio::test]
async fn the_event_kind_filters_search_trends_export_and_the_page() {
    let state = seed_state();
    let resolutions = search_json(&state, "level=resolutions&per_page=100").await;
    let kind = resolutions["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|hit| hit["event_kind"].as_str())
        .expect("a seed resolution has an event kind")
        .to_string();
    let same_kind = resolutions["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|hit| hit["event_kind"] == kind.as_str())
        .count() as u64;
    assert!(same_kind < resolutions["total"].as_u64().unwrap());

    let filtered = search_json(&state, &format!("level=resolutions&event_kind={kind}")).await;
    assert_eq!(filtered["total"].as_u64(), Some(same_kind));
    assert_eq!(filtered["query"]["event_kind"], kind.as_str());
    let items = search_json(&state, &format!("per_page=100&event_kind={kind}")).await;
    assert!(items["total"].as_u64().unwrap() > 0);
    for hit in items["hits"].as_array().unwrap() {
        assert_eq!(hit["event_kind"], kind.as_str());
    }

    let trends = get(&state, &format!("/api/trends?event_kind={kind}")).await;
    assert_eq!(trends.status, StatusCode::OK, "{}", trends.body);
    assert_eq!(trends.json()["total"], items["total"]);
    let export = get(
        &state,
        &format!("/api/export?format=jsonl&event_kind={kind}"),
    )
    .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    let lines: Vec<Value> = export
        .body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, items["total"].as_u64().unwrap());
    assert!(lines.iter().all(|hit| hit["event_kind"] == kind.as_str()));

    let page = get(&state, &format!("/?event_kind={kind}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Мероприятие"),
        "the filter shows as a chip"
    );

    let unknown = get(&state, "/api/search?event_kind=picnic").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error_code(), "invalid_event_kind");

    let openapi = get(&state, "/api/openapi.json").await.json();
    for path in ["/api/search", "/api/trends", "/api/export"] {
        let names: Vec<&str> = openapi["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|parameter| parameter["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"event_kind"), "{path}: {names:?}");
        assert!(names.contains(&"region"), "{path}: {names:?}");
    }
    let codes = openapi["components"]["schemas"]["ErrorCode"]["enum"].to_string();
    assert!(codes.contains("invalid_event_kind"), "{codes}");
}
