//! Fault injection between SupabaseStore and the server: a loopback proxy answers some
//! connections with 503, resets others, lets others hang past the timeout, and (in the second
//! phase) drops some answers after the server has committed. An import either completes or
//! fails with an exact account of the batches it stored; running it again converges to the full
//! file with no duplicates and no loss.
//!
//! Needs LEADS_TEST_API_URL and LEADS_TEST_JWT_SECRET (./scripts/test sets them).

#![cfg(feature = "supabase")]

mod test_server;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use leads_core::{
    ErrorKind, ImportOptions, Lead, LeadQuery, Store, SupabaseOptions, SupabaseStore, Timestamp, TokenSigner,
    Uuid,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    Pass,
    Unavailable,
    Reset,
    Hang,
    /// Forwards the request, then drops the answer: the server has committed, the client cannot know.
    LoseAnswer,
}

/// Starts the proxy; connection `n` gets `schedule[n % len]`.
async fn proxy(upstream: String, schedule: Vec<Fault>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let fault = schedule[n % schedule.len()];
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let mut buf = vec![0; 64 * 1024];
                match fault {
                    Fault::Pass => {
                        if let Ok(mut server) = TcpStream::connect(&upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    }
                    Fault::Unavailable => {
                        let _ = client.read(&mut buf).await;
                        let _ = client
                            .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                            .await;
                    }
                    Fault::Reset => {
                        let _ = client.read(&mut buf).await;
                        drop(client);
                    }
                    Fault::Hang => {
                        let _ = client.read(&mut buf).await;
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                    Fault::LoseAnswer => {
                        let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                        let Ok(n) = client.read(&mut buf).await else { return };
                        let _ = server.write_all(&buf[..n]).await;
                        // Wait for the server's answer (it has committed by then), then drop it.
                        let _ = server.read(&mut buf).await;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), count)
}

fn leads(n: usize) -> Vec<Lead> {
    leads_core::validate(&leads_gen::generate(n as u64 * 2, 9), &ImportOptions::default()).unwrap().leads[..n]
        .to_vec()
}

async fn stored_ids(store: &SupabaseStore, user: Uuid) -> Vec<String> {
    let mut out = Vec::new();
    let mut q: LeadQuery = "limit=1000&sort=lead_id".parse().unwrap();
    loop {
        let page = store.query(user, &q).await.unwrap();
        out.extend(page.items.into_iter().map(|l| l.lead.lead_id));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
}

#[test]
fn imports_survive_faults_and_account_for_what_was_stored() {
    let Some((url, secret)) = test_server::test_server() else { return };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let key = TokenSigner::new(secret).unwrap().issue_service_key(Timestamp::now());
        let direct = SupabaseStore::new(&url, &key, SupabaseOptions::default()).unwrap();
        let upstream = url.trim_start_matches("http://").split('/').next().unwrap().to_owned();
        let path = url.trim_start_matches("http://").split_once('/').map(|(_, p)| p).unwrap().to_owned();
        let user = leads_core::new_uuid();
        direct.create_user(user, &format!("faults_{}", &user.to_string()[..8]), "x").await.unwrap();
        let file = leads(1000);

        // Phase 1: faults before the server sees the request, no retries: the error says exactly
        // which batches were stored.
        use Fault::*;
        let (proxy_url, _) =
            proxy(upstream.clone(), vec![Pass, Unavailable, Pass, Pass, Reset, Pass, Hang]).await;
        let options = SupabaseOptions {
            timeout: Duration::from_millis(800),
            batch_size: 50,
            concurrency: 2,
            retries: 0,
            keep_alive: false,
            progress: None,
        };
        let flaky = SupabaseStore::new(&format!("{proxy_url}/{path}"), &key, options.clone()).unwrap();
        let err = flaky.upsert_leads(user, &file).await.unwrap_err();
        let ErrorKind::PartialUpsert { committed, failed, batch_size, outcome, .. } = err.kind() else {
            panic!("{err}")
        };
        assert!(!committed.is_empty() && !failed.is_empty(), "{err}");
        assert_eq!(committed.len() + failed.len(), 20);
        let mut expected: Vec<String> = committed
            .iter()
            .flat_map(|&b| {
                file[b * batch_size..((b + 1) * batch_size).min(file.len())].iter().map(|l| l.lead_id.clone())
            })
            .collect();
        expected.sort();
        assert_eq!(stored_ids(&direct, user).await, expected, "exactly the committed batches are stored");
        assert_eq!(outcome.inserted as usize, expected.len());

        // An import whose batches fail part way is a partial job that reverts what it stored.
        let other = leads_core::new_uuid();
        direct.create_user(other, &format!("partial_{}", &other.to_string()[..8]), "x").await.unwrap();
        let csv = leads_gen::generate(1200, 11);
        let mode = leads_core::ImportMode::SkipInvalid;
        let err = flaky.import_csv(other, &csv[..], &ImportOptions::default(), mode).await.unwrap_err();
        let ErrorKind::PartialUpsert { outcome, .. } = err.kind() else { panic!("{err}") };
        let stored = stored_ids(&direct, other).await.len() as u64;
        assert!(stored > 0 && stored == outcome.inserted, "{err}");
        let job = direct.imports(other, 1, None).await.unwrap().items.remove(0);
        assert_eq!((job.state, job.counts.inserted), (leads_core::JobState::Partial, stored));
        let undone = direct.revert_import(other, job.id).await.unwrap();
        assert_eq!((undone.deleted, undone.conflicts.len()), (stored, 0));
        assert!(
            stored_ids(&direct, other).await.is_empty(),
            "the revert removed what the partial job stored"
        );

        // Phase 2: more faults, answers lost after commit too, with retries: it completes, and
        // the file ends up stored once, whole.
        let (proxy_url, connections) =
            proxy(upstream, vec![Pass, LoseAnswer, Unavailable, Pass, Reset, Hang, Pass]).await;
        let progress = Arc::new(AtomicUsize::new(0));
        let seen = progress.clone();
        let retrying = SupabaseStore::new(
            &format!("{proxy_url}/{path}"),
            &key,
            SupabaseOptions {
                retries: 8,
                progress: Some(Arc::new(move |p| {
                    seen.fetch_max(p.batches_done, Ordering::Relaxed);
                })),
                ..options
            },
        )
        .unwrap();
        let done = retrying.upsert_leads(user, &file).await.unwrap();
        assert_eq!(done.inserted + done.updated + done.unchanged, 1000);
        assert!(done.inserted as usize <= 1000 - expected.len());
        assert_eq!(progress.load(Ordering::Relaxed), 20, "progress reached every batch");
        assert!(connections.load(Ordering::Relaxed) > 20, "faults made it retry");
        let mut all: Vec<String> = file.iter().map(|l| l.lead_id.clone()).collect();
        all.sort();
        assert_eq!(stored_ids(&direct, user).await, all, "no loss, no duplicates");
        // And once more: nothing changes.
        let again = direct.upsert_leads(user, &file).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 1000));
    });
}
