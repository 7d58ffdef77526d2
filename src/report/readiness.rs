//! `popm pi ready`: is a PI ready for planning? Every check produces diagnostics with stable rule
//! names; the PI is ready when none of them is an error.
use jiff::civil::Date;

use super::plan::{self, BusinessValue, PiPlan, PlannedWork, TeamLoad};
use super::ranking;
use crate::config::{Config, Content};
use crate::diagnostic::Rule;
use crate::diagnostic::{Diagnostic, Severity, Sink};
use crate::model::Score;
use crate::model::{Backlog, Item, ItemType, Objective, PiFields};
use crate::parse::yaml::Pos;
use crate::render::number::{self, percent_spaced};
use crate::rules::at;

/// The columns of the feature table: each groups the rules that fail it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    Status,
    Hypothesis,
    Criteria,
    Wsjf,
    Team,
    Parent,
    Dependencies,
    Other,
}

impl Check {
    pub const ALL: [Check; 8] = [
        Check::Status,
        Check::Hypothesis,
        Check::Criteria,
        Check::Wsjf,
        Check::Team,
        Check::Parent,
        Check::Dependencies,
        Check::Other,
    ];

    pub fn of(rule: Rule) -> Check {
        match rule {
            Rule::FeatureNotReady | Rule::StatusUnknown => Check::Status,
            Rule::BenefitHypothesisMissing => Check::Hypothesis,
            Rule::AcceptanceCriteriaMissing | Rule::AcceptanceCriteriaUnchecked => Check::Criteria,
            Rule::WsjfIncomplete | Rule::WsjfMissing | Rule::WsjfScale => Check::Wsjf,
            Rule::TeamMissing | Rule::TeamUnknown => Check::Team,
            Rule::ParentMissing | Rule::ParentUnknown | Rule::ParentType | Rule::ParentCycle => {
                Check::Parent
            }
            Rule::DependencyUnknown | Rule::DependencyCycle | Rule::DependencyLaterPi => {
                Check::Dependencies
            }
            _ => Check::Other,
        }
    }

    pub fn header(self) -> &'static str {
        match self {
            Check::Status => "STATUS",
            Check::Hypothesis => "HYPOTHESIS",
            Check::Criteria => "AC",
            Check::Wsjf => "SCORED",
            Check::Team => "TEAM",
            Check::Parent => "PARENT",
            Check::Dependencies => "DEPS",
            Check::Other => "CHECK",
        }
    }
}

#[derive(Debug)]
pub struct FeatureReadiness<'a> {
    pub item: &'a Item,
    /// Position by WSJF among the PI's features.
    pub wsjf_rank: usize,
    pub score: Option<Score>,
    /// The rules that fail (errors only), without repeats, in table order.
    pub failures: Vec<Rule>,
}

impl FeatureReadiness<'_> {
    pub fn ready(&self) -> bool {
        self.failures.is_empty()
    }

    pub fn passes(&self, check: Check) -> bool {
        !self.failures.iter().any(|r| Check::of(*r) == check)
    }
}

#[derive(Debug)]
pub struct Previous<'a> {
    pub item: &'a Item,
    /// Planned value of the committed objectives that have an actual value.
    pub planned: i64,
    /// Actual value of those and of the uncommitted objectives (`uncommitted` of it).
    pub actual: i64,
    pub uncommitted: i64,
    /// actual / planned, when every committed objective has an actual value.
    pub predictability: Option<f64>,
}

