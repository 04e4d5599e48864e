//! HTML escaping for texts put into highlights.

/// Escapes `&`, `<`, `>`, `"` and `'` so a text can be placed in HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
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
