//! Reads the frontmatter mapping into an [`Item`], checking each key's kind of value. A key with a
//! value of the wrong kind is reported and left unset, so the rest of the item is still checked.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::{
    EnablerKind, ID_PATTERN, Item, ItemType, Key, KeyResult, Milestone, Objective, PiFields,
    Spanned, Wsjf, did_you_mean, is_valid_id,
};
use crate::parse::yaml::{Node, Pos, Value};

/// Upper bound of points, estimates, capacity and WSJF inputs: far above any real backlog, far
/// below where sums could overflow.
pub const MAX_NUMBER: f64 = 1_000_000.0;
const MAX_WHOLE: i64 = 1_000_000;

const MILESTONE_KEYS: &[&str] = &["name", "date"];

const OBJECTIVE_KEYS: &[&str] = &[
    "team",
    "text",
    "business_value",
    "committed",
    "actual_value",
];

struct Reader<'a> {
    path: &'a str,
    offset: u32,
    diagnostics: Vec<Diagnostic>,
    /// Unknown keys seen so far: past [`MAX_UNKNOWN_KEYS`] they are only counted (no suggestion is
    /// computed for 100 000 of them).
    unknown_keys: usize,
}

impl Reader<'_> {
    fn pos(&self, node: &Node) -> Pos {
        Pos {
            line: node.pos.line.saturating_add(self.offset),
            column: node.pos.column,
        }
    }

    fn report(&mut self, rule: Rule, node: &Node, message: String) {
        let d = Diagnostic::new(rule, self.path, self.pos(node), message).width(scalar_width(node));
        self.diagnostics.push(d);
    }

    fn wrong(&mut self, key: &str, node: &Node, expected: &str) {
        let message = format!("`{key}` must be {expected}, found {}", node.value.kind());
        let mut d = Diagnostic::new(Rule::FieldType, self.path, self.pos(node), message)
            .width(scalar_width(node));
        if matches!(node.value, Value::Int(_) | Value::Float(_) | Value::Bool(_))
            && expected.contains("string")
        {
            d = d.help(format!("quote the value: {key}: \"...\""));
        }
        self.diagnostics.push(d);
    }

    /// A date that is not `YYYY-MM-DD`: say what is wrong with this one, and how to write it.
    fn not_a_date(&mut self, key: &str, node: &Node, text: &str) {
        let expected = format!("`{key}` must be a date written YYYY-MM-DD");
        let date_part = text
            .get(..10)
            .filter(|d| d.parse::<jiff::civil::Date>().is_ok());
        let parts: Vec<&str> = text.split('-').collect();
        let numeric = parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()));
        let (message, help) = match (&node.value, date_part) {
            (Value::Str(_), Some(date)) if text.len() > 10 => (
                format!("{expected}, found a date and time `{text}`"),
                Some(format!("write the date alone: {key}: {date}")),
            ),
            (Value::Str(_), _) if numeric => {
                let padded = format!("{:0>4}-{:0>2}-{:0>2}", parts[0], parts[1], parts[2]);
                if padded != text && padded.parse::<jiff::civil::Date>().is_ok() {
                    (
                        format!("{expected}, found `{text}`"),
                        Some(format!(
                            "write the month and day with two digits: {key}: {padded}"
                        )),
                    )
                } else {
                    (
                        format!("`{key}` must be a real date: `{text}` is not in the calendar"),
                        None,
                    )
                }
            }
            _ => {
                self.wrong(key, node, "a date written YYYY-MM-DD");
                return;
            }
        };
        let mut d = Diagnostic::new(Rule::FieldType, self.path, self.pos(node), message)
            .width(scalar_width(node));
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    /// A string, or nothing if the value is null or of another kind (reported).
    fn string(&mut self, key: &str, node: &Node) -> Option<Spanned<String>> {
        match &node.value {
            Value::Str(s) => Some(Spanned::new(s.clone(), self.pos(node))),
            Value::Null => None,
            _ => {
                self.wrong(key, node, "a string");
                None
            }
        }
    }

    /// Free text such as a title: any scalar is taken as written (`title: 2026` is a fine title).
    fn text(&mut self, key: &str, node: &Node) -> Option<Spanned<String>> {
        let s = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => return None,
            _ => {
                self.wrong(key, node, "text");
                return None;
            }
        };
        Some(Spanned::new(s, self.pos(node)))
    }

    /// An item id: a string without whitespace.
    fn id(&mut self, key: &str, node: &Node) -> Option<Spanned<String>> {
        let s = self.string(key, node)?;
        let trimmed = s.value.trim();
        if trimmed.is_empty() {
            return None;
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            self.report(
                Rule::FieldType,
                node,
                format!(
                    "`{key}` must be an id without spaces, found \"{}\"",
                    s.value
                ),
            );
            return None;
        }
        Some(Spanned::new(trimmed.to_string(), s.pos))
    }

    /// A whole number from `min` to `max`. The bounds keep every later sum and product far from
    /// overflow, and every allocation sized by a value (iterations) small.
    fn integer(&mut self, key: &str, node: &Node, min: i64, max: i64) -> Option<Spanned<i64>> {
        match &node.value {
            Value::Int(i) if (min..=max).contains(i) => Some(Spanned::new(*i, self.pos(node))),
            Value::Float(f) if f.fract() == 0.0 && *f >= min as f64 && *f <= max as f64 => {
                Some(Spanned::new(*f as i64, self.pos(node)))
            }
            Value::Null => None,
            Value::Int(_) | Value::Float(_) => {
                self.report(
                    Rule::FieldType,
                    node,
                    format!("`{key}` must be a whole number from {min} to {max}"),
                );
                None
            }
            _ => {
                self.wrong(key, node, &format!("a whole number from {min} to {max}"));
                None
            }
        }
    }

    /// Points, estimates, capacity, percents: a number from 0 to [`MAX_NUMBER`].
    fn number(&mut self, key: &str, node: &Node) -> Option<Spanned<f64>> {
        let value = match &node.value {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            Value::Null => return None,
            _ => {
                self.wrong(key, node, "a number");
                return None;
            }
        };
        if value.is_finite() && (0.0..=MAX_NUMBER).contains(&value) {
            Some(Spanned::new(value, self.pos(node)))
        } else {
            self.report(
                Rule::FieldType,
                node,
                format!("`{key}` must be a number from 0 to {MAX_NUMBER}"),
            );
            None
        }
    }

    /// A list of ids or names; a single string is taken as a list of one.
    fn list(&mut self, key: &str, node: &Node, ids: bool) -> Vec<Spanned<String>> {
        let one = |r: &mut Self, n: &Node| {
            if ids { r.id(key, n) } else { r.string(key, n) }
        };
        match &node.value {
            Value::Seq(items) => items.iter().filter_map(|n| one(self, n)).collect(),
            Value::Null => Vec::new(),
            Value::Str(_) => one(self, node).into_iter().collect(),
            _ => {
                self.wrong(key, node, "a list");
                Vec::new()
            }
        }
    }

    fn unknown_key(&mut self, key_node: &Node, key: &str, known: &[&str], context: &str) {
        let mut message = format!("unknown key `{key}`{context}");
        let mut d;
        self.unknown_keys += 1;
        let suggestion = if self.unknown_keys <= MAX_UNKNOWN_KEYS {
            did_you_mean(key, known)
        } else {
            None
        };
        if let Some(s) = suggestion {
            message.push_str(&format!(" (did you mean `{s}`?)"));
            d = Diagnostic::new(Rule::FieldUnknown, self.path, self.pos(key_node), message);
            d = d.help(format!("rename it to `{s}`"));
        } else {
            d = Diagnostic::new(Rule::FieldUnknown, self.path, self.pos(key_node), message);
        }
        self.diagnostics.push(d.width(key.chars().count()));
    }
}