#[derive(Debug)]
pub struct Readiness<'a> {
    pub pi: &'a Item,
    pub fields: &'a PiFields,
    pub start: Option<Date>,
    /// The last day of the IP iteration.
    pub end: Option<Date>,
    /// The work planned into the PI and each team's load.
    pub plan: PiPlan<'a>,
    pub features: Vec<FeatureReadiness<'a>>,
    /// Work type (as in `allocation`) -> (reserved percent, planned share in percent).
    pub allocation: Vec<(String, f64, Option<f64>)>,
    pub objectives: &'a [Objective],
    pub previous: Option<Previous<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Readiness<'_> {
    pub fn ready(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// The PI being planned on `today`: the one whose dates contain it, else the next one to start.
/// During a PI's Innovation & Planning iteration (its last) the next PI's planning happens, so
/// that next PI is the one meant (when there is one).
pub fn current_or_next(backlog: &Backlog, today: Date) -> Option<&Item> {
    pi_on(backlog, today, true)
}

/// The PI under way on `today` (its IP iteration included), else the next one to start: the PI
/// whose progress `pi status` reports.
pub fn under_way_or_next(backlog: &Backlog, today: Date) -> Option<&Item> {
    pi_on(backlog, today, false)
}

fn pi_on(backlog: &Backlog, today: Date, planning: bool) -> Option<&Item> {
    let mut pis: Vec<(&Item, Date, Date)> = backlog
        .of_type(ItemType::Pi)
        .filter_map(|i| i.pi_fields.as_deref()?.dates().map(|(s, e)| (i, s, e)))
        .collect();
    pis.sort_by_key(|(_, s, _)| *s);
    let next = || pis.iter().find(|(_, s, _)| *s > today);
    let current = pis.iter().find(|(_, s, e)| *s <= today && today <= *e);
    let chosen = match current {
        Some(c) if planning && in_ip_iteration(c.0, today) => next().or(Some(c)),
        Some(c) => Some(c),
        None => next(),
    };
    chosen.map(|(i, _, _)| *i)
}

/// Whether `today` falls in the PI's last iteration (Innovation & Planning).
fn in_ip_iteration(pi: &Item, today: Date) -> bool {
    let Some(fields) = pi.pi_fields.as_deref() else {
        return false;
    };
    let Some((start, end)) = fields.dates() else {
        return false;
    };
    let weeks = fields
        .iteration_weeks
        .as_ref()
        .map_or(PiFields::DEFAULT_ITERATION_WEEKS, |w| w.value);
    let Some(days) = fields
        .iteration_count()
        .checked_sub(1)
        .and_then(|n| n.checked_mul(weeks))
        .and_then(|n| n.checked_mul(7))
    else {
        return false;
    };
    let ip_start = jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| start.checked_add(span).ok());
    ip_start.is_some_and(|ip| ip <= today && today <= end)
}

/// The findings of one readiness assessment, as they are made.
struct Findings<'a> {
    config: &'a Config,
    out: Vec<Diagnostic>,
}

impl Findings<'_> {
    /// Adds a readiness finding with its configured severity, through the one place severities
    /// are decided ([`Sink::judge`]); dropped when the rule is off.
    fn push(&mut self, mut d: Diagnostic) {
        if Sink::judge(&mut d, self.config) {
            self.out.push(d);
        }
    }
}

/// The readiness of the PI named, or of the one [`select`] picks for `purpose` without a name:
/// what `pi ready`, the `pi_ready` tool and the PI brief of `popm context` answer.
pub fn assess_selected<'a>(
    backlog: &'a Backlog,
    config: &'a Config,
    check: &[Diagnostic],
    id: Option<&str>,
    purpose: Purpose,
) -> Result<Readiness<'a>, crate::error::EnvError> {
    Ok(assess(
        backlog,
        config,
        check,
        select(backlog, id, purpose)?,
    ))
}

