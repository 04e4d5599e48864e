//! HTML escaping for texts put into highlights.

/// Escapes `&`, `<`, `>`, `"` and `'` so a text can be placed in HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    // The five characters are ASCII: copy the runs between them whole.
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_neutralised() {
        assert_eq!(
            super::escape_html("<script>alert('x')</script> & «ок»"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; «ок»"
        );
    }
}
