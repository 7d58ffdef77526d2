//! `depends_on`: every dependency exists, and none of them loops back.

use std::collections::VecDeque;

use super::at;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Rule;
use crate::model::Backlog;

pub fn check(backlog: &Backlog, out: &mut Vec<Diagnostic>) {
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); backlog.items.len()];
    for (i, item) in backlog.iter().enumerate() {
        for dep in &item.depends_on {
            if !super::is_local_reference(item, "depends_on", dep, out) {
                continue;
            }
            match backlog.index_of(&dep.value) {
                Some(j) => edges[i].push(j),
                None => out.push(
                    at(
                        Rule::DependencyUnknown,
                        item,
                        dep.pos,
                        format!("dependency `{}` is not an item of this backlog", dep.value),
                    )
                    .width(dep.value.chars().count()),
                ),
            }
        }
    }
    for component in strongly_connected(&edges) {
        let cyclic = component.len() > 1 || edges[component[0]].contains(&component[0]);
        if !cyclic {
            continue;
        }
        let members: std::collections::HashSet<usize> = component.iter().copied().collect();
        // One search per component: the shortest cycle through its first member. Members on it
        // are shown the cycle from themselves; the others, which cycle through it, name it too.
        let mut cycle = shortest_cycle(&edges, &members, component[0]);
        cycle.pop();
        let ids: Vec<&str> = cycle
            .iter()
            .map(|j| backlog.items[*j].id().unwrap_or("?"))
            .collect();
        let on_cycle: std::collections::HashMap<usize, usize> =
            cycle.iter().enumerate().map(|(k, i)| (*i, k)).collect();
        for &i in &component {
            let item = &backlog.items[i];
            let (next, message) = match on_cycle.get(&i) {
                Some(&k) => (
                    cycle[(k + 1) % cycle.len()],
                    format!("dependencies form a cycle: {}", super::cycle_text(&ids, k)),
                ),
                None => (
                    edges[i]
                        .iter()
                        .copied()
                        .find(|j| members.contains(j))
                        .unwrap_or(i),
                    format!(
                        "depends on a cycle of dependencies: {}",
                        super::cycle_text(&ids, 0)
                    ),
                ),
            };
            let next_id = backlog.items[next].id().unwrap_or("?");
            let pos = item
                .depends_on
                .iter()
                .find(|d| d.value == next_id)
                .map_or(item.header, |d| d.pos);
            out.push(at(Rule::DependencyCycle, item, pos, message).width(next_id.chars().count()));
        }
    }
}

/// The shortest path from `start` back to itself inside one component, as a list that begins and
/// ends with `start`.
fn shortest_cycle(
    edges: &[Vec<usize>],
    members: &std::collections::HashSet<usize>,
    start: usize,
) -> Vec<usize> {
    let mut came_from = std::collections::HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in &edges[node] {
            if !members.contains(&next) {
                continue;
            }
            if next == start {
                let mut chain = Vec::new();
                let mut at_node = node;
                while at_node != start {
                    chain.push(at_node);
                    at_node = came_from.get(&at_node).copied().unwrap_or(start);
                }
                chain.reverse();
                let mut path = vec![start];
                path.extend(chain);
                path.push(start);
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = came_from.entry(next) {
                e.insert(node);
                queue.push_back(next);
            }
        }
    }
    vec![start, start]
}

/// Tarjan's algorithm, iterative so that a long chain of dependencies cannot overflow the stack.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut components = Vec::new();
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX || edges[root].is_empty() {
            continue;
        }
        work.push((root, 0));
        while let Some((v, edge)) = work.pop() {
            if edge == 0 {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(edge) {
                work.push((v, edge + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            // All edges of v are done: fold its low link into its caller's.
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_paths() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let mut comps = strongly_connected(&edges);
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3], vec![4]]);
        let members = [0, 1, 2].into_iter().collect();
        assert_eq!(shortest_cycle(&edges, &members, 1), vec![1, 2, 0, 1]);
        let members = [3].into_iter().collect();
        assert_eq!(shortest_cycle(&edges, &members, 3), vec![3, 3]);
    }
}
