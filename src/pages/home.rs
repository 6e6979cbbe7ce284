//! Home: the newest posts and the busiest sources with their latest five posts each, all
//! from the manifest, so it shows before the post index is fetched.

use std::rc::Rc;

use gazette_archive::filter::Filter;
use gazette_archive::i18n::Text;
use gazette_archive::route::Route;
use yew::prelude::*;

use super::use_manifest;
use crate::components::post_list::SummaryList;
use crate::i18n::{self, locale, t, tf};

#[function_component(HomePage)]
pub fn home_page() -> Html {
    let manifest = use_manifest();
    let newest = Rc::new(manifest.home.newest.clone());
    let site = &manifest.site;
    html! {
        <div class="home">
            <section class="intro" aria-labelledby="home-title">
                <h1 id="home-title">{ i18n::site_title(site) }</h1>
                if !site.description.is_empty() {
                    <p class="description">{ &site.description }</p>
                }
                <p class="stats">
                    { format!(
                        "{} · {} · {}",
                        i18n::count(Text::PostCount, manifest.post_count as usize, &[]),
                        i18n::count(Text::SourceCount, manifest.category_count as usize, &[]),
                        i18n::count(Text::TagCount, manifest.tag_count as usize, &[]),
                    ) }
                    if let Some((oldest, newest)) = &manifest.date_range {
                        { format!(" · {}", tf(Text::HeadingRange, &[
                            ("from", &locale().date(oldest)),
                            ("to", &locale().date(newest)),
                        ])) }
                    }
                </p>
            </section>
            <div class="home-columns">
                <section class="newest" aria-labelledby="newest-title">
                    <h2 id="newest-title">{ t(Text::NewestTitle) }</h2>
                    <SummaryList manifest={manifest.clone()} posts={newest} show_excerpt={false} />
                </section>
                <section class="sources" aria-labelledby="sources-title">
                    <h2 id="sources-title">{ t(Text::SourcesHeading) }</h2>
                    { for manifest.home.categories.iter().filter_map(|latest| {
                        let category = manifest.home.sources.get(&latest.category)?;
                        let href = Route::Posts(Filter { category: Some(category.id.clone()), ..Filter::default() }).to_fragment();
                        Some(html! {
                            <section class="source-card" key={category.id.clone()}>
                                <h3><a href={href}>{ &category.name }</a><span class="count">{ i18n::number(category.count as usize) }</span></h3>
                                <SummaryList manifest={manifest.clone()} posts={Rc::new(latest.posts.clone())} show_excerpt={false} />
                            </section>
                        })
                    }) }
                    <DateBrowser />
                    <p class="all-sources"><a href="#/categories">{ i18n::count(Text::AllSourcesLink, manifest.category_count as usize, &[]) }</a></p>
                </section>
            </div>
        </div>
    }
}

/// Years and months with their post counts, linking to the date views.
#[function_component(DateBrowser)]
fn date_browser() -> Html {
    let manifest = use_manifest();
    let mut years: Vec<(&str, Vec<&gazette_archive::archive::PeriodCount>)> = Vec::new();
    // A period is `YYYY-MM`; anything else (a damaged manifest) is left out, never sliced.
    let well_formed = |period: &str| {
        period.len() == 7
            && period.bytes().enumerate().all(|(i, b)| {
                if i == 4 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    for month in manifest
        .months
        .iter()
        .rev()
        .filter(|m| well_formed(&m.period))
    {
        let year = &month.period[..4];
        match years.last_mut() {
            Some((y, months)) if *y == year => months.push(month),
            _ => years.push((year, vec![month])),
        }
    }
    if years.is_empty() {
        return html! {};
    }
    html! {
        <section class="date-browser" aria-labelledby="dates-title">
            <h2 id="dates-title">{ t(Text::BrowseByDate) }</h2>
            <dl>
                { for years.iter().map(|(year, months)| html! {
                    <>
                        <dt><a href={format!("#/date/{year}")}>{ locale().year(year) }</a></dt>
                        <dd>
                            { for months.iter().map(|m| html! {
                                <a class="chip" href={format!("#/date/{}/{}", &m.period[..4], &m.period[5..7])}>
                                    { locale().month_in_year(m.period[5..7].parse().unwrap_or(1)) }<span class="count">{ i18n::number(m.count as usize) }</span>
                                </a>
                            }) }
                        </dd>
                    </>
                }) }
            </dl>
        </section>
    }
}
