//! Unit tests of the generator's building blocks.

use super::*;

#[test]
fn zipf_prefers_low_ranks() {
    let zipf = Zipf::new(100, 1.0);
    let mut rng = Rng::new(7);
    let mut counts = [0usize; 100];
    for _ in 0..10_000 {
        counts[zipf.sample(&mut rng)] += 1;
    }
    assert!(counts[0] > counts[9] && counts[9] > counts[99]);
}

#[test]
fn item_counts_stay_in_range() {
    let mut rng = Rng::new(3);
    for _ in 0..10_000 {
        let count = item_count(&mut rng);
        assert!((ITEMS_RANGE.0..=ITEMS_RANGE.1).contains(&count));
    }
}

#[test]
fn region_genitives() {
    assert_eq!(region_genitive("Красноярский край"), "Красноярского края");
    assert_eq!(region_genitive("Тамбовская область"), "Тамбовской области");
    assert_eq!(
        region_genitive("Республика Татарстан"),
        "Республики Татарстан"
    );
}
