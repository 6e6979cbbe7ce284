//! A small histogram of the listed posts over time (by year, month or day, whichever gives
//! more than one bar), computed from the day table and the hits' ordinals, without fetching
//! a single summary. Clicking a bar narrows the list to that period; dragging across bars
//! narrows it to the span.

use gazette_archive::i18n::Text;

use crate::i18n::{self, t};
use std::rc::Rc;

use gazette_archive::archive::Days;
use gazette_archive::dates::period_days;
use gazette_archive::filter::Filter;
use gazette_archive::query::histogram;
use gazette_archive::route::Route;
use yew::prelude::*;

use crate::routing::use_navigator;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 64.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub days: Rc<Days>,
    pub ordinals: Rc<Vec<u32>>,
    pub filter: Filter,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let navigator = use_navigator();
    let drag_start = use_state(|| None::<usize>);
    let bars = use_memo(
        (props.days.clone(), props.ordinals.clone()),
        |(days, ordinals)| histogram(days, ordinals),
    );
    if bars.len() < 2 {
        return html! {};
    }
    let narrow_to = {
        let filter = props.filter.clone();
        let bars = bars.clone();
        move |first: usize, last: usize| {
            let (Some((from, _)), Some((_, to))) = (
                period_days(&bars[first.min(last)].0),
                period_days(&bars[first.max(last)].0),
            ) else {
                return;
            };
            let mut next = filter.clone();
            next.from = Some(from);
            next.to = Some(to);
            navigator.push(&Route::Posts(next));
        }
    };
    let max = bars.iter().map(|(_, c)| *c).max().unwrap_or(1) as f64;
    let slot = WIDTH / bars.len() as f64;
    let rects = bars.iter().enumerate().map(|(i, (period, count))| {
        let height = (*count as f64 / max * (HEIGHT - 4.0)).max(2.0);
        let onpointerdown = {
            let drag_start = drag_start.clone();
            Callback::from(move |_: PointerEvent| drag_start.set(Some(i)))
        };
        let onpointerup = {
            let drag_start = drag_start.clone();
            let narrow_to = narrow_to.clone();
            Callback::from(move |_: PointerEvent| {
                narrow_to(drag_start.unwrap_or(i), i);
                drag_start.set(None);
            })
        };
        let selected = drag_start.is_some_and(|start| (start.min(i)..=start.max(i)).contains(&i));
        html! {
            <rect class={classes!("bar", selected.then_some("selected"))} x={format!("{:.1}", i as f64 * slot + 1.0)} y={format!("{:.1}", HEIGHT - height)}
                width={format!("{:.1}", (slot - 2.0).max(1.0))} height={format!("{height:.1}")}
                {onpointerdown} {onpointerup}>
                <title>{ i18n::count(Text::TimelineBar, *count, &[("period", period)]) }</title>
            </rect>
        }
    });
    let (first, last) = (&bars[0].0, &bars[bars.len() - 1].0);
    html! {
        <figure class="timeline">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none" role="img"
                aria-label={i18n::count(Text::TimelineLabel, bars.len(), &[("first", first), ("last", last)])}>
                { for rects }
            </svg>
            <figcaption><span>{ first }</span><span>{ t(Text::TimelineHint) }</span><span>{ last }</span></figcaption>
        </figure>
    }
}
