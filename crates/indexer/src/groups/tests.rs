//! Signatures, the grouping of a build and the groups file, on hand-labelled pairs and the seeds.

use super::*;

#[test]
fn inflection_punctuation_and_yo_do_not_change_the_signature() {
    assert_eq!(
        signature("Обеспечить внедрение обновлённых ФГОС."),
        signature("обеспечить  внедрение обновленных ФГОС;")
    );
    assert_eq!(signature("и в на"), None);
}

#[test]
fn same_wording_tells_reuse_from_other_recommendations() {
    assert!(same_wording(
        "Продолжить работу по ранней профориентации обучающихся",
        "продолжить работу по ранней профориентации обучающихся и их родителей"
    ));
    assert!(!same_wording(
        "Продолжить работу по ранней профориентации обучающихся",
        "Продолжить работу по развитию функциональной грамотности обучающихся"
    ));
}

#[derive(serde::Deserialize)]
struct LabelledPairs {
    pair: Vec<LabelledPair>,
}

#[derive(serde::Deserialize)]
struct LabelledPair {
    from: String,
    same: bool,
    a: String,
    b: String,
}

/// Precision and recall of [`same_wording`] on the hand-labelled pairs, per origin.
#[test]
fn grouping_precision_and_recall() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/grouping/pairs.toml"
    );
    let text = std::fs::read_to_string(path).expect("labelled pairs readable");
    let labelled: LabelledPairs = toml::from_str(&text).expect("labelled pairs parse");
    let scored: Vec<(&LabelledPair, f64)> = labelled
        .pair
        .iter()
        .map(|pair| {
            let first = signature(&pair.a).expect("labelled text has words");
            let second = signature(&pair.b).expect("labelled text has words");
            (pair, similarity(&first, &second))
        })
        .collect();
    let measure = |from: Option<&str>, threshold: f64| {
        let (mut true_pos, mut false_pos, mut false_neg) = (0, 0, 0);
        for (pair, score) in &scored {
            if from.is_some_and(|from| from != pair.from) {
                continue;
            }
            let names_agree = {
                let (first, second) = (signature(&pair.a), signature(&pair.b));
                let (first, second) = (first.expect("words"), second.expect("words"));
                first.names == second.names || first.names == 0 || second.names == 0
            };
            match (pair.same, names_agree && *score >= threshold) {
                (true, true) => true_pos += 1,
                (false, true) => false_pos += 1,
                (true, false) => false_neg += 1,
                (false, false) => {}
            }
        }
        let precision = f64::from(true_pos) / f64::from((true_pos + false_pos).max(1));
        let recall = f64::from(true_pos) / f64::from((true_pos + false_neg).max(1));
        (precision, recall)
    };
    for threshold in [0.4, 0.5, 0.55, 0.6, 0.7] {
        let (precision, recall) = measure(None, threshold);
        println!("threshold {threshold:.2}: precision {precision:.2}, recall {recall:.2}");
    }
    for (pair, score) in &scored {
        if pair.same != same_wording(&pair.a, &pair.b) {
            println!(
                "wrong at {score:.2} (same = {}): {} | {}",
                pair.same, pair.a, pair.b
            );
        }
    }
    for from in ["seed", "generated"] {
        let (precision, recall) = measure(Some(from), SAME_WORDING);
        println!("{from}: precision {precision:.2}, recall {recall:.2}");
    }
    let (precision, recall) = measure(None, SAME_WORDING);
    assert!(precision >= 0.95, "precision {precision:.2}");
    assert!(recall >= 0.9, "recall {recall:.2}");
}

/// Two municipalities of two regions reuse a recommendation of the seed from Армавир.
#[test]
fn a_build_groups_reused_recommendations_across_resolutions() {
    use crate::{BuildMode, BuildOptions, IndexRoot, NoProgress, build_index, collect_files};
    let data = tempfile::tempdir().unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
    for file in collect_files(&seeds).unwrap() {
        fs::copy(&file, data.path().join(file.file_name().unwrap())).unwrap();
    }
    let recurring = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/grouping/corpus");
    for file in collect_files(&recurring).unwrap() {
        fs::copy(&file, data.path().join(file.file_name().unwrap())).unwrap();
    }
    let index_dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(index_dir.path());
    let mut options = BuildOptions::new(data.path());
    options.mode = BuildMode::Full;
    let report = build_index(&root, &options, &NoProgress).unwrap();
    assert!(report.grouping.groups >= 1, "{:?}", report.grouping);
    let groups = Groups::load(&root.current().unwrap().unwrap()).unwrap();
    let across_three: Vec<&GroupInfo> = groups
        .groups
        .iter()
        .filter(|info| info.resolutions == 3)
        .collect();
    // «Разговоры о важном» and the ФГОС item.
    assert_eq!(across_three.len(), 2, "{:?}", groups.groups);
    for info in across_three {
        assert_eq!((info.items, info.regions), (3, 3));
        assert_eq!((info.year_from, info.year_to), (2023, 2025));
    }
    // Transport and school meals are no recurring recommendation.
    assert!(groups.groups.iter().all(|info| info.resolutions <= 3));
    let grouped: usize = groups.groups.iter().map(|info| info.items as usize).sum();
    assert_eq!(grouped, report.grouping.grouped_items);
}

#[test]
fn the_file_round_trips_and_damage_is_noticed() {
    let mut groups = Groups {
        groups: vec![GroupInfo {
            id: 7,
            items: 2,
            resolutions: 2,
            regions: 1,
            year_from: 2019,
            year_to: 2023,
        }],
        member_starts: vec![0, 2],
        members: vec![7, 9],
        segments: HashMap::new(),
    };
    groups
        .segments
        .insert("abc".to_string(), Arc::from(vec![0, NO_GROUP, 0]));
    let bytes = encode(&groups);
    let decoded = decode(&bytes).expect("decodes");
    assert_eq!(decoded.info(0), groups.info(0));
    assert_eq!(decoded.members(0), &[7, 9]);
    assert_eq!(decoded.segment("abc"), &[0, NO_GROUP, 0]);
    assert_eq!(decoded.find(7), Some(0));
    assert!(decode(&bytes[..bytes.len() - 1]).is_none());
}