/// Underline the whole of a short scalar; collections get a caret at their start.
fn scalar_width(node: &Node) -> usize {
    match &node.value {
        Value::Str(s) if !s.contains('\n') => s.chars().count(),
        Value::Int(i) => i.to_string().len(),
        Value::Bool(b) => b.to_string().len(),
        _ => 1,
    }
}

/// Builds the item. `root` is `None` for an empty frontmatter block. `offset` turns lines inside the
/// YAML into lines of the file.
pub fn from_yaml(path: &str, root: Option<&Node>, offset: u32, out: &mut Vec<Diagnostic>) -> Item {
    let mut r = Reader {
        path,
        offset,
        diagnostics: Vec::new(),
        unknown_keys: 0,
    };
    let header = Pos { line: 1, column: 1 };
    let mut item = Item {
        path: path.to_string(),
        header,
        ..Item::default()
    };
    let empty = Vec::new();
    let entries = match root.map(|n| &n.value) {
        None | Some(Value::Null) => &empty,
        Some(Value::Map(entries)) => entries,
        Some(other) => {
            let kind = other.kind();
            out.push(
                Diagnostic::new(
                    Rule::FrontmatterSyntax,
                    path,
                    root.map_or(header, |n| r.pos(n)),
                    format!("the frontmatter must be a mapping of keys to values, found {kind}"),
                )
                .help("write one `key: value` per line, e.g. `id: F-1`"),
            );
            return item;
        }
    };

    let is_pi = entries.iter().any(|(k, v)| {
        k.as_str() == Some("type") && v.as_str().and_then(ItemType::parse) == Some(ItemType::Pi)
    });
    let mut team_node: Option<&Node> = None;
    let mut seen_required = [false; 3];
    let mut pi = PiFields::default();

    for (key_node, value) in entries {
        let Some(key) = key_node.as_str() else {
            r.report(
                Rule::FieldType,
                key_node,
                format!("keys must be strings, found {}", key_node.value.kind()),
            );
            continue;
        };
        match key {
            "id" => {
                seen_required[0] = true;
                item.id = r.id(key, value);
                let blank = match &value.value {
                    Value::Null => true,
                    Value::Str(s) => s.trim().is_empty(),
                    _ => false,
                };
                if blank {
                    r.report(Rule::FieldMissing, value, "`id` is empty".into());
                }
                // An id outside the pattern could pass for another (`F-1` and an invisible
                // character) or be read by other tools: the item is read without it.
                if let Some(id) = item.id.take_if(|id| !is_valid_id(&id.value)) {
                    let d = Diagnostic::new(
                        Rule::IdInvalid,
                        path,
                        id.pos,
                        format!("`{}` is not a valid id: ids are {ID_PATTERN}", id.value),
                    )
                    .width(scalar_width(value))
                    .help("until it has a valid id, the item has none: nothing can refer to it");
                    r.diagnostics.push(d);
                }
            }
            "type" => {
                seen_required[1] = true;
                if let Some(s) = r.string(key, value) {
                    match ItemType::parse(&s.value) {
                        Some(t) => item.item_type = Some(Spanned::new(t, s.pos)),
                        None => {
                            let names: Vec<&str> =
                                ItemType::ALL.iter().map(|t| t.as_str()).collect();
                            let mut d = Diagnostic::new(
                                Rule::TypeUnknown,
                                path,
                                s.pos,
                                format!(
                                    "unknown type `{}`: expected epic, capability, feature, story, pi or okr",
                                    s.value
                                ),
                            )
                            .width(s.value.chars().count());
                            if let Some(t) = did_you_mean(&s.value.to_lowercase(), &names) {
                                d = d.help(format!("did you mean `{t}`?"));
                            }
                            r.diagnostics.push(d);
                        }
                    }
                } else if matches!(value.value, Value::Null) {
                    r.report(Rule::FieldMissing, value, "`type` is empty".into());
                }
            }
            "title" => {
                seen_required[2] = true;
                item.title = r.text(key, value).filter(|t| !t.value.trim().is_empty());
                let blank = match &value.value {
                    Value::Null => true,
                    Value::Str(s) => s.trim().is_empty(),
                    _ => false,
                };
                if blank {
                    r.report(Rule::FieldMissing, value, "`title` is empty".into());
                }
            }
            "status" => item.status = r.text(key, value),
            "parent" => item.parent = r.id(key, value),
            "owner" => item.owner = r.text(key, value),
            "art" => item.art = r.text(key, value),
            "pi" => item.pi = r.id(key, value),
            "team" => team_node = Some(value),
            "iteration" => item.iteration = r.integer(key, value, 1, 1000),
            "points" => item.points = r.number(key, value),
            "estimate" => item.estimate = r.number(key, value),
            "rank" => item.rank = r.integer(key, value, 0, MAX_WHOLE),
            "enabler" => item.enabler = enabler(&mut r, value),
            "depends_on" => item.depends_on = r.list(key, value, true),
            "labels" => item.labels = r.list(key, value, false),
            "jira" => item.jira = r.text(key, value),
            "value_stream" => item.value_stream = r.text(key, value),
            "budget" => item.budget = r.number(key, value),
            "okrs" => item.okrs = r.list(key, value, true),
            "key_results" => item.key_results = key_results(&mut r, value),
            // Fields from another tool (an import), kept as they were and not checked.
            "extra" => {}
            "wsjf" => {
                item.wsjf = wsjf(&mut r, value).map(|mut w| {
                    // Point at the `wsjf:` key, where a reader looks for the whole score.
                    w.pos = r.pos(key_node);
                    w
                })
            }
            "start" if is_pi => {
                if let Some(s) = r.text(key, value) {
                    if s.value.parse::<jiff::civil::Date>().is_ok() && s.value.len() == 10 {
                        pi.start = Some(s);
                    } else {
                        pi.start_invalid = true;
                        r.not_a_date(key, value, &s.value);
                    }
                }
            }
            "iterations" if is_pi => pi.iterations = r.integer(key, value, 1, 26),
            "iteration_weeks" if is_pi => pi.iteration_weeks = r.integer(key, value, 1, 8),
            "capacity" if is_pi => {
                pi.capacity_pos = Some(r.pos(key_node));
                pi.capacity = capacity(&mut r, value);
            }
            "allocation" if is_pi => {
                pi.allocation_pos = Some(r.pos(key_node));
                pi.allocation = allocation(&mut r, value);
            }
            "objectives" if is_pi => {
                pi.objectives_pos = Some(r.pos(key_node));
                pi.objectives = objectives(&mut r, value);
            }
            "milestones" if is_pi => pi.milestones = milestones(&mut r, value),
            _ if Key::named(key).is_some_and(|k| k.pi_only) => r.unknown_key(
                key_node,
                key,
                &Key::item_names().collect::<Vec<_>>(),
                " (a PI key, on an item that is not a PI)",
            ),
            _ => {
                let known: Vec<&str> = if is_pi {
                    Key::item_names().chain(Key::pi_names()).collect()
                } else {
                    Key::item_names().collect()
                };
                r.unknown_key(key_node, key, &known, "");
            }
        }
    }

    for (seen, key) in seen_required.iter().zip(["id", "type", "title"]) {
        if !seen {
            r.diagnostics.push(
                Diagnostic::new(
                    Rule::FieldMissing,
                    path,
                    header,
                    format!("missing required key `{key}`"),
                )
                .width(3)
                .help(format!("add `{key}: ...` to the frontmatter")),
            );
        }
    }

    if let Some(node) = team_node {
        item.team = r.list("team", node, false);
        let many_allowed = item.kind().is_none_or(ItemType::allows_many_teams);
        if item.team.len() > 1 && !many_allowed {
            let kind = item.kind().map_or("an item", ItemType::with_article);
            r.report(
                Rule::FieldType,
                node,
                format!("{kind} belongs to one team, found {}", item.team.len()),
            );
        }
    }
    if is_pi {
        item.pi_fields = Some(Box::new(pi));
    }

    let id = item.id().map(str::to_string);
    summarize_unknown_keys(&mut r.diagnostics);
    for mut d in r.diagnostics {
        d.item = id.clone();
        out.push(d);
    }
    item
}

