//! `/api/resolutions/{id}/similar`, `/api/items/{id}/similar` and the «Похожие» parts of the
//! resolution page.

use super::*;

/// The id of the resolution a search finds first.
async fn first_resolution(state: &AppState, query: &str) -> String {
    let found = search_json(state, &format!("q={}", enc(query))).await;
    found["hits"][0]["resolution_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn similar_resolutions_leave_the_resolution_out_and_share_topics() {
    let state = seed_state();
    let id = first_resolution(&state, "Мегион").await;
    let answer = get(&state, &format!("/api/resolutions/{id}/similar")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let json = answer.json();
    assert_eq!(json["resolution_id"], id.as_str());
    assert!(json["title"].as_str().unwrap().starts_with("Резолюция"));
    assert!(json["took_ms"].is_number());
    let similar = json["similar"].as_array().unwrap();
    assert!(!similar.is_empty() && similar.len() <= 10, "{json}");
    for entry in similar {
        assert_ne!(entry["resolution_id"], id.as_str());
        let score = entry["score"].as_f64().unwrap();
        assert!(score > 0.0 && score <= 1.0, "{entry}");
        for field in ["title", "snippet"] {
            assert!(entry[field].is_string(), "{field}: {entry}");
        }
        for field in ["municipality", "region", "year", "date", "event"] {
            assert!(entry.get(field).is_some(), "{field}: {entry}");
        }
        let topics = entry["topics"].as_array().unwrap();
        for shared in entry["shared_topics"].as_array().unwrap() {
            assert!(topics.contains(shared), "{entry}");
        }
    }
    let scores: Vec<f64> = similar
        .iter()
        .map(|entry| entry["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );

    let one = get(&state, &format!("/api/resolutions/{id}/similar?limit=1")).await;
    assert_eq!(one.json()["similar"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn similar_items_come_from_other_resolutions_with_their_place() {
    let state = seed_state();
    let id = first_resolution(&state, "Мегион").await;
    // Megion's item 3 («…поэтапное внедрение федеральных государственных образовательных
    // стандартов…») has its like in Armavir: «Обеспечить внедрение и реализацию требований
    // обновленных федеральных государственных образовательных стандартов».
    let answer = get(&state, &format!("/api/items/{id}-3/similar?limit=3")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let json = answer.json();
    assert_eq!(json["item_id"], format!("{id}-3").as_str());
    assert_eq!(json["resolution_id"], id.as_str());
    assert_eq!(json["position"], 3);
    assert!(
        json["text"]
            .as_str()
            .unwrap()
            .contains("федеральных государственных образовательных стандартов")
    );
    let similar = json["similar"].as_array().unwrap();
    assert!(!similar.is_empty() && similar.len() <= 3, "{json}");
    let first = &similar[0];
    assert_eq!(first["municipality"], "г. Армавир");
    assert_eq!(first["region"], "Краснодарский край");
    assert_eq!(first["year"], 2023);
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .contains("федеральных государственных образовательных стандартов"),
        "{first}"
    );
    for entry in similar {
        assert_ne!(entry["resolution_id"], id.as_str());
        let position = entry["position"].as_u64().unwrap();
        assert_eq!(
            entry["item_id"],
            format!("{}-{position}", entry["resolution_id"].as_str().unwrap()).as_str()
        );
        // The item the id names is in its resolution, at that position.
        let resolution = get(
            &state,
            &format!(
                "/api/resolutions/{}",
                entry["resolution_id"].as_str().unwrap()
            ),
        )
        .await
        .json();
        let item = resolution["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["position"] == position)
            .unwrap();
        assert_eq!(item["text"], entry["text"]);
    }
}

#[tokio::test]
async fn unknown_ids_are_404_and_malformed_ids_400() {
    let state = seed_state();
    let id = first_resolution(&state, "Мегион").await;
    for missing in [
        "/api/resolutions/0000000000000000/similar".to_string(),
        "/api/items/0000000000000000-1/similar".to_string(),
        format!("/api/items/{id}-999/similar"),
    ] {
        let answer = get(&state, &missing).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(answer.error_code(), "not_found", "{missing}");
    }
    for (uri, code) in [
        ("/api/resolutions/nope/similar", "invalid_resolution_id"),
        ("/api/resolutions/%D0%BF/similar", "invalid_resolution_id"),
        ("/api/resolutions/%FF/similar", "invalid_resolution_id"),
        ("/api/items/nope/similar", "invalid_item_id"),
        ("/api/items/0000000000000000/similar", "invalid_item_id"),
        ("/api/items/0000000000000000-0/similar", "invalid_item_id"),
        ("/api/items/0000000000000000-x/similar", "invalid_item_id"),
        ("/api/items/0000000000000000--1/similar", "invalid_item_id"),
        ("/api/items/-1/similar", "invalid_item_id"),
        ("/api/items/%FF-1/similar", "invalid_item_id"),
    ] {
        let answer = get(&state, uri).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            answer.body
        );
        assert_eq!(answer.error_code(), code, "{uri}");
    }
    let long = format!("/api/items/{}-1/similar", "a".repeat(500));
    assert_eq!(get(&state, &long).await.error_code(), "invalid_item_id");
    for (query, code) in [
        ("limit=0", "limit_out_of_range"),
        ("limit=51", "limit_out_of_range"),
        ("limit=ten", "invalid_limit"),
        ("limit=-1", "invalid_limit"),
        ("limit=3&limit=4", "duplicate_parameter"),
        ("count=3", "unknown_parameter"),
    ] {
        for path in [
            format!("/api/resolutions/{id}/similar?{query}"),
            format!("/api/items/{id}-1/similar?{query}"),
        ] {
            let answer = get(&state, &path).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(answer.error_code(), code, "{path}");
        }
    }
    // An empty limit is the default, as HTML forms send it.
    let answer = get(&state, &format!("/api/resolutions/{id}/similar?limit=")).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn openapi_describes_the_similar_endpoints() {
    let state = seed_state();
    let json = get(&state, "/api/openapi.json").await.json();
    for path in ["/api/resolutions/{id}/similar", "/api/items/{id}/similar"] {
        let operation = &json["paths"][path]["get"];
        assert!(operation.is_object(), "{path}");
        let names: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|parameter| parameter["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["id", "limit"], "{path}");
        for status in ["200", "400", "404"] {
            assert!(
                operation["responses"][status].is_object(),
                "{path} {status}"
            );
        }
    }
    for schema in [
        "SimilarResolutions",
        "SimilarResolution",
        "SimilarItems",
        "SimilarItem",
    ] {
        assert!(
            json["components"]["schemas"][schema].is_object(),
            "{schema}"
        );
    }
}

#[tokio::test]
async fn the_resolution_page_lists_similar_resolutions_and_offers_similar_items() {
    let state = seed_state();
    let id = first_resolution(&state, "Мегион").await;
    let html = get(&state, &format!("/resolutions/{id}")).await.body;
    assert!(html.contains("<h2 id=\"similar-title\">Похожие резолюции</h2>"));
    let section = &html[html.find("similar-resolutions").unwrap()..];
    assert!(section.contains("class=\"similar-link\" href=\"/resolutions/"));
    assert!(!section.contains(&format!("href=\"/resolutions/{id}\"")));
    // Every item has a closed box the script fills, with a link for readers without it.
    assert_eq!(
        html.matches("<details class=\"similar-items\"").count(),
        13,
        "one per item"
    );
    assert!(html.contains(&format!("data-item=\"{id}-3\"")));
    let fallback = format!("href=\"/resolutions/{id}?similar=3#item-3\"");
    assert!(html.contains(&fallback), "no fallback link");
    assert!(!html.contains("open data-state"));

    // The link renders item 3's similar items with the page, its box open.
    let html = get(&state, &format!("/resolutions/{id}?similar=3"))
        .await
        .body;
    let item = &html[html.find("id=\"item-3\"").unwrap()..html.find("id=\"item-4\"").unwrap()];
    assert!(item.contains("open data-state=\"loaded\""), "{item}");
    assert!(item.contains("class=\"similar-list\""), "{item}");
    assert!(
        item.contains("г. Армавир · Краснодарский край · 2023"),
        "{item}"
    );
    assert!(item.contains("#item-"), "{item}");
    assert!(!item.contains("similar-fallback"), "{item}");
    // Other items stay closed, and a position that is not there changes nothing.
    assert_eq!(html.matches("open data-state=\"loaded\"").count(), 1);
    let page = get(&state, &format!("/resolutions/{id}?similar=999")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("open data-state"));
}
