//! The portfolio pipeline: fetch each ART into the cache (`popm portfolio fetch`), then read the
//! portfolio repository's backlog and each ART's from the cache, offline, judge each with its own
//! popm.toml through [`super::check`], and the whole with the cross-backlog rules through the
//! portfolio's sink.

use std::collections::HashSet;
use std::path::PathBuf;

use rayon::prelude::*;

use super::{Checked, Request};
use crate::config::{Art, Config};
use crate::diagnostic::{Diagnostic, Sink};
use crate::error::EnvError;
use crate::git::fetch::{self, Fetched, Location};
use crate::git::{Git, GitError};
use crate::rules::portfolio::Member;
use crate::source::{Texts, Workspace};

/// The portfolio's cache folder, in the portfolio repository's git directory.
fn cache_root(workspace: &Workspace) -> Result<PathBuf, EnvError> {
    match Git::discover(&workspace.config.project_root)? {
        Some(git) => Ok(fetch::cache_root(&git)),
        None => Err(EnvError::NoRepository {
            what: "popm portfolio".to_string(),
            dir: Some(workspace.config.project_root.clone()),
        }),
    }
}

/// One ART's fetch: what it brought, or why it failed.
pub type FetchResult<'a> = (&'a Art, Result<Fetched, GitError>);

/// Fetches every ART of `[portfolio] arts` into the cache, in parallel; each ART's result in
/// the order of popm.toml. One that fails leaves the others (and its own last fetch) alone.
pub fn fetch_all(workspace: &Workspace) -> Result<Vec<FetchResult<'_>>, EnvError> {
    let root = cache_root(workspace)?;
    let base = &workspace.config.project_root;
    Ok(workspace
        .config
        .portfolio
        .arts
        .par_iter()
        .map(|art| {
            let location = Location::of(&art.url, base);
            let result = fetch::fetch(&root, &art.name, &location, &art.remote_ref());
            (art, result)
        })
        .collect())
}

/// One backlog of the portfolio, judged with its own popm.toml.
pub struct Judged {
    pub name: String,
    pub config: Config,
    pub checked: Checked,
}

/// An ART the cache cannot give: never fetched, or its commit unreadable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub name: String,
    pub reason: String,
}

/// Every backlog of the portfolio with every finding.
pub struct PortfolioChecked {
    /// The portfolio repository's own backlog first, then each ART in popm.toml's order.
    pub backlogs: Vec<Judged>,
    pub unavailable: Vec<Unavailable>,
    /// Every finding, paths shown `name:path`, in output order.
    pub diagnostics: Vec<Diagnostic>,
    /// Every text, by the path diagnostics show.
    pub texts: Texts,
    /// How many files were read as items, in every backlog.
    pub files: usize,
}

/// Reads and judges the portfolio from the work tree and the cache, offline.
pub fn check(workspace: &Workspace) -> Result<PortfolioChecked, EnvError> {
    let root = cache_root(workspace)?;
    let own_name = workspace.config.backlog_name();
    let own = super::check(workspace, &Request::whole())?;
    let read: Vec<Result<Judged, Unavailable>> = workspace
        .config
        .portfolio
        .arts
        .par_iter()
        .map(|art| read_art(&root, art).map(|(judged, _)| judged))
        .collect();
    let mut backlogs = vec![Judged {
        name: own_name,
        config: workspace.config.clone(),
        checked: own,
    }];
    let mut unavailable = Vec::new();
    for result in read {
        match result {
            Ok(judged) => backlogs.push(judged),
            Err(u) => unavailable.push(u),
        }
    }
    let mut texts = Texts::default();
    let mut found = Vec::new();
    let mut files = 0;
    for judged in &mut backlogs {
        let prefix = format!("{}:", judged.name);
        files += judged.checked.files;
        texts.absorb(std::mem::take(&mut judged.checked.texts), &prefix);
        found.extend(judged.checked.diagnostics.iter().cloned().map(|mut d| {
            d.path = format!("{prefix}{}", d.path);
            d
        }));
    }
    let members: Vec<Member> = backlogs
        .iter()
        .map(|j| Member {
            name: &j.name,
            backlog: &j.checked.backlog,
            config: &j.config,
        })
        .collect();
    let gone: HashSet<&str> = unavailable.iter().map(|u| u.name.as_str()).collect();
    let mut across = Vec::new();
    let own = workspace.config.backlog_name();
    let names: Vec<&str> = std::iter::once(own.as_str())
        .chain(
            workspace
                .config
                .portfolio
                .arts
                .iter()
                .map(|a| a.name.as_str()),
        )
        .collect();
    crate::rules::portfolio::check(&members, &gone, &names, &mut across);
    // Each backlog's own findings already have its own severities; the cross-backlog ones get
    // the portfolio's.
    let mut sink = Sink::new(&workspace.config);
    sink.extend(across);
    found.extend(sink.finish());
    found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(PortfolioChecked {
        backlogs,
        unavailable,
        diagnostics: found,
        texts,
        files,
    })
}

/// An ART judged as last fetched, with the commit it was read at (short).
fn read_art(root: &std::path::Path, art: &Art) -> ArtRead {
    let unavailable = |reason: String| Unavailable {
        name: art.name.clone(),
        reason,
    };
    let (git, commit) = fetch::open_cached(root, &art.name)
        .map_err(|e| unavailable(e.to_string()))?
        .ok_or_else(|| unavailable("not fetched yet: run `popm portfolio fetch`".to_string()))?;
    let short = commit.to_hex_with_len(7).to_string();
    let workspace =
        Workspace::cached(git, commit, &art.name).map_err(|e| unavailable(e.to_string()))?;
    let checked =
        super::check(&workspace, &Request::whole()).map_err(|e| unavailable(e.to_string()))?;
    let judged = Judged {
        name: art.name.clone(),
        config: workspace.config,
        checked,
    };
    Ok((judged, short))
}

/// One ART as `popm report` reads it: judged with its own popm.toml, and the commit read (short).
pub type ArtRead = Result<(Judged, String), Unavailable>;

/// Each ART of `[portfolio] arts` as last fetched, in popm.toml's order, for `popm report`: the
/// same reading as [`check`], with the commit each was read at. Outside git every ART is
/// unavailable, saying why, rather than an error: the report of the portfolio's own backlog is
/// still written.
pub fn read_arts(workspace: &Workspace) -> Vec<ArtRead> {
    let arts = &workspace.config.portfolio.arts;
    let root = match cache_root(workspace) {
        Ok(root) => root,
        Err(e) => {
            return arts
                .iter()
                .map(|art| {
                    Err(Unavailable {
                        name: art.name.clone(),
                        reason: e.to_string(),
                    })
                })
                .collect();
        }
    };
    arts.par_iter().map(|art| read_art(&root, art)).collect()
}
