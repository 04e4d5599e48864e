//! Bounds the nesting of HTML markup before it reaches the parser.
//!
//! html5ever checks the stack of open elements for scope at many start tags, so its time grows
//! with the square of the nesting depth (100,000 nested `<div>` took 21 s). One linear pass over
//! the markup counts the elements that need an end tag and drops the tags past the depth limit,
//! keeping their text: the parser never sees a stack deeper than the limit.

/// Elements whose end tag may be omitted, or that are always closed by the parser: they are
/// not counted (a page of unclosed `<li>` or `<p>` is not deep).
const NOT_COUNTED: &[&str] = &[
    "html", "head", "body", "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot",
    "option", "optgroup", "colgroup", "caption", "rb", "rt", "rp", "rtc",
];

/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// The markup with the tags nested deeper than `max_depth` replaced by spaces, and the deepest
/// nesting seen; `None` when nothing was that deep (the markup is used as it is).
pub(crate) fn flatten_deep(html: &str, max_depth: usize) -> Option<(String, usize)> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `html` up to here are in `out` (once something was dropped).
    let mut copied = 0;
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(offset) = memchr(b'<', &bytes[at..]) {
        let start = at + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            at = find(&bytes[start + 4..], b"-->").map_or(bytes.len(), |end| start + 4 + end + 3);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            at = start + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = memchr(b'>', &bytes[name_start..]).map_or(bytes.len(), |gt| name_start + gt + 1);
        at = end;
        if NOT_COUNTED.contains(&name.as_str()) || VOID.contains(&name.as_str()) {
            continue;
        }
        if !closing && RAW_TEXT.contains(&name.as_str()) {
            // Skip the raw text: a `<div>` inside a script is no element.
            let closing_tag = format!("</{name}");
            at = find_ignore_case(&bytes[end..], closing_tag.as_bytes())
                .map_or(bytes.len(), |found| end + found);
            continue;
        }
        let self_closing = !closing && bytes[..end].ends_with(b"/>");
        if self_closing {
            continue;
        }
        let drop = if closing {
            let dropped = depth > max_depth;
            depth = depth.saturating_sub(1);
            dropped
        } else {
            depth += 1;
            deepest = deepest.max(depth);
            depth > max_depth
        };
        if drop {
            let text = out.get_or_insert_with(|| String::with_capacity(html.len()));
            text.push_str(&html[copied..start]);
            text.push(' ');
            copied = end;
        }
    }
    let mut text = out?;
    text.push_str(&html[copied..]);
    Some((text, deepest))
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&byte| byte == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_markup_is_left_alone() {
        let html = "<div><p>a<p>b<ul><li>c<li>d</ul><script>'<div>'</script><br></div>";
        assert_eq!(flatten_deep(html, 2), None);
    }

    #[test]
    fn tags_past_the_limit_become_spaces_and_text_stays() {
        let html = "<div><div><div><b>x</b></div></div></div>y";
        let (flat, deepest) = flatten_deep(html, 2).unwrap();
        assert_eq!(flat, "<div><div>  x  </div></div>y");
        assert_eq!(deepest, 4);
    }
}