/// More unknown keys than this in one file are reported as one finding, not one each: a file with
/// 100 000 keys is not an item someone mistyped, and 100 000 lines would bury every other finding.
const MAX_UNKNOWN_KEYS: usize = 10;

fn summarize_unknown_keys(diagnostics: &mut Vec<Diagnostic>) {
    let unknown = diagnostics
        .iter()
        .filter(|d| d.rule == Rule::FieldUnknown)
        .count();
    if unknown <= MAX_UNKNOWN_KEYS {
        return;
    }
    let Some(first) = diagnostics
        .iter()
        .position(|d| d.rule == Rule::FieldUnknown)
    else {
        return;
    };
    let names: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.rule == Rule::FieldUnknown)
        .take(3)
        .filter_map(|d| d.message.split('`').nth(1).map(|k| format!("`{k}`")))
        .collect();
    let mut summary = diagnostics[first].clone();
    summary.message = format!(
        "{unknown} unknown keys ({} and {} more)",
        names.join(", "),
        unknown - names.len()
    );
    summary.help =
        Some("is this an item file? popm reads the keys listed in docs/format.md".into());
    summary.width = 1;
    diagnostics[first] = summary;
    let mut seen_first = false;
    diagnostics.retain(|d| {
        if d.rule != Rule::FieldUnknown {
            return true;
        }
        !std::mem::replace(&mut seen_first, true)
    });
}