pub fn assess<'a>(
    backlog: &'a Backlog,
    config: &'a Config,
    check: &[Diagnostic],
    pi: &'a Item,
) -> Readiness<'a> {
    static NO_FIELDS: PiFields = PiFields {
        start: None,
        start_invalid: false,
        iterations: None,
        iteration_weeks: None,
        capacity: Vec::new(),
        allocation: Vec::new(),
        objectives: Vec::new(),
        milestones: Vec::new(),
        capacity_pos: None,
        allocation_pos: None,
        objectives_pos: None,
    };
    let fields = pi.pi_fields.as_deref().unwrap_or(&NO_FIELDS);
    let pi_id = pi.id().unwrap_or("");
    let (start, end) = fields
        .dates()
        .map_or((None, None), |(s, e)| (Some(s), Some(e)));
    let plan = plan::of_pi(backlog, pi_id, fields);
    let mut findings = Findings {
        config,
        out: Vec::new(),
    };
    // The PI item's own errors (no start date, malformed capacity, ...) block planning.
    findings.out.extend(
        check
            .iter()
            .filter(|d| d.path == pi.path && d.severity == Severity::Error)
            .cloned(),
    );

    let mut features = Vec::new();
    // `popm check`'s findings by file, looked up once per feature.
    let mut by_path: std::collections::HashMap<&str, Vec<&Diagnostic>> =
        std::collections::HashMap::new();
    for d in check {
        by_path.entry(d.path.as_str()).or_default().push(d);
    }
    for ranked in ranking::by_wsjf(plan.planned.iter().copied()) {
        let before = findings.out.len();
        let found = by_path
            .get(ranked.item.path.as_str())
            .map_or(&[][..], Vec::as_slice);
        feature(
            backlog,
            config,
            found,
            pi,
            start,
            ranked.item,
            &mut findings,
        );
        let mut failures: Vec<Rule> = findings.out[before..]
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.rule)
            .collect();
        failures.sort_by_key(|r| (Check::of(*r), r.name()));
        failures.dedup();
        features.push(FeatureReadiness {
            item: ranked.item,
            wsjf_rank: ranked.rank,
            score: ranked.score,
            failures,
        });
    }

    if plan.planned.is_empty() {
        findings.push(
            at(
                Rule::PiEmpty,
                pi,
                pi.header,
                format!("no feature is planned for {pi_id}"),
            )
            .width(3)
            .help(format!(
                "plan the top features by WSJF into it: `popm set F-.. pi={pi_id}`"
            )),
        );
    }
    // Points that count for no team would vanish from the capacity table: say so.
    for story in &plan.unassigned {
        findings.push(
            at(
                Rule::TeamMissing,
                story,
                story.header,
                "this story of the PI names no team, and its feature has none or several".into(),
            )
            .width(3)
            .help("add `team: ..` so its points count for the team that builds it"),
        );
    }
    capacity_checks(pi, fields, &plan.teams, &mut findings);
    let allocation = allocation(backlog, pi, fields, &plan.work, &mut findings);
    objectives(pi, fields, &plan.teams, &mut findings);
    let previous = previous(backlog, start, &mut findings);

    let mut diagnostics = findings.out;
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    Readiness {
        pi,
        fields,
        start,
        end,
        plan,
        features,
        allocation,
        objectives: &fields.objectives,
        previous,
        diagnostics,
    }
}

