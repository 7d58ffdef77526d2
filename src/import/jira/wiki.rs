//! Jira's wiki markup as markdown: what a description needs to read well in popm and to give popm
//! its sections. Headings (`h2. Title`), bullet and numbered lists (`*`, `-`, `#`, nested `**`,
//! `#*`), code and preformatted blocks (`{code}`, `{noformat}`), monospace (`{{x}}`) and links
//! (`[text|url]`). Anything else is kept as written. Inside an "Acceptance criteria" section,
//! bullets become checkboxes, which is what popm counts as criteria.

/// The markdown of a wiki-markup text, with LF line breaks and no trailing blank lines.
pub fn to_markdown(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_code = false;
    let mut in_criteria = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if in_code {
            if trimmed.starts_with("{code}") || trimmed.starts_with("{noformat}") {
                out.push_str("```\n");
                in_code = false;
            } else {
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        if let Some(language) = code_start(trimmed) {
            out.push_str("```");
            out.push_str(language);
            out.push('\n');
            in_code = true;
            continue;
        }
        // Many teams write the criteria's title in bold rather than as a heading.
        let bold = trimmed
            .strip_prefix('*')
            .and_then(|t| t.trim_end().strip_suffix('*'))
            .filter(|t| is_criteria_heading(t));
        if let Some(title) = bold {
            in_criteria = true;
            out.push_str("## ");
            out.push_str(title.trim().trim_end_matches(':'));
            out.push('\n');
            continue;
        }
        if let Some((level, title)) = heading(trimmed) {
            in_criteria = is_criteria_heading(title);
            out.push_str(&"#".repeat(level));
            out.push(' ');
            out.push_str(&inline(title));
            out.push('\n');
            continue;
        }
        if let Some((markers, rest)) = list_item(trimmed) {
            let depth = markers.len();
            let numbered = markers.ends_with('#');
            let indent = markers
                .chars()
                .take(depth - 1)
                .map(|m| if m == '#' { "   " } else { "  " })
                .collect::<String>();
            out.push_str(&indent);
            let rest = inline(rest);
            if numbered {
                out.push_str("1. ");
            } else if in_criteria && depth == 1 && !has_checkbox(&rest) {
                out.push_str("- [ ] ");
            } else {
                out.push_str("- ");
            }
            out.push_str(&rest);
            out.push('\n');
            continue;
        }
        out.push_str(&inline(line));
        out.push('\n');
    }
    if in_code {
        out.push_str("```\n");
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out
}

/// Whether a heading names the acceptance criteria (`Acceptance criteria`, `Acceptance Criteria:`).
pub fn is_criteria_heading(title: &str) -> bool {
    title
        .trim()
        .trim_end_matches(':')
        .trim()
        .eq_ignore_ascii_case("acceptance criteria")
}

fn has_checkbox(text: &str) -> bool {
    ["[ ] ", "[x] ", "[X] "].iter().any(|b| text.starts_with(b))
}

/// `{code}`, `{code:java}`, `{code:title=A.java|borderStyle=solid}`, `{noformat}`: the language
/// for the fence, when the block starts here and does not end on the same line.
fn code_start(line: &str) -> Option<&str> {
    if line == "{noformat}" {
        return Some("");
    }
    let rest = line.strip_prefix("{code")?;
    let close = rest.find('}')?;
    if !rest[close + 1..].trim().is_empty() {
        return None;
    }
    let params = rest[..close].trim_start_matches(':');
    let language = params.split('|').next().unwrap_or("");
    if language.contains('=') || !language.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some("");
    }
    Some(language)
}

/// `h1. Title` .. `h6. Title`.
fn heading(line: &str) -> Option<(usize, &str)> {
    let bytes = line.as_bytes();
    if bytes.len() < 4 || bytes[0] != b'h' || bytes[2] != b'.' {
        return None;
    }
    let level = (bytes[1] as char).to_digit(10)? as usize;
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[3..];
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some((level, rest.trim()))
}

/// A list item: markers (`*`, `#`, `-`, or nested `**`, `#*`), then a space, then the text.
fn list_item(line: &str) -> Option<(&str, &str)> {
    let end = line.find(|c: char| !matches!(c, '*' | '#' | '-'))?;
    let markers = &line[..end];
    let rest = &line[end..];
    if markers.is_empty() || !rest.starts_with([' ', '\t']) || rest.trim().is_empty() {
        return None;
    }
    // `-` only as a single marker (`--` is an en dash, `----` a rule).
    if markers.contains('-') && markers != "-" {
        return None;
    }
    Some((markers, rest.trim_start()))
}

/// Monospace and links within a line.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("{{")
            && let Some(end) = after.find("}}")
        {
            out.push('`');
            out.push_str(&after[..end]);
            out.push('`');
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('[')
            && let Some(end) = after.find(']')
            && let Some(link) = link(&after[..end])
        {
            out.push_str(&link);
            rest = &after[end + 1..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// `text|url` as `[text](url)`, a bare `url` as `<url>`; `None` for anything else in brackets.
fn link(inside: &str) -> Option<String> {
    let is_url = |u: &str| {
        (u.starts_with("http://") || u.starts_with("https://") || u.starts_with("mailto:"))
            && !u.contains(char::is_whitespace)
    };
    match inside.split_once('|') {
        Some((text, url)) if is_url(url.trim()) => Some(format!("[{text}]({})", url.trim())),
        None if is_url(inside.trim()) => Some(format!("<{}>", inside.trim())),
        _ => None,
    }
}

/// Markdown as Jira's wiki markup, for `popm export --format jira-csv`: the inverse of
/// [`to_markdown`] for what it produces (headings, lists, checkboxes, code fences, monospace and
/// links are kept as they are read back).
pub fn from_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            let language = trimmed.trim_start_matches('`').trim();
            let named = !language.is_empty() && language.chars().all(|c| c.is_ascii_alphanumeric());
            if !in_code && named {
                out.push_str(&format!("{{code:{language}}}"));
            } else {
                out.push_str("{code}");
            }
            out.push('\n');
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') && line == trimmed {
            out.push_str(&format!("h{hashes}. {}\n", trimmed[hashes..].trim()));
            continue;
        }
        let indent = line.len() - trimmed.len();
        let bullet = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .or_else(|| trimmed.strip_prefix("+ "));
        let numbered = trimmed
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            .map(|(_, rest)| rest);
        let marker = if bullet.is_some() { '*' } else { '#' };
        if let Some(rest) = bullet.or(numbered) {
            let depth = indent / 2 + 1;
            out.push_str(&marker.to_string().repeat(depth));
            out.push(' ');
            out.push_str(rest.trim_start_matches("[ ] "));
            out.push('\n');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_to_wiki_and_back() {
        let md = "# Goal\nPay `now`.\n\n- one\n  - nested\n1. first\n```rust\n- code\n```\n\
                  ## Acceptance criteria\n- [ ] works\n- [x] done";
        let wiki = from_markdown(md);
        assert_eq!(
            wiki,
            "h1. Goal\nPay `now`.\n\n* one\n** nested\n# first\n{code:rust}\n- code\n{code}\n\
             h2. Acceptance criteria\n* works\n* [x] done"
        );
        assert_eq!(
            to_markdown(&wiki),
            "# Goal\nPay `now`.\n\n- one\n  - nested\n1. first\n```rust\n- code\n```\n\
             ## Acceptance criteria\n- [ ] works\n- [x] done"
        );
    }

    #[test]
    fn headings_lists_code_and_links() {
        let wiki = "h1. Goal\r\nLet {{shoppers}} pay, see [the spec|https://x.test/spec].\r\n\r\n\
                    * one\r\n** nested\r\n# first\r\n#* mixed\r\n- dash\r\n----\r\n*bold* start\r\n\
                    {code:java}\r\n* not a list\r\n{code}\r\nh2. Acceptance Criteria\r\n* works\r\n\
                    ** detail\r\n# numbered\r\n\r\n";
        assert_eq!(
            to_markdown(wiki),
            "# Goal\nLet `shoppers` pay, see [the spec](https://x.test/spec).\n\n\
             - one\n  - nested\n1. first\n   - mixed\n- dash\n----\n*bold* start\n\
             ```java\n* not a list\n```\n## Acceptance Criteria\n- [ ] works\n  - detail\n\
             1. numbered"
        );
    }

    #[test]
    fn a_bold_criteria_title_is_the_criteria_heading() {
        assert_eq!(
            to_markdown("Pay.\n*Acceptance Criteria:*\n* works\n*bold* text"),
            "Pay.\n## Acceptance Criteria\n- [ ] works\n*bold* text"
        );
    }

    #[test]
    fn an_unclosed_code_block_is_closed() {
        assert_eq!(to_markdown("{noformat}\nh1. x"), "```\nh1. x\n```");
    }

    #[test]
    fn not_headings() {
        assert_eq!(to_markdown("h7. x\nh1.x\nhello"), "h7. x\nh1.x\nhello");
    }
}