fn enabler(r: &mut Reader, node: &Node) -> Option<Spanned<EnablerKind>> {
    let found = match &node.value {
        Value::Null => return None,
        Value::Str(s) => match EnablerKind::parse(s) {
            Some(kind) => return Some(Spanned::new(kind, r.pos(node))),
            None => format!("`{s}`"),
        },
        other => other.kind().to_string(),
    };
    let mut message = format!(
        "unknown enabler kind {found}: expected exploration, architectural, infrastructure or compliance"
    );
    if let Some(s) = node
        .as_str()
        .and_then(|s| did_you_mean(&s.to_lowercase(), EnablerKind::NAMES))
    {
        message.push_str(&format!(" (did you mean `{s}`?)"));
    }
    r.report(Rule::EnablerKind, node, message);
    None
}

fn wsjf(r: &mut Reader, node: &Node) -> Option<Wsjf> {
    let entries = match &node.value {
        Value::Map(entries) => entries,
        Value::Null => return None,
        _ => {
            r.wrong(
                "wsjf",
                node,
                "a mapping of business_value, time_criticality, risk_reduction and job_size",
            );
            return None;
        }
    };
    let mut w = Wsjf {
        pos: r.pos(node),
        ..Wsjf::default()
    };
    for (k, v) in entries {
        let Some(key) = k.as_str() else {
            r.report(
                Rule::FieldType,
                k,
                format!("keys must be strings, found {}", k.value.kind()),
            );
            continue;
        };
        let slot = match key {
            "business_value" => &mut w.business_value,
            "time_criticality" => &mut w.time_criticality,
            "risk_reduction" => &mut w.risk_reduction,
            "job_size" => &mut w.job_size,
            _ => {
                r.unknown_key(k, key, &Wsjf::KEYS, " in `wsjf`");
                continue;
            }
        };
        *slot = r.integer(&format!("wsjf.{key}"), v, 1, MAX_WHOLE);
    }
    Some(w)
}

