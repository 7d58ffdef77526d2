//! A portfolio of real repositories for the report's tests: the portfolio repository and two ARTs
//! read by plain paths (fetched without a server), and a third ART that cannot be fetched. Every
//! figure the tests expect is computed by hand in the comments here.

use std::path::{Path, PathBuf};

use super::{git, write};

/// WSJF (8 + 5 + 3) / 5 = 3.20.
const WSJF: &str = "wsjf: {business_value: 8, time_criticality: 5, risk_reduction: 3, job_size: 5}";

fn item(dir: &Path, id: &str, front: &str) {
    write(
        dir,
        &format!("backlog/{id}.md"),
        &format!("---\nid: {id}\n{front}\n---\n"),
    );
}

fn commit_all(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "backlog"]);
}

/// An ART's repository with PI-1 (from 2027-01-04, 4 iterations of 2 weeks: development
/// iterations 1 to 3, then IP) and PI-2 (from 2027-03-15).
fn art(dir: &Path, teams: &str) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "popm.toml", &format!("teams = [{teams}]\n"));
    item(
        dir,
        "PI-1",
        "type: pi\ntitle: Spring\nstart: 2027-01-04\niterations: 4",
    );
    item(
        dir,
        "PI-2",
        "type: pi\ntitle: Summer\nstart: 2027-03-15\niterations: 4",
    );
}

/// Builds the three repositories under `base` and returns the portfolio repository (not fetched
/// yet).
///
/// - rail: F-1 (for E-1, PI-1, team a) has S-1 (3 points, done, iteration 1) and S-2 (5 points,
///   iteration 2): it lands in iteration 2 with 3 of 8 points done. It depends on signal:F-1
///   (signal's PI-1 starts the same day, F-1 in iteration 3: late), signal:F-2 (done: ok) and
///   track:F-1 (track cannot be fetched: unplanned). F-2 (for E-2, PI-1, iteration 1, team b).
///   F-3 serves no epic.
/// - signal: F-1 (for E-1, PI-1, iteration 3, team c); F-2 (for E-1, done, PI-1) with S-1 (2
///   points, done).
/// - track: popm.toml names `../track`, which does not exist.
/// - portfolio: travel's budget is 500: E-1 (implementing, 300) and E-2 (implementing, 150) sum
///   to 450, within, 50 left; E-3 (ready, 100) does not count. freight's is 200: E-4
///   (implementing, 250) is over by 50. E-2's WSJF is (13 + 8 + 5) / 2 = 13.00, first; the others
///   3.20, by id. E-1's work: rail:F-1 (3 of 8 points), signal:F-1 (no stories), signal:F-2 (done,
///   2 of 2): 1 of 3 done, 5 of 10 points (50%). O-1's key results: (150 - 100) / (200 - 100) =
///   50%, (60 - 10) / (50 - 10) = 125%, (35 - 40) / (20 - 40) = 25%; on average, each counted at
///   most 100%: (50 + 100 + 25) / 3 = 58%. E-1 (`okrs: [O-1]`) and E-2 (`okrs: [portfolio:O-1]`)
///   serve it.
pub fn three_repositories(base: &Path) -> PathBuf {
    let (rail, signal, root) = (
        base.join("rail"),
        base.join("signal"),
        base.join("portfolio"),
    );
    art(&rail, "\"a\", \"b\"");
    item(
        &rail,
        "F-1",
        "type: feature\ntitle: Seat map\nparent: portfolio:E-1\npi: PI-1\nteam: [a]\ndepends_on: [signal:F-1, signal:F-2, track:F-1]",
    );
    item(
        &rail,
        "S-1",
        "type: story\ntitle: Draw seats\nparent: F-1\nteam: [a]\niteration: 1\npoints: 3\nstatus: done",
    );
    item(
        &rail,
        "S-2",
        "type: story\ntitle: Pick a seat\nparent: F-1\nteam: [a]\niteration: 2\npoints: 5",
    );
    item(
        &rail,
        "F-2",
        "type: feature\ntitle: Fares\nparent: portfolio:E-2\npi: PI-1\niteration: 1\nteam: [b]",
    );
    // A title holding markup: shown as text on every page.
    item(&rail, "F-3", "type: feature\ntitle: Depot <b>tools</b>");
    commit_all(&rail);

    art(&signal, "\"c\"");
    item(
        &signal,
        "F-1",
        "type: feature\ntitle: Departure feed\nparent: portfolio:E-1\npi: PI-1\niteration: 3\nteam: [c]",
    );
    item(
        &signal,
        "F-2",
        "type: feature\ntitle: Platform feed\nparent: portfolio:E-1\npi: PI-1\nstatus: done\nteam: [c]",
    );
    item(
        &signal,
        "S-1",
        "type: story\ntitle: Feed\nparent: F-2\nteam: [c]\niteration: 1\npoints: 2\nstatus: done",
    );
    commit_all(&signal);

    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    write(
        &root,
        "popm.toml",
        "name = \"portfolio\"\n\n[portfolio]\narts = [\n  { name = \"rail\", url = \"../rail\" },\n  { name = \"signal\", url = \"../signal\" },\n  { name = \"track\", url = \"../track\" },\n]\n\n[portfolio.value_streams.travel]\nbudget = 500\n\n[portfolio.value_streams.freight]\nbudget = 200\n",
    );
    let epic = |id: &str, title: &str, extra: &str, wsjf: &str| {
        item(
            &root,
            id,
            &format!("type: epic\ntitle: {title}\n{extra}\n{wsjf}"),
        );
    };
    epic(
        "E-1",
        "Seat booking",
        "status: implementing\nvalue_stream: travel\nbudget: 300\nokrs: [O-1]",
        WSJF,
    );
    epic(
        "E-2",
        "Fair fares",
        "status: implementing\nvalue_stream: travel\nbudget: 150\nokrs: [portfolio:O-1]",
        "wsjf: {business_value: 13, time_criticality: 8, risk_reduction: 5, job_size: 2}",
    );
    epic(
        "E-3",
        "Lounges <i>soon</i>",
        "status: ready\nvalue_stream: travel\nbudget: 100",
        WSJF,
    );
    epic(
        "E-4",
        "Cargo tracking",
        "status: implementing\nvalue_stream: freight\nbudget: 250",
        WSJF,
    );
    item(
        &root,
        "O-1",
        "type: okr\ntitle: Travellers book with confidence\nkey_results:\n  - {text: Bookings per day, start: 100, target: 200, current: 150}\n  - {text: Seat map score, start: 10, target: 50, current: 60}\n  - {text: Complaints per week, start: 40, target: 20, current: 35}",
    );
    commit_all(&root);
    root
}
