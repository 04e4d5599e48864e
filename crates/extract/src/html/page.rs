//! Reading a parsed page: furniture marked, the main container chosen, its text rendered.

use crate::Limits;
use crate::layout::TextBuilder;

use super::tree::{Node, NodeId, NodeKind};

/// Elements that are never page content.
const REMOVED_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "aside", "form", "button", "select",
    "option", "input", "textarea", "label", "iframe", "svg", "math", "canvas", "object", "embed",
    "video", "audio", "map", "menu", "dialog", "time",
];

/// Page-level only: a header or footer inside an article is the article's own.
const PAGE_LEVEL_TAGS: &[&str] = &["header", "footer"];

/// Words in a class or id that mark furniture.
const FURNITURE_WORDS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "likes",
    "like",
    "subscribe",
    "subscription",
    "rss",
    "comment",
    "comments",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "sidebar",
    "widget",
    "menu",
    "navbar",
    "nav",
    "banner",
    "advert",
    "ads",
    "cookie",
    "cookies",
    "popup",
    "modal",
    "print",
    "tags",
    "date",
    "posted",
    "published",
    "pubdate",
    "views",
    "counter",
    "footer",
    "header",
    "toolbar",
    "related",
    "author",
    "byline",
    "meta",
];

/// ARIA roles of furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
    "dialog",
];

/// Blocks that become paragraphs.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "address",
    "figure",
    "figcaption",
    "hr",
    "center",
    "fieldset",
    "details",
    "summary",
    "dl",
    "ul",
    "ol",
    "table",
    "caption",
    "body",
    "html",
];

/// Short texts that are widgets, not content (compared lowercased, after trimming).
const FURNITURE_PREFIXES: &[&str] = &[
    "подписаться",
    "подпишитесь",
    "rss",
    "поделиться",
    "поделитесь",
    "комментарии",
    "комментариев",
    "оставить комментарий",
    "добавить комментарий",
    "просмотров",
    "просмотры",
    "версия для печати",
    "распечатать",
    "опубликовано",
    "дата публикации",
    "дата размещения",
    "размещено",
    "нравится",
    "читать далее",
    "назад к списку",
    "вернуться к списку",
    "теги:",
    "метки:",
];

/// Longest text a furniture block may have; anything longer is content.
const FURNITURE_MAX_CHARS: usize = 80;

pub(super) struct Page {
    nodes: Vec<Node>,
    removed: Vec<bool>,
    /// Characters of text outside links in each subtree (furniture excluded).
    text_chars: Vec<usize>,
    /// Element nesting depth of each node from the document root.
    depth: Vec<usize>,
}

impl Page {
    pub(super) fn new(nodes: Vec<Node>) -> Self {
        let count = nodes.len();
        let mut page = Page {
            nodes,
            removed: vec![false; count],
            text_chars: vec![0; count],
            depth: vec![0; count],
        };
        for (id, depth) in page.preorder(0) {
            page.depth[id] = depth;
        }
        page.mark_tags();
        page.count_text();
        page.mark_furniture_by_name();
        page.count_text();
        page
    }

