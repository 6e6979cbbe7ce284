//! The app's URLs as data. Routes live in the URL fragment (`#/category/emnews?q=人民币`), so
//! every view works unchanged at a site root, under a GitHub Pages sub-path and from
//! `file://`, and a reload never asks the server for a path it does not have.
//!
//! Every list view (category, tag, date, search) is one [`Filter`]; the path is just the
//! most readable spelling of it, so a filtered category view is `#/category/emnews?q=汇率`.

use crate::filter::Filter;

/// A view of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Newest posts and the busiest categories.
    Home,
    /// Every category, searchable.
    Categories,
    /// A list of posts: a category, tag, date or search, with optional extra filters.
    Posts(Filter),
    /// One post; `anchor`, one of its anchors to show (an `id` in its HTML, always under
    /// the policy's [`ANCHOR_PREFIX`](crate::sanitize_policy::ANCHOR_PREFIX): `#/post/x?at=gz-fn:1`).
    Post { id: String, anchor: Option<String> },
    /// A fragment nobody understands; shown as "not found" with links home.
    NotFound { fragment: String },
}

impl Route {
    /// The post `id`, from its top.
    pub fn post(id: impl Into<String>) -> Route {
        Route::Post {
            id: id.into(),
            anchor: None,
        }
    }

    /// Reads a URL fragment (with or without the leading `#`).
    pub fn parse(fragment: &str) -> Route {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let (path, query) = fragment.split_once('?').unwrap_or((fragment, ""));
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_component)
            .collect();
        let mut filter = parse_query(query);
        let not_found = || Route::NotFound {
            fragment: fragment.to_string(),
        };
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segments.as_slice() {
            [] => Route::Home,
            ["categories"] => Route::Categories,
            ["post", id] => Route::Post {
                id: id.to_string(),
                anchor: Some(query_value(query, "at"))
                    .filter(|anchor| crate::sanitize_policy::is_anchor(anchor)),
            },
            ["search"] => Route::Posts(filter),
            ["category", id] => {
                filter.category = Some(id.to_string());
                Route::Posts(filter)
            }
            ["tag", name] => {
                filter.tag = Some(name.to_string());
                Route::Posts(filter)
            }
            ["legacy"] => legacy_anchor(
                legacy_route(&query_value(query, "path")),
                &query_value(query, "at"),
            ),
            ["date", parts @ ..] if (1..=3).contains(&parts.len()) => match period_bounds(parts) {
                Some((from, to)) => {
                    filter.from = Some(from);
                    filter.to = Some(to);
                    Route::Posts(filter)
                }
                None => not_found(),
            },
            _ => not_found(),
        }
    }

    /// The fragment for this route, starting with `#`. `Route::parse(&r.to_fragment()) == r`.
    pub fn to_fragment(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Categories => "#/categories".into(),
            Route::Post { id, anchor: None } => format!("#/post/{}", encode_component(id)),
            Route::Post {
                id,
                anchor: Some(anchor),
            } => format!(
                "#/post/{}?at={}",
                encode_component(id),
                encode_component(anchor)
            ),
            Route::NotFound { fragment } => format!("#{fragment}"),
            Route::Posts(filter) => posts_fragment(filter),
        }
    }
}

