//! Identity: unique ids, known team names.

use std::collections::HashMap;

use super::at;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::Backlog;

pub fn check(backlog: &Backlog, config: &Config, out: &mut Vec<Diagnostic>) {
    let teams: Vec<&str> = config.teams.iter().map(String::as_str).collect();
    // "Did you mean" compares a name with every team: once per distinct unknown name.
    let mut suggestions: HashMap<&str, Option<&str>> = HashMap::new();
    for (i, item) in backlog.iter().enumerate() {
        if let Some(id) = &item.id
            && let Some(first) = backlog.index_of(&id.value).filter(|first| *first != i)
        {
            let owner = &backlog.items[first];
            let line = owner.id.as_ref().map_or(1, |s| s.pos.line);
            out.push(
                at(
                    Rule::IdDuplicate,
                    item,
                    id.pos,
                    format!(
                        "duplicate id `{}`: {}:{line} uses it too",
                        id.value, owner.path
                    ),
                )
                .width(id.value.chars().count())
                .help("give one of the items a new id; ids must be unique across the backlog"),
            );
        }
        if !config.teams.is_empty() {
            for team in &item.team {
                if !config.has_team(&team.value) {
                    let mut d = at(
                        Rule::TeamUnknown,
                        item,
                        team.pos,
                        format!(
                            "team `{}` is not listed under `teams` in popm.toml",
                            team.value
                        ),
                    )
                    .width(team.value.chars().count());
                    let suggestion = suggestions
                        .entry(team.value.as_str())
                        .or_insert_with(|| crate::model::did_you_mean(&team.value, &teams));
                    if let Some(s) = suggestion {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    out.push(d);
                }
            }
        }
    }
}