/// The readiness checks of one planned feature (or capability).
fn feature(
    backlog: &Backlog,
    config: &Config,
    check: &[&Diagnostic],
    pi: &Item,
    pi_start: Option<Date>,
    item: &Item,
    findings: &mut Findings,
) {
    let kind = item.kind().map_or("item", ItemType::as_str);
    // Errors `popm check` found on the item itself, but its content: that is judged below
    // against the ready state's Definition of Ready, whatever state the item is in.
    let content_rule = |r: Rule| {
        Content::ALL
            .iter()
            .any(|c| crate::rules::ready::rule_of(*c) == Some(r))
            || r == Rule::WsjfIncomplete
    };
    for d in check
        .iter()
        .filter(|d| d.path == item.path && d.item.as_deref() == item.id())
    {
        if d.severity == Severity::Error && !content_rule(d.rule) {
            findings.out.push((*d).clone());
        }
    }
    let workflow = item.kind().and_then(|k| config.workflow(k));
    if let (Some(w), Some(t), Some(state)) = (workflow, item.kind(), item.state) {
        let judged = w.ready_from.map_or(state, |r| r.max(state));
        let mut content = Vec::new();
        // The team is checked for every planned feature below, whatever its workflow requires.
        crate::rules::ready::content(item, t, w, judged, &[Content::Team], &mut content);
        for d in content {
            // Readiness requires what `check` may only warn about: a parent.
            if d.rule == Rule::ParentMissing && config.severity(d.rule).is_some() {
                findings.out.push(d.severity(Severity::Error));
            } else {
                findings.push(d);
            }
        }
    }
    let workflow = item.kind().and_then(|k| config.workflow(k));
    if let (Some(w), Some(state)) = (workflow, item.state) {
        let pos = item.status.as_ref().map_or(item.header, |s| s.pos);
        match w.ready_from {
            Some(ready) if state < ready => findings.push(at(
                Rule::FeatureNotReady,
                item,
                pos,
                format!(
                    "this {kind} is {}; it must be {} (or later) for PI planning",
                    w.states[state], w.states[ready]
                ),
            )),
            Some(_) => {}
            None => findings.push(
                at(
                    Rule::FeatureNotReady,
                    item,
                    pos,
                    format!(
                        "the {kind} workflow has no `ready` state, so readiness cannot be judged"
                    ),
                )
                .help(format!(
                    "name the state that means ready: [workflow.{kind}] ready = \"...\""
                )),
            ),
        }
    }
    if item.team.is_empty() {
        findings.push(
            at(
                Rule::TeamMissing,
                item,
                item.header,
                format!("this {kind} names no team"),
            )
            .width(3)
            .help("add `team: [..]` with the team (or teams) that will build it"),
        );
    }
    for dep in &item.depends_on {
        let Some(target) = backlog.get(&dep.value) else {
            continue;
        };
        let work = matches!(
            target.kind(),
            Some(ItemType::Feature | ItemType::Capability | ItemType::Story)
        );
        if !work || target.is_done(config) {
            continue;
        }
        let Some(their_pi_id) = backlog.planned_pi(target) else {
            findings.push(
                at(
                    Rule::DependencyUnplanned,
                    item,
                    dep.pos,
                    format!(
                        "depends on `{}` ({}), which is not done and planned for no PI",
                        dep.value,
                        target.status_name(config)
                    ),
                )
                .width(dep.value.chars().count())
                .help(format!(
                    "plan `{}` into {} or an earlier PI, or drop the dependency",
                    dep.value,
                    pi.id().unwrap_or("this PI")
                )),
            );
            continue;
        };
        let Some(their_pi) = backlog.get(their_pi_id) else {
            continue;
        };
        let their_start = their_pi
            .pi_fields
            .as_deref()
            .and_then(PiFields::dates)
            .map(|(s, _)| s);
        if let (Some(theirs), Some(ours)) = (their_start, pi_start)
            && theirs > ours
        {
            findings.push(at(
                Rule::DependencyLaterPi,
                item,
                dep.pos,
                format!(
                    "depends on `{}`, planned for {} (starts {theirs}), after {} (starts {ours})",
                    dep.value,
                    their_pi.id().unwrap_or("?"),
                    pi.id().unwrap_or("?")
                ),
            ));
        }
    }
}