    fn tag(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].kind {
            NodeKind::Element { name, .. } => Some(&name.local),
            _ => None,
        }
    }

    fn attr(&self, id: NodeId, wanted: &str) -> Option<&str> {
        match &self.nodes[id].kind {
            NodeKind::Element { attrs, .. } => attrs
                .iter()
                .find(|attribute| &*attribute.name.local == wanted)
                .map(|attribute| &*attribute.value),
            _ => None,
        }
    }

    /// Node ids in document order (pre-order), with their element depth; iterative.
    fn preorder(&self, root: NodeId) -> Vec<(NodeId, usize)> {
        let mut order = Vec::new();
        let mut stack = vec![(root, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            order.push((id, depth));
            for &child in self.nodes[id].children.iter().rev() {
                stack.push((child, depth + 1));
            }
        }
        order
    }

    fn mark_tags(&mut self) {
        let order = self.preorder(0);
        let mut inside_article = vec![false; self.nodes.len()];
        for &(id, _) in &order {
            let parent_removed = self.nodes[id]
                .parent
                .is_some_and(|parent| self.removed[parent]);
            let parent_in_article = self.nodes[id]
                .parent
                .is_some_and(|parent| inside_article[parent]);
            let tag = self.tag(id).unwrap_or("");
            let role = self.attr(id, "role").unwrap_or("").to_ascii_lowercase();
            inside_article[id] = parent_in_article || matches!(tag, "article" | "main");
            self.removed[id] = parent_removed
                || REMOVED_TAGS.contains(&tag)
                || (PAGE_LEVEL_TAGS.contains(&tag) && !parent_in_article)
                || FURNITURE_ROLES.contains(&role.as_str())
                || self.attr(id, "hidden").is_some()
                || self
                    .attr(id, "aria-hidden")
                    .is_some_and(|value| value == "true");
        }
    }

    fn count_text(&mut self) {
        let order = self.preorder(0);
        self.text_chars.iter_mut().for_each(|count| *count = 0);
        for &(id, _) in order.iter().rev() {
            if self.removed[id] {
                self.text_chars[id] = 0;
                continue;
            }
            let own = match &self.nodes[id].kind {
                NodeKind::Text(text) => text.chars().filter(|ch| !ch.is_whitespace()).count(),
                _ => 0,
            };
            let children: usize = if self.tag(id) == Some("a") {
                // Link text counts for little: menus and tag clouds are all links.
                self.nodes[id]
                    .children
                    .iter()
                    .map(|&child| self.text_chars[child])
                    .sum::<usize>()
                    / 8
            } else {
                self.nodes[id]
                    .children
                    .iter()
                    .map(|&child| self.text_chars[child])
                    .sum()
            };
            self.text_chars[id] = own + children;
        }
    }

    fn mark_furniture_by_name(&mut self) {
        let total = self.text_chars[0].max(1);
        let order = self.preorder(0);
        for &(id, _) in &order {
            if self.removed[id] {
                continue;
            }
            if self.nodes[id]
                .parent
                .is_some_and(|parent| self.removed[parent])
            {
                self.removed[id] = true;
                continue;
            }
            if matches!(
                self.tag(id),
                Some("html" | "body" | "main" | "article") | None
            ) {
                continue;
            }
            let named_as_furniture = ["class", "id"].iter().any(|attribute| {
                self.attr(id, attribute).is_some_and(|value| {
                    value.split_whitespace().any(|token| {
                        token
                            .to_ascii_lowercase()
                            .split(['-', '_'])
                            .any(|word| FURNITURE_WORDS.contains(&word))
                    })
                })
            });
            // A wrapper that holds much of the page is never furniture, whatever its name.
            if named_as_furniture && self.text_chars[id] * 5 < total * 2 {
                self.removed[id] = true;
            }
        }
    }

    /// The element whose subtree is the main content.
    fn main_container(&self) -> NodeId {
        let order = self.preorder(0);
        let body = order
            .iter()
            .map(|&(id, _)| id)
            .find(|&id| self.tag(id) == Some("body"))
            .unwrap_or(0);
        let total = self.text_chars[body];
        let marked = order
            .iter()
            .map(|&(id, _)| id)
            .filter(|&id| {
                !self.removed[id]
                    && (matches!(self.tag(id), Some("article" | "main"))
                        || self
                            .attr(id, "role")
                            .is_some_and(|role| role.eq_ignore_ascii_case("main")))
            })
            .max_by_key(|&id| self.text_chars[id]);
        if let Some(id) = marked
            && self.text_chars[id] * 4 >= total
            && self.text_chars[id] > 0
        {
            return id;
        }
        // Walk down while one child holds most of the text.
        let mut current = body;
        loop {
            let best = self.nodes[current]
                .children
                .iter()
                .copied()
                .filter(|&child| !self.removed[child] && self.tag(child).is_some())
                .max_by_key(|&child| self.text_chars[child]);
            match best {
                Some(child)
                    if self.text_chars[child] * 10 >= self.text_chars[current] * 7
                        && self.text_chars[child] > 0 =>
                {
                    current = child;
                }
                _ => return current,
            }
        }
    }

    pub(super) fn render(
        &self,
        limits: &Limits,
        deepest_in_markup: Option<usize>,
        warnings: &mut Vec<String>,
    ) -> String {
        let root = self.main_container();
        let mut out = TextBuilder::new();
        let mut flattened = false;
        // Explicit stack: (node, depth, entering?); deep pages cannot overflow the call stack.
        enum Step {
            Enter(NodeId),
            Leave(NodeId),
        }
        let mut stack = vec![Step::Enter(root)];
        // Whether the last thing written is a list label, so a block opening the item stays on its line.
        let mut after_label = false;
        let mut in_pre = 0usize;
        let mut in_list_item = 0usize;
        // Per open <ol>/<ul>: the next number, or None for bullets.
        let mut lists: Vec<Option<i64>> = Vec::new();
        while let Some(step) = stack.pop() {
            match step {
                Step::Enter(id) => {
                    let depth = self.depth[id];
                    if self.removed[id] {
                        continue;
                    }
                    match &self.nodes[id].kind {
                        NodeKind::Text(text) => {
                            if in_pre > 0 {
                                out.push_str(text);
                            } else {
                                out.push_collapsed(text);
                            }
                            after_label &= text.trim().is_empty();
                            continue;
                        }
                        NodeKind::Element { .. } => {}
                        _ => {
                            for &child in self.nodes[id].children.iter().rev() {
                                stack.push(Step::Enter(child));
                            }
                            continue;
                        }
                    }
                    if depth > limits.max_html_depth {
                        flattened = true;
                    } else if self.is_furniture_text(id) {
                        continue;
                    } else {
                        let tag = self.tag(id).unwrap_or("");
                        match tag {
                            "br" => out.line_break(),
                            "li" => {
                                out.line_break();
                                in_list_item += 1;
                                if let Some(label) = self.list_label(id, lists.last_mut()) {
                                    out.push_str(&label);
                                    out.push_char(' ');
                                    after_label = true;
                                }
                            }
                            "tr" => out.line_break(),
                            "td" | "th" if self.follows_a_cell(id) => out.push_char('\t'),
                            "ol" => {
                                let start = self
                                    .attr(id, "start")
                                    .and_then(|value| value.trim().parse().ok());
                                lists.push(Some(start.unwrap_or(1)));
                                out.paragraph_break();
                            }
                            "ul" => {
                                lists.push(None);
                                out.paragraph_break();
                            }
                            "pre" => {
                                in_pre += 1;
                                out.paragraph_break();
                            }
                            _ if BLOCK_TAGS.contains(&tag) => {
                                if in_list_item == 0 {
                                    out.paragraph_break();
                                } else if !after_label {
                                    out.line_break();
                                }
                            }
                            _ => {}
                        }
                        stack.push(Step::Leave(id));
                    }
                    for &child in self.nodes[id].children.iter().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                Step::Leave(id) => {
                    let tag = self.tag(id).unwrap_or("");
                    match tag {
                        "li" => {
                            in_list_item = in_list_item.saturating_sub(1);
                            out.line_break();
                        }
                        "tr" => out.line_break(),
                        "ol" | "ul" => {
                            lists.pop();
                            out.paragraph_break();
                        }
                        "pre" => {
                            in_pre = in_pre.saturating_sub(1);
                            out.paragraph_break();
                        }
                        _ if BLOCK_TAGS.contains(&tag) => {
                            if in_list_item > 0 {
                                out.line_break();
                            } else {
                                out.paragraph_break();
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        let deepest = self
            .depth
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(deepest_in_markup.unwrap_or(0));
        if flattened || deepest > limits.max_html_depth || deepest_in_markup.is_some() {
            warnings.push(format!(
                "html nests {deepest} levels deep, over the limit of {}; the structure below that depth was flattened",
                limits.max_html_depth
            ));
        }
        out.finish()
    }

    /// Whether a table cell has a cell before it in its row.
    fn follows_a_cell(&self, id: NodeId) -> bool {
        self.nodes[id].parent.is_some_and(|row| {
            self.nodes[row]
                .children
                .iter()
                .take_while(|&&cell| cell != id)
                .any(|&cell| !self.removed[cell] && matches!(self.tag(cell), Some("td" | "th")))
        })
    }

    /// The number or bullet a browser would show before this `<li>`, unless the text already
    /// starts with its own number.
    fn list_label(&self, id: NodeId, list: Option<&mut Option<i64>>) -> Option<String> {
        let list = list?;
        let Some(number) = list.as_mut() else {
            return Some("-".to_owned());
        };
        if let Some(value) = self
            .attr(id, "value")
            .and_then(|value| value.trim().parse().ok())
        {
            *number = value;
        }
        let current = *number;
        *number = number.saturating_add(1);
        let text = self.plain_text(id, 16);
        let already_numbered = text
            .trim_start()
            .split_once(['.', ')'])
            .is_some_and(|(head, _)| {
                !head.is_empty() && head.chars().all(|ch| ch.is_ascii_digit())
            });
        (!already_numbered).then(|| format!("{current}."))
    }

    /// Up to `limit` characters of the text of a subtree, furniture excluded.
    fn plain_text(&self, root: NodeId, limit: usize) -> String {
        let mut text = String::new();
        for (id, _) in self.preorder(root) {
            if self.removed[id]
                || self.nodes[id]
                    .parent
                    .is_some_and(|parent| self.removed[parent])
            {
                continue;
            }
            if let NodeKind::Text(part) = &self.nodes[id].kind {
                text.push_str(part);
                if text.len() > limit * 4 {
                    break;
                }
            }
        }
        text.chars().take(limit).collect()
    }

    /// A short block whose text is only a widget label («Подписаться», «Комментарии (3)»).
    fn is_furniture_text(&self, id: NodeId) -> bool {
        if !matches!(self.tag(id), Some(tag) if BLOCK_TAGS.contains(&tag) || matches!(tag, "li" | "span" | "a" | "small" | "td"))
        {
            return false;
        }
        if self.text_chars[id] > FURNITURE_MAX_CHARS {
            return false;
        }
        let text = self
            .plain_text(id, FURNITURE_MAX_CHARS * 2)
            .trim()
            .to_lowercase();
        if text.is_empty() {
            return false;
        }
        FURNITURE_PREFIXES
            .iter()
            .any(|prefix| text.starts_with(prefix))
            || is_comment_counter(&text)
    }
}

/// «12 комментариев», «3 комментария», «Комментариев: 5».
fn is_comment_counter(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    words.len() <= 3
        && words
            .iter()
            .any(|word| word.starts_with("комментари") || word.starts_with("просмотр"))
        && words
            .iter()
            .any(|word| word.chars().all(|ch| ch.is_ascii_digit()))
}