fn posts_fragment(filter: &Filter) -> String {
    let mut rest = filter.clone();
    let path = if let Some(id) = rest.category.take() {
        format!("/category/{}", encode_component(&id))
    } else if let Some(name) = rest.tag.take() {
        format!("/tag/{}", encode_component(&name))
    } else if let Some(period) = exact_period(rest.from.as_deref(), rest.to.as_deref()) {
        rest.from = None;
        rest.to = None;
        format!("/date/{period}")
    } else {
        "/search".to_string()
    };
    let mut pairs = Vec::new();
    if !rest.text.is_empty() {
        pairs.push(("q", rest.text.as_str()));
    }
    for (key, value) in [
        ("category", &rest.category),
        ("tag", &rest.tag),
        ("from", &rest.from),
        ("to", &rest.to),
    ] {
        if let Some(value) = value {
            pairs.push((key, value.as_str()));
        }
    }
    if rest.by_date {
        pairs.push(("sort", "date"));
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect();
    if query.is_empty() {
        format!("#{path}")
    } else {
        format!("#{path}?{}", query.join("&"))
    }
}

/// An old link's post with the anchor its address named (`x.html#outlook`, which `404.html`
/// passes on as `at`, as the browser gave it: percent-encoded), named as the builder names a
/// post's own anchors ([`in_anchor_scope`](crate::sanitize_policy::in_anchor_scope)). Any
/// other view stays as it is.
fn legacy_anchor(route: Route, at: &str) -> Route {
    use crate::sanitize_policy::{in_anchor_scope, is_anchor};
    match route {
        Route::Post { id, .. } if !at.is_empty() => {
            let anchor = in_anchor_scope(&decode_component(at)).into_owned();
            Route::Post {
                id,
                anchor: is_anchor(&anchor).then_some(anchor),
            }
        }
        route => route,
    }
}

/// The decoded value of `key` in a query string, or empty.
fn query_value(query: &str, key: &str) -> String {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| decode_component(v))
        .unwrap_or_default()
}

/// Maps a URL path of the original Jekyll site (relative to the site's base) to the view that
/// shows the same thing, so old links keep working (GitHub Pages serves `404.html` for them,
/// which sends them to `#/legacy?path=…`):
/// - `/category/<id>.html` (finews' category pages) and `/<category>/` (its "返回…" links);
/// - `/tags/<name>/`, `/tag/<name>.html`;
/// - `/<categories…>/<yyyy>/<mm>/<dd>/<slug>.html` (Jekyll's default permalink) and
///   `/<yyyy>/<mm>/<dd>/<slug>.html` → the post `<yyyy>-<mm>-<dd>-<slug>`;
/// - `/index.html`, `/` → home. Anything else is "not found", naming the old path.
pub fn legacy_route(path: &str) -> Route {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_component)
        .collect();
    let strip_html = |s: &str| s.strip_suffix(".html").unwrap_or(s).to_string();
    let category = |id: String| {
        Route::Posts(Filter {
            category: Some(id),
            ..Filter::default()
        })
    };
    let tag = |name: String| {
        Route::Posts(Filter {
            tag: Some(name),
            ..Filter::default()
        })
    };
    let is_number = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        [] | ["index.html"] => Route::Home,
        ["category" | "categories", id] => category(strip_html(id)),
        ["tags" | "tag", name] => tag(strip_html(name)),
        [.., year, month, day, slug]
            if is_number(year, 4) && is_number(month, 2) && is_number(day, 2) =>
        {
            Route::post(format!("{year}-{month}-{day}-{}", strip_html(slug)))
        }
        [single] if !single.contains('.') => category(single.to_string()),
        [single] if single.ends_with(".html") && *single != "404.html" => {
            category(strip_html(single))
        }
        _ => Route::NotFound {
            fragment: format!("/legacy{path}"),
        },
    }
}

fn parse_query(query: &str) -> Filter {
    let mut filter = Filter::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode_component(&value.replace('+', " "));
        let day = || is_day(&value).then(|| value.clone());
        match key {
            "q" => filter.text = value.clone(),
            "category" if !value.is_empty() => filter.category = Some(value.clone()),
            "tag" if !value.is_empty() => filter.tag = Some(value.clone()),
            "from" => filter.from = day(),
            "to" => filter.to = day(),
            "sort" => filter.by_date = value == "date",
            _ => {}
        }
    }
    filter
}

/// `["2021", "12"]` → `("2021-12-01", "2021-12-31")`; `None` for a period that does not exist.
pub fn period_bounds(parts: &[&str]) -> Option<(String, String)> {
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = number(parts[0], 4)?;
    match parts {
        [_] => Some((format!("{year:04}-01-01"), format!("{year:04}-12-31"))),
        [_, month] => {
            let month = number(month, 2).filter(|m| (1..=12).contains(m))?;
            let last = days_in_month(year, month);
            Some((
                format!("{year:04}-{month:02}-01"),
                format!("{year:04}-{month:02}-{last:02}"),
            ))
        }
        [_, month, day] => {
            let month = number(month, 2).filter(|m| (1..=12).contains(m))?;
            let day = number(day, 2).filter(|d| (1..=days_in_month(year, month)).contains(d))?;
            let date = format!("{year:04}-{month:02}-{day:02}");
            Some((date.clone(), date))
        }
        _ => None,
    }
}

