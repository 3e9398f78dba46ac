//! Property: walking every page by cursor returns each matching lead exactly once, in order, for
//! random data, filters and sorts, also when leads are inserted between page fetches.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use leads_core::{
    InterestLevel, Lead, LeadQuery, MemoryStore, Sort, SortKey, Store, StoredLead, Timestamp, Uuid,
};
use proptest::prelude::*;

const SOURCES: [&str; 3] = ["Web", "Fair", "Referral"];
const STATUSES: [&str; 3] = ["New", "Open", "Won"];
const PEOPLE: [&str; 2] = ["Dana", "Fox"];

fn lead_strategy() -> impl Strategy<Value = (usize, usize, usize, Option<usize>, u8)> {
    (0..3usize, 0..3usize, 0..3usize, prop::option::of(0..2usize), 0..4u8)
}

fn make(n: usize, (src, st, il, sp, name): (usize, usize, usize, Option<usize>, u8)) -> Lead {
    Lead {
        lead_id: format!("L-{n}"),
        lead_name: format!("Name {name}"),
        contact_information: format!("l{n}@example.com"),
        source: SOURCES[src].into(),
        interest_level: [InterestLevel::Low, InterestLevel::Medium, InterestLevel::High][il],
        status: STATUSES[st].into(),
        salesperson: sp.map(|i| PEOPLE[i].to_owned()),
    }
}

fn query_strategy() -> impl Strategy<Value = LeadQuery> {
    let sort = prop::collection::vec((0..7usize, any::<bool>()), 0..4);
    (prop::option::of(0..3usize), any::<bool>(), sort, 1..15u32).prop_map(
        |(status, unassigned, sort, limit)| {
            let mut q = LeadQuery { limit: Some(limit), ..LeadQuery::default() };
            if let Some(s) = status {
                q.status = vec![STATUSES[s].into(), STATUSES[(s + 1) % 3].to_lowercase()];
            }
            if unassigned {
                q.salesperson = vec!["dana".into()];
                q.unassigned = true;
            }
            for (k, descending) in sort {
                let key = SortKey::ALL[k];
                if !q.sort.iter().any(|s| s.key == key) {
                    q.sort.push(Sort { key, descending });
                }
            }
            q
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn cursor_walk_sees_each_lead_once_in_order(
        initial in prop::collection::vec(lead_strategy(), 0..80),
        inserted in prop::collection::vec(prop::collection::vec(lead_strategy(), 0..6), 0..30),
        query in query_strategy(),
    ) {
        let t = Arc::new(AtomicI64::new(0));
        // Several leads share a creation time, so ties are broken by id.
        let store = MemoryStore::with_clock(Arc::new(move || Timestamp::from_micros(t.fetch_add(1, Ordering::Relaxed) / 3)));
        let user = Uuid::from_u128(1);
        let leads: Vec<Lead> = initial.into_iter().enumerate().map(|(n, l)| make(n, l)).collect();
        pollster::block_on(async {
            store.create_user(user, "walker", "not-a-real-hash").await.unwrap();
            store.upsert_leads(user, &leads).await.unwrap();
            let mut all = LeadQuery { limit: Some(1000), ..query.clone() };
            all.cursor = None;
            let before: Vec<StoredLead> = store.query(user, &all).await.unwrap().items;

            let mut walked: Vec<StoredLead> = Vec::new();
            let mut q = query.clone();
            let mut next_id = 10_000;
            let mut batches = inserted.into_iter();
            for fetched in 0.. {
                // Every page holds at least one lead: more fetches than leads means a loop.
                prop_assert!(fetched <= 80 + 30 * 6, "the walk does not end");
                let page = store.query(user, &q).await.unwrap();
                prop_assert!(page.items.len() <= query.effective_limit() as usize);
                walked.extend(page.items);
                let Some(cursor) = page.next_cursor else { break };
                q.cursor = Some(cursor);
                if let Some(batch) = batches.next() {
                    let new: Vec<Lead> = batch.into_iter().map(|l| { next_id += 1; make(next_id, l) }).collect();
                    store.upsert_leads(user, &new).await.unwrap();
                }
            }
            let sort = query.effective_sort();
            let mut seen = HashSet::new();
            for w in walked.windows(2) {
                prop_assert_eq!(leads_core::compare(&w[0], &w[1], &sort), std::cmp::Ordering::Less);
            }
            for l in &walked {
                prop_assert!(seen.insert(l.id), "{} twice", l.lead.lead_id);
            }
            for l in &before {
                prop_assert!(seen.contains(&l.id), "{} skipped", l.lead.lead_id);
            }
            Ok(())
        })?;
    }
}
