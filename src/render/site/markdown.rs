//! An item's markdown body as HTML for the site, safe to put in a page as it is: raw HTML in the
//! body (blocks and inline tags) is shown as text, links keep only http, https or relative targets
//! and images only relative ones (the site loads nothing from another host). Anything refused
//! keeps its text: a refused link is its words, a refused image its alt text.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// The markdown extensions the site shows, the ones popm's own reading of a body knows.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
}

/// `body` as HTML. Every text is escaped by pulldown-cmark's writer; this adds the refusals above.
/// The same body always gives the same bytes.
pub fn to_html(body: &str) -> String {
    // Links cannot nest, but an image can sit inside a link: one stack per tag says whether the
    // opening tag was kept, so its closing tag is kept or dropped with it.
    let mut links: Vec<bool> = Vec::new();
    let mut images: Vec<bool> = Vec::new();
    let events = Parser::new_ext(body, options()).filter_map(|event| match event {
        // An HTML block becomes a paragraph of its lines as text; inline HTML becomes text.
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let keep = link_target_allowed(dest_url);
            links.push(keep);
            keep.then_some(event)
        }
        Event::End(TagEnd::Link) => links.pop().unwrap_or(false).then_some(event),
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let keep = image_source_allowed(dest_url);
            images.push(keep);
            keep.then_some(event)
        }
        Event::End(TagEnd::Image) => images.pop().unwrap_or(false).then_some(event),
        other => Some(other),
    });
    let mut out = String::with_capacity(body.len() + body.len() / 2);
    html::push_html(&mut out, events);
    out
}

/// A link may go to an http or https address, or to a relative one.
pub fn link_target_allowed(target: &CowStr) -> bool {
    let target = as_browser_reads(target);
    match scheme(&target) {
        Some(s) => s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"),
        None => !target.starts_with("//"),
    }
}

/// An image may come only from a relative address: one from another host would be a request the
/// offline site must not make.
pub fn image_source_allowed(source: &CowStr) -> bool {
    let source = as_browser_reads(source);
    scheme(&source).is_none() && !source.starts_with("//")
}

/// The target as a browser's URL parser sees it before it looks for a scheme or a host: leading
/// control characters and spaces dropped, tabs and line breaks removed anywhere, and a backslash
/// read as a slash. So `/\host` and `/<tab>/host` are recognized as the `//host` they become.
fn as_browser_reads(target: &str) -> String {
    target
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect()
}