/// The `/date/…` spelling of a range, when the range is exactly a year, month or day.
fn exact_period(from: Option<&str>, to: Option<&str>) -> Option<String> {
    let (from, to) = (from?, to?);
    let (y, m, d) = (&from[..4], &from[5..7], &from[8..10]);
    let candidates = [format!("{y}/{m}/{d}"), format!("{y}/{m}"), y.to_string()];
    candidates.into_iter().find(|period| {
        let parts: Vec<&str> = period.split('/').collect();
        period_bounds(&parts).is_some_and(|(f, t)| f == from && t == to)
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// True for a well-formed `YYYY-MM-DD`.
pub fn is_day(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3 && period_bounds(&parts).is_some()
}

/// Percent-encodes what would break a fragment (ASCII punctuation, spaces, controls); other
/// characters, Chinese included, stay readable.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, '-' | '_' | '.' | '~' | '(' | ')')
            || !c.is_ascii() && !c.is_whitespace() && !c.is_control()
        {
            out.push(c);
        } else {
            let mut buffer = [0u8; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid UTF-8 becomes U+FFFD; a broken escape stays as text).
pub fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(route: Route) {
        let fragment = route.to_fragment();
        assert_eq!(Route::parse(&fragment), route, "{fragment}");
    }

    #[test]
    fn simple_routes_parse() {
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(Route::parse("#/"), Route::Home);
        assert_eq!(Route::parse("#/categories"), Route::Categories);
        assert_eq!(
            Route::parse("#/post/2022-02-24-202202242288124890"),
            Route::post("2022-02-24-202202242288124890")
        );
    }

    #[test]
    fn category_routes_carry_extra_filters() {
        assert_eq!(
            Route::parse("#/category/emnews?q=%E4%BA%BA%E6%B0%91%E5%B8%81&from=2021-12-01"),
            Route::Posts(Filter {
                text: "人民币".into(),
                category: Some("emnews".into()),
                from: Some("2021-12-01".into()),
                ..Filter::default()
            })
        );
    }

    #[test]
    fn date_routes_are_ranges() {
        assert_eq!(
            Route::parse("#/date/2021/12"),
            Route::Posts(Filter {
                from: Some("2021-12-01".into()),
                to: Some("2021-12-31".into()),
                ..Filter::default()
            })
        );
        assert_eq!(
            Route::Posts(Filter {
                from: Some("2024-02-01".into()),
                to: Some("2024-02-29".into()),
                ..Filter::default()
            })
            .to_fragment(),
            "#/date/2024/02"
        );
        assert!(matches!(
            Route::parse("#/date/2021/13"),
            Route::NotFound { .. }
        ));
        assert!(matches!(
            Route::parse("#/date/2023/02/29"),
            Route::NotFound { .. }
        ));
    }

    #[test]
    fn awkward_names_round_trip() {
        round_trip(Route::Posts(Filter {
            category: Some("21shijijingjibaodao  nancailicaitong".into()),
            ..Filter::default()
        }));
        round_trip(Route::Posts(Filter {
            category: Some("anxinguojizhengquan(xianggang)".into()),
            text: "a&b=c #d".into(),
            ..Filter::default()
        }));
        round_trip(Route::Posts(Filter {
            tag: Some("南方Plus新闻".into()),
            from: Some("2021-12-08".into()),
            ..Filter::default()
        }));
        round_trip(Route::Posts(Filter {
            text: "\"离岸人民币\" 100%".into(),
            ..Filter::default()
        }));
        round_trip(Route::Posts(Filter {
            text: "人民币".into(),
            by_date: true,
            ..Filter::default()
        }));
        round_trip(Route::post("-202205262391921712"));
    }

    /// An old link to a post's anchor (through `404.html`) leads to the post's route with
    /// that anchor, named as the builder names the post's ids.
    #[test]
    fn an_old_links_anchor_is_kept() {
        assert_eq!(
            Route::parse("#/legacy?path=%2F2024%2F01%2F05%2Fx.html&at=outlook"),
            Route::Post {
                id: "2024-01-05-x".into(),
                anchor: Some("gz-outlook".into())
            }
        );
        assert_eq!(
            Route::parse("#/legacy?path=%2F2024%2F01%2F05%2Fx.html&at=%25E5%25B8%2582"),
            Route::Post {
                id: "2024-01-05-x".into(),
                anchor: Some("gz-市".into())
            }
        );
        assert_eq!(
            Route::parse("#/legacy?path=%2F2024%2F01%2F05%2Fx.html&at=a%20b"),
            Route::post("2024-01-05-x")
        );
        assert_eq!(
            Route::parse("#/legacy?path=%2Femnews%2F&at=x"),
            Route::parse("#/category/emnews")
        );
    }

    /// A post's route may name one of its anchors, only one under the policy's prefix (the
    /// app looks it up by id: nothing else of its page can be named).
    #[test]
    fn a_post_route_carries_an_anchor() {
        let route = Route::parse("#/post/2024-02-10-council?at=gz-fn%3Apontoon");
        assert_eq!(
            route,
            Route::Post {
                id: "2024-02-10-council".into(),
                anchor: Some("gz-fn:pontoon".into())
            }
        );
        assert_eq!(
            route.to_fragment(),
            "#/post/2024-02-10-council?at=gz-fn%3Apontoon"
        );
        round_trip(Route::Post {
            id: "x".into(),
            anchor: Some("gz-市场概况&a=b".into()),
        });
        for fragment in [
            "#/post/x?at=app",
            "#/post/x?at=gz-",
            "#/post/x?at=",
            "#/post/x?q=1",
        ] {
            assert_eq!(Route::parse(fragment), Route::post("x"), "{fragment}");
        }
    }

    #[test]
    fn chinese_stays_readable_in_fragments() {
        assert_eq!(
            Route::Posts(Filter {
                text: "博罗".into(),
                ..Filter::default()
            })
            .to_fragment(),
            "#/search?q=博罗"
        );
    }

    #[test]
    fn hostile_fragments_do_not_panic() {
        for fragment in [
            "#/%",
            "#/post/%E4%BA",
            "#/date/x",
            "#/search?q=%zz&from=2021-99-99",
            "#//////",
            "#/post/a/b",
            "#?&&==",
        ] {
            let _ = Route::parse(fragment);
        }
        assert_eq!(
            Route::parse("#/search?from=2021-99-99"),
            Route::Posts(Filter::default())
        );
        assert_eq!(decode_component("%E4%BA"), "\u{fffd}");
    }

    #[test]
    fn old_jekyll_urls_map_to_views() {
        let category = |id: &str| {
            Route::Posts(Filter {
                category: Some(id.into()),
                ..Filter::default()
            })
        };
        assert_eq!(
            legacy_route("/category/nanfangPlus.html"),
            category("nanfangPlus")
        );
        assert_eq!(legacy_route("/emnews/"), category("emnews"));
        assert_eq!(
            legacy_route("/category/21shijijingjibaodao%20%2021caijingAPP.html"),
            category("21shijijingjibaodao  21caijingAPP")
        );
        assert_eq!(
            legacy_route("/emnews/2021/12/08/202112082206672930.html"),
            Route::post("2021-12-08-202112082206672930")
        );
        assert_eq!(
            legacy_route("/2022/02/24/202202242288124890.html"),
            Route::post("2022-02-24-202202242288124890")
        );
        assert_eq!(
            legacy_route("/tags/南方Plus新闻/"),
            Route::Posts(Filter {
                tag: Some("南方Plus新闻".into()),
                ..Filter::default()
            })
        );
        assert_eq!(legacy_route("/"), Route::Home);
        assert!(matches!(
            legacy_route("/assets/x/y.png"),
            Route::NotFound { .. }
        ));
    }

    #[test]
    fn the_legacy_route_reads_its_path_from_the_fragment() {
        assert_eq!(
            Route::parse("#/legacy?path=%2Fcategory%2FnanfangPlus.html"),
            Route::Posts(Filter {
                category: Some("nanfangPlus".into()),
                ..Filter::default()
            })
        );
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(
            Route::parse("#/nowhere"),
            Route::NotFound {
                fragment: "/nowhere".into()
            }
        );
    }
}