fn capacity(r: &mut Reader, node: &Node) -> Vec<(Spanned<String>, Vec<Spanned<f64>>)> {
    let Value::Map(entries) = &node.value else {
        if !matches!(node.value, Value::Null) {
            r.wrong(
                "capacity",
                node,
                "a mapping of team to a list of points per iteration",
            );
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let Some(team) = r.text("capacity", k) else {
            continue;
        };
        let points = match &v.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(|n| r.number("capacity", n))
                .collect(),
            Value::Int(_) | Value::Float(_) => r.number("capacity", v).into_iter().collect(),
            _ => {
                r.wrong(
                    &format!("capacity.{}", team.value),
                    v,
                    "a list of points per iteration",
                );
                continue;
            }
        };
        out.push((team, points));
    }
    out
}

fn allocation(r: &mut Reader, node: &Node) -> Vec<(Spanned<String>, Spanned<f64>)> {
    let Value::Map(entries) = &node.value else {
        if !matches!(node.value, Value::Null) {
            r.wrong("allocation", node, "a mapping of work type to percent");
        }
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(k, v)| {
            let kind = r.text("allocation", k)?;
            let percent = r.number(&format!("allocation.{}", kind.value), v)?;
            Some((kind, percent))
        })
        .collect()
}

const KEY_RESULT_KEYS: &[&str] = &["text", "start", "target", "current"];

