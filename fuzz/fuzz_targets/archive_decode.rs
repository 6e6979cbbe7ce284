//! Every archive file type decoded from arbitrary text, then used the way the app uses it.
#![no_main]

use gazette_core::archive::{
    decode, BodyChunk, Days, IdShard, Manifest, OrdinalList, SearchShard, SummaryGroup,
};
use gazette_core::filter::Filter;
use gazette_core::query::{evaluate, histogram, Loaded};
use libfuzzer_sys::fuzz_target;

struct Files {
    days: Option<Days>,
    list: Option<Vec<u32>>,
    shard: Option<SearchShard>,
}

impl Loaded for Files {
    fn category_list(&self, _: u32) -> Option<&[u32]> {
        self.list.as_deref()
    }
    fn tag_list(&self, _: u32) -> Option<&[u32]> {
        self.list.as_deref()
    }
    fn search_shard(&self, _: u32) -> Option<&SearchShard> {
        self.shard.as_ref()
    }
    fn days(&self) -> Option<&Days> {
        self.days.as_ref()
    }
}

fuzz_target!(|text: &str| {
    let _ = decode::<BodyChunk>("f", text);
    let _ = decode::<IdShard>("f", text);
    let _ = decode::<SummaryGroup>("f", text);
    let list = decode::<OrdinalList>("f", text).ok().map(|l| l.ordinals());
    let days = decode::<Days>("f", text).ok();
    let shard = decode::<SearchShard>("f", text).ok();
    if let Ok(manifest) = decode::<Manifest>("f", text) {
        let files = Files {
            days: days.clone(),
            list,
            shard,
        };
        for filter in [
            Filter {
                text: "人民币 et7".into(),
                ..Filter::default()
            },
            Filter {
                category: manifest.categories.first().map(|c| c.id.clone()),
                from: Some("2021-01-01".into()),
                ..Filter::default()
            },
        ] {
            if let Ok(hits) = evaluate(&filter, &manifest, &files) {
                if let Some(days) = &days {
                    let _ = histogram(days, &hits.ordinals);
                }
            }
        }
    }
    if let Some(days) = days {
        let _ = histogram(&days, &[0, 1, 2, u32::MAX]);
    }
});