fn capacity_checks(pi: &Item, fields: &PiFields, teams: &[TeamLoad], findings: &mut Findings) {
    let pi_id = pi.id().unwrap_or("?");
    let limit = findings.config.planning_load;
    for t in teams {
        let entry = fields.capacity.iter().find(|(n, _)| n.value == t.team);
        let Some((name, _)) = entry else {
            if t.has_work {
                findings.push(
                    at(
                        Rule::CapacityMissing,
                        pi,
                        fields.capacity_pos.unwrap_or(pi.header),
                        format!(
                            "team `{}` has {} points of work in {pi_id} but no capacity",
                            t.team,
                            number::points(t.load)
                        ),
                    )
                    .help(format!(
                        "add `{}: [..]` under `capacity` with its points per development iteration",
                        t.team
                    )),
                );
            }
            continue;
        };
        let mut worst = LoadLevel::Fine;
        for slot in &t.iterations {
            let Some(capacity) = slot.capacity else {
                continue;
            };
            let level = LoadLevel::of(slot.load, capacity, limit);
            let span = format!("iteration {}", slot.iteration);
            report_load(
                pi, name.pos, &t.team, &span, slot.load, capacity, level, findings,
            );
            worst = worst.max(level);
        }
        // The PI total matters when it says more than the iterations did (points with no
        // iteration can push a team over while every iteration is fine).
        if let Some(capacity) = t.capacity {
            let level = LoadLevel::of(t.load, capacity, limit);
            if level > worst {
                report_load(
                    pi, name.pos, &t.team, pi_id, t.load, capacity, level, findings,
                );
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum LoadLevel {
    Fine,
    High,
    Exceeded,
}

impl LoadLevel {
    fn of(load: f64, capacity: f64, limit: f64) -> LoadLevel {
        if load > capacity {
            LoadLevel::Exceeded
        } else if capacity > 0.0 && load > capacity * limit / 100.0 {
            LoadLevel::High
        } else {
            LoadLevel::Fine
        }
    }
}

/// Reports a load over capacity (error) or over the planning load (warning).
#[allow(clippy::too_many_arguments)]
fn report_load(
    pi: &Item,
    pos: Pos,
    team: &str,
    span: &str,
    load: f64,
    capacity: f64,
    level: LoadLevel,
    findings: &mut Findings,
) {
    let limit = findings.config.planning_load;
    match level {
        LoadLevel::Exceeded => findings.push(at(
            Rule::CapacityExceeded,
            pi,
            pos,
            format!(
                "team `{team}` is planned {} points in {span}, over its capacity of {}",
                number::points(load),
                number::points(capacity)
            ),
        )),
        LoadLevel::High => findings.push(at(
            Rule::LoadHigh,
            pi,
            pos,
            format!(
                "team `{team}` is planned {} of {} points in {span} ({}), above the planning load of {} %",
                number::points(load),
                number::points(capacity),
                percent_spaced(load / capacity * 100.0),
                number::points(limit)
            ),
        )),
        LoadLevel::Fine => {}
    }
}

/// Each `allocation` entry names a work type: `enabler` (enabler items) or a label. Its share of
/// the planned load must reach the reserved percent.
fn allocation(
    backlog: &Backlog,
    pi: &Item,
    fields: &PiFields,
    work: &[PlannedWork],
    findings: &mut Findings,
) -> Vec<(String, f64, Option<f64>)> {
    let total: f64 = work.iter().map(|w| w.points).sum();
    let mut out = Vec::new();
    for (kind, percent) in &fields.allocation {
        let is_enabler = matches!(kind.value.as_str(), "enabler" | "enablers");
        let share = (total > 0.0).then(|| {
            let of_kind: f64 = work
                .iter()
                .filter(|w| {
                    if is_enabler {
                        w.item.is_enabler()
                            || backlog.parent_of(w.item).is_some_and(Item::is_enabler)
                    } else {
                        w.item.labels.iter().any(|x| x.value == kind.value)
                    }
                })
                .map(|w| w.points)
                .sum();
            of_kind / total * 100.0
        });
        if let Some(share) = share
            && share + 1e-9 < percent.value
        {
            findings.push(at(
                Rule::Allocation,
                pi,
                kind.pos,
                format!(
                    "`{}` work is {} of the planned load; the PI reserves {} %",
                    kind.value,
                    percent_spaced(share),
                    number::points(percent.value)
                ),
            ));
        }
        out.push((kind.value.clone(), percent.value, share));
    }
    out
}

fn objectives(pi: &Item, fields: &PiFields, teams: &[TeamLoad], findings: &mut Findings) {
    for t in teams.iter().filter(|t| t.has_work) {
        let has = fields
            .objectives
            .iter()
            .any(|o| o.team.as_deref() == Some(t.team.as_str()));
        if !has {
            findings.push(
                at(
                    Rule::ObjectivesMissing,
                    pi,
                    fields.objectives_pos.unwrap_or(pi.header),
                    format!("team `{}` has work in the PI but no PI objective", t.team),
                )
                .help("add an objective: `- {team: .., text: .., business_value: 1-10, committed: true}`"),
            );
        }
    }
}

/// The PI before this one (by start date): its committed objectives need actual values, and its
/// predictability is SAFe's: actual business value of committed and uncommitted objectives over
/// the planned value of the committed ones.
fn previous<'a>(
    backlog: &'a Backlog,
    start: Option<Date>,
    findings: &mut Findings,
) -> Option<Previous<'a>> {
    let start = start?;
    let (item, _) = backlog
        .of_type(ItemType::Pi)
        .filter_map(|i| Some((i, i.pi_fields.as_deref()?.dates()?.0)))
        .filter(|(_, s)| *s < start)
        .max_by_key(|(_, s)| *s)?;
    let fields = item.pi_fields.as_deref()?;
    let value = plan::business_value(&fields.objectives);
    let unscored = fields
        .objectives
        .iter()
        .filter(|o| o.committed && o.actual_value.is_none());
    for o in unscored {
        findings.push(
            at(
                Rule::PreviousObjectivesUnscored,
                item,
                o.pos,
                format!(
                    "committed objective of {} has no actual_value: {}",
                    item.id().unwrap_or("?"),
                    o.text.as_deref().unwrap_or("")
                ),
            )
            .help("Business Owners score each objective 0-10 after the PI: add `actual_value`"),
        );
    }
    let BusinessValue {
        planned,
        actual,
        uncommitted,
        unscored,
    } = value;
    let predictability = (unscored == 0 && planned > 0).then(|| actual as f64 / planned as f64);
    Some(Previous {
        item,
        planned,
        actual,
        uncommitted,
        predictability,
    })
}

/// `POPM_TODAY` (YYYY-MM-DD) pins the date, for reproducible runs and tests.
pub fn today() -> Result<jiff::civil::Date, crate::error::EnvError> {
    match std::env::var("POPM_TODAY") {
        Ok(s) => s
            .parse()
            .map_err(|e: jiff::Error| crate::error::EnvError::BadToday {
                value: s.clone(),
                reason: e.to_string(),
            }),
        Err(_) => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// What a PI is chosen for when none is named: planning takes the next PI from the IP iteration
/// on; a status report stays with the PI under way until it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Planning,
    Status,
}

/// The PI named, or without a name the PI whose dates contain today, else the next one (for
/// planning, the next one from the IP iteration on).
pub fn select<'a>(
    backlog: &'a Backlog,
    id: Option<&str>,
    purpose: Purpose,
) -> Result<&'a Item, crate::error::EnvError> {
    match id {
        Some(id) => match backlog.get(id) {
            Some(item) if item.kind() == Some(ItemType::Pi) => Ok(item),
            Some(item) => Err(crate::error::EnvError::NotAPi {
                id: id.to_string(),
                kind: item.kind(),
            }),
            None => {
                let pis = backlog.of_type(ItemType::Pi).filter_map(Item::id);
                Err(crate::error::EnvError::UnknownPi {
                    id: id.to_string(),
                    known: pis.map(str::to_string).collect(),
                })
            }
        },
        None => {
            let today = today()?;
            let chosen = match purpose {
                Purpose::Planning => current_or_next(backlog, today),
                Purpose::Status => under_way_or_next(backlog, today),
            };
            chosen.ok_or(crate::error::EnvError::NoCurrentPi(today))
        }
    }
}
