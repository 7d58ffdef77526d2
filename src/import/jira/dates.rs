//! The dates Jira writes in a CSV export, as ISO 8601: `12/Jan/24 3:45 PM` (Cloud, and Data
//! Center's default), `12/Jan/2024 15:45`, `2024-01-12 15:45`, `2024-01-12T15:45:00.000+0100`,
//! and the same without a time (a due date). The time is kept to the minute, as Jira shows it;
//! an offset, when written, is dropped (Jira writes the exporting user's local time).

/// `Some("2024-01-12")` or `Some("2024-01-12T15:45")`; `None` for a text that is no such date.
pub fn iso(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (text, None),
    };
    let (year, month, day) = day_month_year(date).or_else(|| year_month_day(date))?;
    let date = jiff::civil::Date::new(year, month, day).ok()?;
    match time {
        None => Some(date.to_string()),
        Some(time) => {
            let (hour, minute) = clock(time)?;
            Some(format!("{date}T{hour:02}:{minute:02}"))
        }
    }
}

/// `12/Jan/24`, `12/Jan/2024`.
fn day_month_year(date: &str) -> Option<(i16, i8, i8)> {
    let mut parts = date.split('/');
    let day: i8 = parts.next()?.parse().ok()?;
    let month = month(parts.next()?)?;
    let year = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let year: i16 = match year.len() {
        2 => 2000 + year.parse::<i16>().ok()?,
        4 => year.parse().ok()?,
        _ => return None,
    };
    Some((year, month, day))
}

/// `2024-01-12`.
fn year_month_day(date: &str) -> Option<(i16, i8, i8)> {
    let mut parts = date.split('-');
    let year = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Some((year, month, day))
}

fn month(name: &str) -> Option<i8> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| lower.starts_with(n))
        .and_then(|i| i8::try_from(i + 1).ok())
}

/// `3:45 PM`, `15:45`, `15:45:00.000+0100`: hour and minute on a 24-hour clock.
fn clock(time: &str) -> Option<(u8, u8)> {
    let (clock, meridiem) = match time.rsplit_once(' ') {
        Some((c, m)) => (c, Some(m.to_ascii_uppercase())),
        None => (time, None),
    };
    let mut parts = clock.split(':');
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next()?.get(..2)?.parse().ok()?;
    let hour = match meridiem.as_deref() {
        None => hour,
        Some("AM") if (1..=12).contains(&hour) => hour % 12,
        Some("PM") if (1..=12).contains(&hour) => hour % 12 + 12,
        Some(_) => return None,
    };
    (hour < 24 && minute < 60).then_some((hour, minute))
}

#[cfg(test)]
mod tests {
    use super::iso;

    #[test]
    fn jira_dates() {
        for (text, expected) in [
            ("12/Jan/24 3:45 PM", Some("2024-01-12T15:45")),
            ("02/Dec/25 12:05 AM", Some("2025-12-02T00:05")),
            ("12/Jan/24 12:30 PM", Some("2024-01-12T12:30")),
            ("12/jan/2024 15:45", Some("2024-01-12T15:45")),
            ("2024-01-12 15:45", Some("2024-01-12T15:45")),
            ("2024-01-12T15:45:00.000+0100", Some("2024-01-12T15:45")),
            ("12/Jan/24", Some("2024-01-12")),
            ("2024-02-29", Some("2024-02-29")),
            ("2023-02-29", None),
            ("31/Foo/24", None),
            ("12/Jan/24 13:45 PM", None),
            ("soon", None),
        ] {
            assert_eq!(iso(text).as_deref(), expected, "{text}");
        }
    }
}