/// The scheme of an address: the text before a `:` that comes before any `/`, `?` or `#`. Any
/// text there counts, even one that is not a valid scheme, so nothing odd slips through as
/// "relative".
fn scheme(target: &str) -> Option<&str> {
    let end = target.find([':', '/', '?', '#'])?;
    target[end..].starts_with(':').then(|| &target[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_markdown_is_rendered() {
        let html = to_html("## Benefit\n\nFaster *checks*.\n\n- [x] one\n- [ ] two\n");
        assert_eq!(
            html,
            "<h2>Benefit</h2>\n<p>Faster <em>checks</em>.</p>\n<ul>\n\
             <li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\none</li>\n\
             <li><input disabled=\"\" type=\"checkbox\"/>\ntwo</li>\n</ul>\n"
        );
    }

    #[test]
    fn an_html_block_is_shown_as_text() {
        let html = to_html("<script>alert(1)</script>\n\nafter\n");
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n<p>after</p>\n"
        );
    }

    #[test]
    fn a_multi_line_html_block_keeps_every_line_as_text() {
        let html = to_html("<div onclick=\"x()\">\n<img src=x onerror=alert(1)>\n</div>\n");
        assert_eq!(
            html,
            "<p>&lt;div onclick=\"x()\"&gt;\n&lt;img src=x onerror=alert(1)&gt;\n\
             &lt;/div&gt;\n</p>\n"
        );
    }

    #[test]
    fn inline_html_is_shown_as_text() {
        let html = to_html("a <b onmouseover=\"x()\">bold</b> word\n");
        assert_eq!(
            html,
            "<p>a &lt;b onmouseover=\"x()\"&gt;bold&lt;/b&gt; word</p>\n"
        );
    }

    #[test]
    fn links_to_http_https_and_relative_targets_are_kept() {
        let html = to_html(
            "[a](https://example.com/x?y=1&z=2) [b](http://e.org) [c](../F-2.md) [d](#top)\n",
        );
        assert_eq!(
            html,
            "<p><a href=\"https://example.com/x?y=1&amp;z=2\">a</a> <a href=\"http://e.org\">b</a> \
             <a href=\"../F-2.md\">c</a> <a href=\"#top\">d</a></p>\n"
        );
    }

    #[test]
    fn links_with_other_schemes_become_their_text() {
        for target in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "jav&#x09;ascript:alert(1)",
            "data:text/html,<script>x</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "mailto:a@b.c",
        ] {
            let html = to_html(&format!("see [click me]({target}) now\n"));
            assert_eq!(html, "<p>see click me now</p>\n", "{target}");
        }
    }

    #[test]
    fn an_autolink_with_another_scheme_becomes_its_text() {
        assert_eq!(
            to_html("<javascript:alert(1)>\n"),
            "<p>javascript:alert(1)</p>\n"
        );
    }

    #[test]
    fn protocol_relative_links_are_refused_in_every_spelling() {
        for target in [
            "//evil.example",
            "\\\\\\\\evil.example",
            "/\\evil.example",
            "<\t//evil.example>",
        ] {
            let html = to_html(&format!("[x]({target})\n"));
            assert_eq!(html, "<p>x</p>\n", "{target}");
        }
    }

    #[test]
    fn a_reference_link_with_a_bad_target_is_refused_too() {
        let html = to_html("[go][r]\n\n[r]: javascript:alert(1)\n");
        assert_eq!(html, "<p>go</p>\n");
    }

    #[test]
    fn images_only_from_relative_sources_others_become_their_alt_text() {
        assert_eq!(
            to_html("![plan](img/plan.png)\n"),
            "<p><img src=\"img/plan.png\" alt=\"plan\" /></p>\n"
        );
        for source in [
            "https://tracker.example/pixel.gif",
            "http://x/y.png",
            "//x/y.png",
            "data:image/png;base64,AAAA",
        ] {
            assert_eq!(
                to_html(&format!("![the plan]({source})\n")),
                "<p>the plan</p>\n",
                "{source}"
            );
        }
    }

    #[test]
    fn an_image_inside_a_link_is_judged_on_its_own() {
        assert_eq!(
            to_html("[![logo](https://x/logo.png)](https://x/)\n"),
            "<p><a href=\"https://x/\">logo</a></p>\n"
        );
        assert_eq!(
            to_html("[![logo](logo.png)](javascript:x)\n"),
            "<p><img src=\"logo.png\" alt=\"logo\" /></p>\n"
        );
    }

    #[test]
    fn a_link_title_and_code_are_escaped() {
        assert_eq!(
            to_html("[a](x.html \"t\\\"><script>\") `<b>`\n"),
            "<p><a href=\"x.html\" title=\"t&quot;&gt;&lt;script&gt;\">a</a> <code>&lt;b&gt;</code></p>\n"
        );
    }

    #[test]
    fn tables_and_strikethrough_are_rendered_with_html_inside_as_text() {
        let body = "# T\n\n| a | b |\n|---|---|\n| 1 | <i>2</i> |\n\n~~old~~ [x](y)\n";
        assert_eq!(
            to_html(body),
            "<h1>T</h1>\n<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n\
             <tr><td>1</td><td>&lt;i&gt;2&lt;/i&gt;</td></tr>\n</tbody></table>\n\
             <p><del>old</del> <a href=\"y\">x</a></p>\n"
        );
    }
}