/// An OKR's `key_results`: a list of mappings of text, start, target and current.
fn key_results(r: &mut Reader, node: &Node) -> Vec<KeyResult> {
    let Value::Seq(items) = &node.value else {
        if !matches!(node.value, Value::Null) {
            r.wrong("key_results", node, "a list of key results");
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Value::Map(entries) = &item.value else {
            r.wrong(
                "key_results",
                item,
                "a mapping with text, start, target, current",
            );
            continue;
        };
        let mut kr = KeyResult {
            pos: r.pos(item),
            text: None,
            start: None,
            target: None,
            current: None,
        };
        for (k, v) in entries {
            match k.as_str() {
                Some("text") => kr.text = r.text("text", v).map(|s| s.value),
                Some("start") => kr.start = r.number("start", v).map(|s| s.value),
                Some("target") => kr.target = r.number("target", v).map(|s| s.value),
                Some("current") => kr.current = r.number("current", v).map(|s| s.value),
                Some(other) => r.unknown_key(k, other, KEY_RESULT_KEYS, " in a key result"),
                None => r.report(Rule::FieldType, k, "keys must be strings".into()),
            }
        }
        out.push(kr);
    }
    out
}

fn objectives(r: &mut Reader, node: &Node) -> Vec<Objective> {
    let Value::Seq(items) = &node.value else {
        if !matches!(node.value, Value::Null) {
            r.wrong("objectives", node, "a list of objectives");
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Value::Map(entries) = &item.value else {
            r.wrong(
                "objectives",
                item,
                "a mapping with team, text, business_value, committed",
            );
            continue;
        };
        let mut o = Objective {
            pos: r.pos(item),
            team: None,
            text: None,
            business_value: None,
            committed: false,
            actual_value: None,
        };
        for (k, v) in entries {
            match k.as_str() {
                Some("team") => o.team = r.text("team", v).map(|s| s.value),
                Some("text") => o.text = r.text("text", v).map(|s| s.value),
                Some("business_value") => {
                    o.business_value = r.integer("business_value", v, 0, MAX_WHOLE)
                }
                Some("actual_value") => o.actual_value = r.integer("actual_value", v, 0, MAX_WHOLE),
                Some("committed") => match v.value {
                    Value::Bool(b) => o.committed = b,
                    _ => r.wrong("committed", v, "true or false"),
                },
                Some(other) => r.unknown_key(k, other, OBJECTIVE_KEYS, " in a PI objective"),
                None => r.report(Rule::FieldType, k, "keys must be strings".into()),
            }
        }
        out.push(o);
    }
    out
}

/// `milestones: [{name, date}]`: each entry needs a name and a date written YYYY-MM-DD; one
/// without is reported where it is and left out.
fn milestones(r: &mut Reader, node: &Node) -> Vec<Milestone> {
    let Value::Seq(entries) = &node.value else {
        if !matches!(node.value, Value::Null) {
            r.wrong("milestones", node, "a list of milestones (name and date)");
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries {
        let Value::Map(fields) = &entry.value else {
            r.wrong("milestones", entry, "a mapping with name and date");
            continue;
        };
        let (mut name, mut date, mut bad_date) = (None, None, false);
        for (k, v) in fields {
            match k.as_str() {
                Some("name") => name = r.text("name", v).map(|s| s.value),
                Some("date") => {
                    if let Some(s) = r.text("date", v) {
                        match s.value.parse::<jiff::civil::Date>() {
                            Ok(d) if s.value.len() == 10 => date = Some(d),
                            _ => {
                                bad_date = true;
                                r.not_a_date("date", v, &s.value);
                            }
                        }
                    }
                }
                Some(other) => r.unknown_key(k, other, MILESTONE_KEYS, " in a PI milestone"),
                None => r.report(Rule::FieldType, k, "keys must be strings".into()),
            }
        }
        match (name, date) {
            (Some(name), Some(date)) => out.push(Milestone {
                pos: r.pos(entry),
                name,
                date,
            }),
            // A bad date is reported already.
            (_, None) if bad_date => {}
            (name, date) => {
                let missing = match (name.is_none(), date.is_none()) {
                    (true, true) => "a name and a date",
                    (true, false) => "a name",
                    _ => "a date (YYYY-MM-DD)",
                };
                r.report(
                    Rule::FieldMissing,
                    entry,
                    format!("a milestone needs {missing}"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Rule;
    use crate::model::key::{KEYS, Kind};

    #[test]
    fn milestones_need_a_name_and_a_real_date() {
        let text = "---\nid: PI-1\ntype: pi\ntitle: One\nmilestones:\n  - {name: Fair, date: 2027-02-10}\n  - {name: Late, date: 2027-02-30}\n  - {date: 2027-03-01}\n  - name: Trip\n    date: 2027-03-01\n    where: Berlin\n---\n";
        let (parsed, _) = crate::parse::parse_file("PI-1.md", text.as_bytes().to_vec());
        let pi = parsed.item.unwrap().pi_fields.unwrap();
        let kept: Vec<(&str, String)> = pi
            .milestones
            .iter()
            .map(|m| (m.name.as_str(), m.date.to_string()))
            .collect();
        assert_eq!(
            kept,
            [("Fair", "2027-02-10".into()), ("Trip", "2027-03-01".into())]
        );
        let found: Vec<(u32, &str, &str)> = parsed
            .diagnostics
            .iter()
            .map(|d| (d.line, d.rule.name(), d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    7,
                    "field-type",
                    "`date` must be a real date: `2027-02-30` is not in the calendar"
                ),
                (8, "field-missing", "a milestone needs a name"),
                (11, "field-unknown", "unknown key `where` in a PI milestone"),
            ]
        );
    }

    /// The key table and the parser name the same keys: a PI carrying every key of the table
    /// has no unknown key, and an item that is not a PI has exactly the PI's keys unknown.
    #[test]
    fn the_parser_knows_every_key_of_the_table() {
        let value = |kind| match kind {
            Kind::Scalar => "x",
            Kind::Number => "1",
            Kind::List => "[a]",
            Kind::Mapping => "{}",
        };
        for item_type in ["pi", "feature"] {
            let mut text = String::from("---\n");
            for key in KEYS {
                let v = match key.name {
                    "type" => item_type,
                    "id" => "PI-1",
                    "objectives" => "[]",
                    _ => value(key.kind),
                };
                text.push_str(&format!("{}: {v}\n", key.name));
            }
            text.push_str("---\n");
            let (parsed, _) = crate::parse::parse_file("a.md", text.into_bytes());
            let mut unknown: Vec<&str> = parsed
                .diagnostics
                .iter()
                .filter(|d| d.rule == Rule::FieldUnknown)
                .filter_map(|d| d.message.split('`').nth(1))
                .collect();
            unknown.sort_unstable();
            let mut expected: Vec<&str> = match item_type {
                "pi" => Vec::new(),
                _ => KEYS.iter().filter(|k| k.pi_only).map(|k| k.name).collect(),
            };
            expected.sort_unstable();
            assert_eq!(unknown, expected, "{item_type}");
        }
    }
}
