//! Similar resolutions and items on the seed corpus plus three small resolutions written for
//! these tests: a near-duplicate of an Armavir item, and school meals in two towns.

use std::path::Path;
use std::sync::OnceLock;

use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};

use super::*;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, engine) = ENGINE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/resolutions");
        for entry in std::fs::read_dir(seed).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
        }
        for (name, text) in EXTRA {
            std::fs::write(corpus.join(name), text).unwrap();
        }
        let root = IndexRoot::new(dir.path().join("index"));
        build_index(&root, &BuildOptions::new(corpus), &NoProgress).unwrap();
        let engine = Engine::open(&root).unwrap();
        (dir, engine)
    });
    engine
}

const EXTRA: [(&str, &str); 3] = [
    (
        "megion_2024.txt",
        "РЕЗОЛЮЦИЯ\nавгустовского совещания педагогических работников города Мегиона\n\
         28 августа 2024 г.\n\n\
         Участники совещания обсудили организацию питания школьников и профессиональную \
         ориентацию.\n\nУчастники совещания рекомендуют:\n\
         1. Обеспечить организацию бесплатного горячего питания обучающихся 1–4 классов в \
         общеобразовательных организациях, усилить родительский контроль за качеством питания в \
         школьных столовых.\n\
         2. Разработать и утвердить календарный план профориентационных мероприятий в \
         соответствии с региональным планом профориентационных мероприятий на учебный год.\n\
         3. Провести модернизацию пищеблоков школьных столовых и обновить технологическое \
         оборудование.\n\
         4. Обеспечить дальнейшее развитие системы наставничества молодых педагогов.\n",
    ),
    (
        "irbey_2024.txt",
        "РЕЗОЛЮЦИЯ\nавгустовской конференции работников образования Ирбейского района\n\
         27 августа 2024 г.\n\n\
         Конференция рассмотрела вопросы здоровья обучающихся.\n\n\
         Участники конференции рекомендуют:\n\
         1. Организовать горячее питание обучающихся начальных классов, обеспечить контроль \
         качества питания в школьных столовых с участием родителей.\n\
         2. Провести дни здоровья и спортивные соревнования в каждой школе района.\n",
    ),
    (
        "armavir_2024.txt",
        "РЕЗОЛЮЦИЯ\nгородского педагогического совета г. Армавира\n30 августа 2024 г.\n\n\
         Педагогический совет рассмотрел вопросы наставничества.\n\n\
         Педагогический совет решил:\n\
         1. Обеспечить дальнейшее развитие системы наставничества молодых педагогов.\n",
    ),
];

fn item_of(municipality: &str, year: i32, starts: &str) -> (String, u32) {
    let mut request = crate::api::SearchRequest::query("");
    request.municipality = Some(municipality.to_string());
    request.year = Some(year);
    request.per_page = 100;
    let response = engine().search(&request).unwrap();
    let hit = response
        .hits
        .iter()
        .find(|hit| hit.text.starts_with(starts))
        .unwrap_or_else(|| panic!("no item «{starts}» in {municipality} {year}"));
    (hit.resolution_id.clone(), hit.item_position.unwrap())
}

#[test]
fn calibration() {
    let engine = engine();
    let mut request = crate::api::SearchRequest::query("");
    request.per_page = 100;
    request.level = Level::Resolutions;
    let resolutions = engine.search(&request).unwrap();
    for resolution in &resolutions.hits {
        let similar = engine
            .similar_resolutions(&resolution.resolution_id, 10)
            .unwrap();
        eprintln!(
            "R {} {:?} ({:.1} ms)",
            resolution.resolution_id, resolution.municipality, similar.took_ms
        );
        for s in &similar.similar {
            eprintln!(
                "   {:.3} {:?} {:?}",
                s.score, s.municipality, s.shared_topics
            );
        }
        let full = engine.resolution(&resolution.resolution_id).unwrap();
        for item in &full.items {
            let similar = engine
                .similar_items(&resolution.resolution_id, item.position, 5)
                .unwrap();
            eprintln!(
                "  I{} {}",
                item.position,
                item.text.chars().take(90).collect::<String>()
            );
            for s in &similar.similar {
                eprintln!(
                    "      {:.3} {:?} {}",
                    s.score,
                    s.municipality,
                    s.text.chars().take(90).collect::<String>()
                );
            }
        }
    }
    let (rid, pos) = item_of("г. Армавир", 2024, "Обеспечить дальнейшее");
    let found = engine.similar_items(&rid, pos, 3).unwrap();
    let searcher = engine.reader.searcher();
    let mlt = engine.more_like_this(&searcher, &found.text);
    for (r, p) in [
        (rid.clone(), pos),
        (
            found.similar[0].resolution_id.clone(),
            found.similar[0].position,
        ),
    ] {
        let own = vec![
            engine.filter(engine.schema.kind, DocKind::Item.as_str()),
            engine.filter(engine.schema.resolution_id, &r),
            Box::new(TermQuery::new(
                Term::from_field_u64(engine.schema.item_position, u64::from(p)),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ];
        let (address, _) = engine.first_match(&searcher, &own).unwrap().unwrap();
        let explanation = mlt.explain(&searcher, address).unwrap();
        eprintln!("{r}-{p}: {}", explanation.value());
        eprintln!("own {:?}", engine.own_score(&searcher, &mlt, &own, address).unwrap());
        let q = BooleanQuery::new(engine.others(&mlt, DocKind::Item, "ffff"));
        let top = searcher.search(&q, &TopDocs::with_limit(5).order_by_score()).unwrap();
        eprintln!("others {:?}", top);
        let top = searcher.search(&mlt, &TopDocs::with_limit(5).order_by_score()).unwrap();
        eprintln!("plain {:?} (address {:?})", top, address);
    }
}
