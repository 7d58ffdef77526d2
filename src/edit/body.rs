//! A new item's body from given text: the lead paragraph, sections by heading and acceptance
//! criteria replace the template's parts, and the rest of the template stays as written.

use super::create::BodyText;
use super::refusal::Refusal;

/// The longest heading accepted: a heading is a title, not text.
const MAX_HEADING_CHARS: usize = 200;

/// The heading the criteria are written under.
const CRITERIA_HEADING: &str = "Acceptance criteria";

/// One part of a body: the text before the first heading (`key` empty), or a section from its
/// heading line to the next heading.
struct Part {
    key: String,
    text: String,
}

/// `text` (a whole item file) with its body rewritten from `body`; unchanged when `body` is empty.
pub fn write(text: &str, body: &BodyText) -> Result<String, Refusal> {
    if body.is_empty() {
        return Ok(text.to_string());
    }
    let split = crate::parse::frontmatter::split(text)
        .map_err(|_| Refusal::Body("the template has no frontmatter block".into()))?;
    let head = &text[..text.len() - split.body.len()];
    let mut parts = parts(split.body);
    if let Some(lead) = body.lead {
        let lead = lead.trim();
        match parts.first_mut() {
            Some(first) if first.key.is_empty() => first.text = lead.to_string(),
            _ => parts.insert(
                0,
                Part {
                    key: String::new(),
                    text: lead.to_string(),
                },
            ),
        }
    }
    let mut sections: Vec<(&str, String)> = body
        .sections
        .iter()
        .map(|(h, t)| (h.as_str(), t.trim().to_string()))
        .collect();
    if !body.criteria.is_empty() {
        if sections
            .iter()
            .any(|(h, _)| key(h) == key(CRITERIA_HEADING))
        {
            return Err(Refusal::Body(
                "acceptance criteria are given twice: as criteria and as a section".into(),
            ));
        }
        let lines: Vec<String> = body
            .criteria
            .iter()
            // One criterion is one list item: line breaks inside it become spaces.
            .map(|c| {
                format!(
                    "- [ ] {}",
                    c.split_whitespace().collect::<Vec<_>>().join(" ")
                )
            })
            .collect();
        sections.push((CRITERIA_HEADING, lines.join("\n")));
    }
    for (heading, content) in sections {
        let heading = checked_heading(heading)?;
        let wanted = key(heading);
        match parts
            .iter_mut()
            .find(|p| !p.key.is_empty() && p.key == wanted)
        {
            // The template's heading line stays as the template writes it.
            Some(part) => {
                let line = part.text.lines().next().unwrap_or_default().trim_end();
                part.text = format!("{line}\n{content}");
            }
            None => parts.push(Part {
                key: wanted,
                text: format!("## {heading}\n{content}"),
            }),
        }
    }
    let joined: Vec<&str> = parts
        .iter()
        .map(|p| p.text.trim_end())
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(head);
    out.push_str(&joined.join("\n\n"));
    out.push('\n');
    Ok(out)
}

/// A heading as it may be written: one line of text, without control characters.
fn checked_heading(heading: &str) -> Result<&str, Refusal> {
    let trimmed = heading.trim().trim_start_matches('#').trim();
    if trimmed.is_empty() {
        return Err(Refusal::Body("a section heading is empty".into()));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Refusal::Body(
            "a section heading holds a line break or a control character".into(),
        ));
    }
    if trimmed.chars().count() > MAX_HEADING_CHARS {
        return Err(Refusal::Body(format!(
            "a section heading is longer than {MAX_HEADING_CHARS} characters"
        )));
    }
    Ok(trimmed)
}

/// What makes two headings the same section: case, spaces around and a final `:` do not matter.
fn key(heading: &str) -> String {
    heading
        .trim()
        .trim_start_matches('#')
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_lowercase()
}

/// The body cut at ATX headings outside code fences.
fn parts(body: &str) -> Vec<Part> {
    let mut parts = vec![Part {
        key: String::new(),
        text: String::new(),
    }];
    let mut fence: Option<&str> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (Some(open), Some(m)) if open == m => fence = None,
            (None, Some(m)) => fence = Some(m),
            _ => {}
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        let is_heading = fence.is_none()
            && marker.is_none()
            && (1..=6).contains(&hashes)
            && line[hashes..].starts_with([' ', '\t', '\n', '\r']);
        if is_heading {
            parts.push(Part {
                key: key(line),
                text: String::new(),
            });
        }
        if let Some(last) = parts.last_mut() {
            last.text.push_str(line);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEATURE: &str = "---\nid: F-1\ntype: feature\ntitle: T\n---\n## Benefit hypothesis\n[The benefit.]\n\n## Acceptance criteria\n- [ ] Given [a context]\n";

    #[test]
    fn sections_replace_the_templates_and_others_are_added() {
        let sections = vec![
            (
                "benefit hypothesis:".to_string(),
                "Calls drop by 30 %.".to_string(),
            ),
            ("Notes".to_string(), "Ask legal.\n".to_string()),
        ];
        let criteria = vec!["Given a user\nwhen they ask, then it works".to_string()];
        let body = BodyText {
            lead: Some("Lead text."),
            sections: &sections,
            criteria: &criteria,
        };
        assert_eq!(
            write(FEATURE, &body).unwrap(),
            "---\nid: F-1\ntype: feature\ntitle: T\n---\nLead text.\n\n## Benefit hypothesis\nCalls drop by 30 %.\n\n## Acceptance criteria\n- [ ] Given a user when they ask, then it works\n\n## Notes\nAsk legal.\n"
        );
    }

    #[test]
    fn nothing_given_leaves_the_template_as_it_is() {
        assert_eq!(write(FEATURE, &BodyText::default()).unwrap(), FEATURE);
    }

    #[test]
    fn a_heading_cannot_hold_a_line_break_and_criteria_come_once() {
        let sections = vec![("A\n---\nid: X".to_string(), "x".to_string())];
        let body = BodyText {
            sections: &sections,
            ..BodyText::default()
        };
        assert_eq!(
            write(FEATURE, &body).unwrap_err().to_string(),
            "a section heading holds a line break or a control character"
        );
        let sections = vec![("Acceptance Criteria".to_string(), "- [ ] a".to_string())];
        let criteria = vec!["b".to_string()];
        let body = BodyText {
            sections: &sections,
            criteria: &criteria,
            ..BodyText::default()
        };
        assert_eq!(
            write(FEATURE, &body).unwrap_err().to_string(),
            "acceptance criteria are given twice: as criteria and as a section"
        );
    }

    #[test]
    fn headings_inside_code_fences_are_text() {
        let text = "---\nid: S-1\n---\nAs a user.\n\n```\n## not a heading\n```\n\n## Acceptance criteria\n- [ ] old\n";
        let criteria = vec!["new".to_string()];
        let body = BodyText {
            criteria: &criteria,
            ..BodyText::default()
        };
        assert_eq!(
            write(text, &body).unwrap(),
            "---\nid: S-1\n---\nAs a user.\n\n```\n## not a heading\n```\n\n## Acceptance criteria\n- [ ] new\n"
        );
    }
}
