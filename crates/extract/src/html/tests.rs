//! HTML pages: charsets, blocks, furniture and the choice of the main container.

use super::*;

fn text_of(html: &str) -> String {
    let mut warnings = Vec::new();
    let text = html_to_text(html, &Limits::default(), &mut warnings);
    crate::layout::normalize(&text, 100_000, &mut warnings)
}

#[test]
fn charset_is_found_in_meta_tags() {
    let name = |html: &str| declared_charset(html.as_bytes()).map(|encoding| encoding.name());
    assert_eq!(
        name(r#"<html><head><meta charset="windows-1251">"#),
        Some("windows-1251")
    );
    assert_eq!(
        name(r#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=koi8-r">"#),
        Some("KOI8-R")
    );
    assert_eq!(
        name(r#"<?xml version="1.0" encoding='cp1251'?><html>"#),
        Some("windows-1251")
    );
    assert_eq!(name("<html><body>charset=utf-8</body>"), None);
}

#[test]
fn blocks_lists_tables_and_entities() {
    let html = "<body><h1>Резолюция&nbsp;№&#8239;1</h1><p>Первый\n   абзац <b>жирно</b></p>\
            <ol><li>Один</li><li><p>Два</p></li></ol><ul><li>пункт</li></ul>\
            <table><tr><td>1</td><td>Совещание</td></tr><tr><td>2</td><td>Конференция</td></tr></table>\
            строка<br>вторая &laquo;кавычки&raquo; &amp; &lt;тег&gt;</body>";
    assert_eq!(
        text_of(html),
        "Резолюция\u{a0}№\u{202f}1\n\nПервый абзац жирно\n\n1. Один\n2. Два\n\n- пункт\n\n1\tСовещание\n2\tКонференция\n\nстрока\nвторая «кавычки» & <тег>"
    );
}

#[test]
fn already_numbered_items_are_not_numbered_twice() {
    assert_eq!(
        text_of("<ol><li>1. Один</li><li>2) Два</li></ol>"),
        "1. Один\n2) Два"
    );
}

#[test]
fn furniture_is_dropped_and_the_article_is_kept() {
    let html = r#"<html><head><title>Сайт</title><style>p{}</style><script>var x = "<p>нет</p>";</script></head>
            <body><header><a href="/">Главная</a> <a href="/news">Новости</a></header>
            <nav><ul><li><a href="/">Главная</a></li><li><a href="/a">О нас</a></li></ul></nav>
            <div class="wrapper page-with-sidebar">
            <article><header><h1>Резолюция совещания</h1><time>18.08.2022</time></header>
              <div class="entry-meta">Опубликовано 19.08.2022 в 10:15</div>
              <p>Текст резолюции, который нужно сохранить целиком.</p>
              <div class="share-buttons"><a>ВКонтакте</a><a>Одноклассники</a></div>
              <p>Подписаться</p><p>RSS</p><span>12 комментариев</span>
              <!-- комментарий в разметке -->
              <form><input value="Поиск"><button>Найти</button></form>
            </article>
            <aside>Свежие новости: много текста в боковой колонке</aside></div>
            <footer>© 2022 Управление образования, все права защищены</footer></body></html>"#;
    assert_eq!(
        text_of(html),
        "Резолюция совещания\n\nТекст резолюции, который нужно сохранить целиком."
    );
}

#[test]
fn densest_container_wins_without_article() {
    let long = "Участники совещания рекомендуют продолжить работу. ".repeat(10);
    let html = format!(
        r#"<body><div id="top"><a href="/">Главная</a><a href="/1">Раздел</a><a href="/2">Ещё раздел</a></div>
            <div id="page"><div id="left"><a href="/x">Ссылка один</a><br><a href="/y">Ссылка два</a></div>
            <div id="text"><p>{long}</p><p>{long}</p></div></div>
            <div id="bottom">Адрес: ул. Ленина, 1</div></body>"#
    );
    let text = text_of(&html);
    assert!(text.starts_with("Участники"), "{text}");
    assert!(
        !text.contains("Адрес") && !text.contains("Ссылка"),
        "{text}"
    );
}

#[test]
fn deep_nesting_is_flattened_with_a_warning() {
    let html = format!("{}текст{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
    let mut warnings = Vec::new();
    let text = html_to_text(&html, &Limits::default(), &mut warnings);
    assert_eq!(text.trim(), "текст");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}
