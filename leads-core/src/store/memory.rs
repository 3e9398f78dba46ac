//! `MemoryStore`: the embedded store, all in process memory, on every target including wasm.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use uuid::Uuid;

use crate::auth::new_uuid;
use crate::error::{Error, ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::patch::{LeadPatch, salesperson_name};
use crate::model::{Clock, Lead, StoredLead, Timestamp, UpsertOutcome, User, UserRecord};
use crate::query::LeadQuery;
use crate::query::cursor::{Cursor, compare};
use crate::query::filter::{eq_ci, matches};
use crate::store::job::{ItemAction, Job, JobCursor, JobFinish, JobPage, JobStart, JobState, Reverted, Undo};
use crate::store::{
    BatchedWrites, Decision, Member, Page, Salesperson, Store, Team, Workspace, WritePlan, dedupe_last,
    team_name,
};

/// The embedded store. Cheap to create; everything is lost when it is dropped.
///
/// ```
/// use leads_core::{ImportMode, ImportOptions, LeadQuery, MemoryStore, Store};
///
/// # pollster::block_on(async {
/// let store = MemoryStore::new();
/// let params = leads_core::PasswordParams::insecure_for_tests();
/// let user = leads_core::register(&store, "ann", "correct horse", params).await?.uuid;
/// let csv = "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,Hot,Open\n";
/// let done = store.import_csv(user, csv.as_bytes(), &ImportOptions::default(), ImportMode::Strict).await?;
/// assert_eq!(done.imported.inserted, 1);
/// let page = store.query(user, &"status=open".parse::<LeadQuery>()?).await?;
/// assert_eq!(page.items[0].lead.lead_name, "Ann");
/// # Ok::<(), leads_core::Error>(())
/// # }).unwrap();
/// ```
pub struct MemoryStore {
    clock: Clock,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    users: Vec<UserRecord>,
    data: HashMap<Uuid, UserData>,
    /// Per user: tokens issued before it are refused.
    tokens_valid_after: HashMap<Uuid, Timestamp>,
    /// Per lower-cased username: when logins failed.
    login_failures: HashMap<String, Vec<Timestamp>>,
}

#[derive(Default)]
struct UserData {
    leads: BTreeMap<String, StoredLead>,
    salespeople: Vec<Person>,
    teams: Vec<Team>,
    members: Vec<Member>,
    /// Lead ID → the job that wrote the lead last (absent: written by no job since).
    written_by: HashMap<String, Uuid>,
    jobs: Vec<JobRecord>,
}

/// A salesperson as kept.
struct Person {
    id: Uuid,
    name: String,
    active: bool,
    team: Option<Uuid>,
}

impl Person {
    fn new(name: String) -> Self {
        Person { id: new_uuid(), name, active: true, team: None }
    }
}

/// A job and what revert needs of each lead it wrote.
struct JobRecord {
    job: Job,
    items: BTreeMap<String, Item>,
}

struct Item {
    action: ItemAction,
    /// The lead before the job, and the job that had written it last.
    before: Option<(StoredLead, Option<Uuid>)>,
}

/// On the system clock. (On wasm32 there is no system clock to read: use
/// [`MemoryStore::with_clock`] with the host's time.)
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::with_clock(crate::model::system_clock())
    }
}

fn not_found(what: &'static str, id: impl ToString) -> Error {
    ErrorKind::NotFound { what, id: id.to_string() }.into()
}

impl MemoryStore {
    /// An empty store on the system clock (on wasm32, give a clock with [`with_clock`](Self::with_clock)).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    #[must_use]
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// An empty store whose timestamps come from `clock`.
    #[must_use]
    pub fn with_clock(clock: Clock) -> Self {
        MemoryStore { clock, inner: Mutex::new(Inner::default()) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps half-changed in a way that
        // matters more than losing them: keep serving.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }
}

impl Inner {
    /// The data of a registered user: leads and salespeople belong to a user, as the
    /// database's foreign key has it.
    fn user_data(&mut self, user: Uuid) -> Result<&mut UserData> {
        if !self.users.iter().any(|u| u.user.uuid == user) {
            return Err(not_found("user", user));
        }
        Ok(self.data.entry(user).or_default())
    }
}

impl UserData {
    fn add_salesperson_if_new(&mut self, name: &str) {
        if !self.salespeople.iter().any(|p| eq_ci(&p.name, name)) {
            self.salespeople.push(Person::new(name.to_owned()));
        }
    }

    /// The record of `job`, created (partial, at `now`) if this is its first write.
    fn job(&mut self, job: &JobStart, now: Timestamp) -> &mut JobRecord {
        let index = match self.jobs.iter().position(|r| r.job.id == job.id) {
            Some(i) => i,
            None => {
                // Later than every job before it, so the history's order is the order jobs
                // began even when the clock ticks coarsely (a browser's is in milliseconds).
                let after =
                    self.jobs.iter().map(|r| r.job.created_at.as_micros() + 1).max().unwrap_or(i64::MIN);
                let at = Timestamp::from_micros(now.as_micros().max(after));
                self.jobs.push(JobRecord { job: job.record(at), items: BTreeMap::new() });
                self.jobs.len() - 1
            }
        };
        &mut self.jobs[index]
    }

    fn find_job(&mut self, id: Uuid) -> Result<&mut JobRecord> {
        self.jobs.iter_mut().find(|r| r.job.id == id).ok_or_else(|| not_found("import", id))
    }

    /// Notes that `job` (or no job) wrote the lead of `lead_id`, keeping what revert needs.
    fn note_write(
        &mut self,
        job: Option<&JobStart>,
        lead_id: &str,
        action: ItemAction,
        before: Option<StoredLead>,
        now: Timestamp,
    ) {
        let previous = match job {
            Some(j) => self.written_by.insert(lead_id.to_owned(), j.id),
            None => self.written_by.remove(lead_id),
        };
        if let Some(job) = job {
            let record = self.job(job, now);
            record
                .items
                .entry(lead_id.to_owned())
                .or_insert(Item { action, before: before.map(|b| (b, previous)) });
        }
    }

    fn salesperson(&self, id: Uuid) -> Result<usize> {
        self.salespeople.iter().position(|p| p.id == id).ok_or_else(|| not_found("salesperson", id))
    }

    fn describe(&self, index: usize) -> Salesperson {
        let Person { id, name, active, team } = &self.salespeople[index];
        let lead_count = self
            .leads
            .values()
            .filter(|l| l.lead.salesperson.as_deref().is_some_and(|s| eq_ci(s, name)))
            .count();
        Salesperson {
            id: *id,
            name: name.clone(),
            active: *active,
            lead_count: lead_count as u64,
            team_id: *team,
        }
    }
}

impl Store for MemoryStore {
    type Writes<'a> = BatchedWrites<'a, Self>;

    async fn begin_import(
        &self,
        user: Uuid,
        _atomic: bool,
        job: JobStart,
    ) -> Result<BatchedWrites<'_, Self>> {
        Ok(BatchedWrites::new(self, user, job))
    }

    async fn create_user(&self, uuid: Uuid, username: &str, password: &str) -> Result<User> {
        let created_at = self.now();
        let mut inner = self.lock();
        if inner.users.iter().any(|u| u.user.username.eq_ignore_ascii_case(username)) {
            return Err(ErrorKind::UsernameTaken { username: username.to_owned() }.into());
        }
        let user = User { uuid, username: username.to_owned(), created_at };
        inner.users.push(UserRecord { user: user.clone(), password: password.to_owned() });
        Ok(user)
    }

    async fn find_user(&self, username: &str) -> Result<Option<UserRecord>> {
        Ok(self.lock().users.iter().find(|u| u.user.username.eq_ignore_ascii_case(username)).cloned())
    }

    async fn set_password(&self, user: Uuid, password: &str) -> Result<()> {
        let mut inner = self.lock();
        let record =
            inner.users.iter_mut().find(|u| u.user.uuid == user).ok_or_else(|| not_found("user", user))?;
        record.password = password.to_owned();
        Ok(())
    }

    async fn account(&self, user: Uuid) -> Result<Option<crate::model::Account>> {
        let inner = self.lock();
        Ok(inner.users.iter().find(|u| u.user.uuid == user).map(|record| crate::model::Account {
            record: record.clone(),
            tokens_valid_after: inner.tokens_valid_after.get(&user).copied().unwrap_or_default(),
        }))
    }

    async fn set_tokens_valid_after(&self, user: Uuid, at: Timestamp) -> Result<()> {
        let mut inner = self.lock();
        if !inner.users.iter().any(|u| u.user.uuid == user) {
            return Err(not_found("user", user));
        }
        inner.tokens_valid_after.insert(user, at);
        Ok(())
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        let inner = self.lock();
        let all = inner.login_failures.get(key).map(Vec::as_slice).unwrap_or_default();
        Ok(all.iter().copied().filter(|t| *t >= since).collect())
    }

    async fn record_login_failure(&self, key: &str, at: Timestamp) -> Result<()> {
        let mut inner = self.lock();
        let times = inner.login_failures.entry(key.to_owned()).or_default();
        // Older than any window that could ask: forgotten, so the list stays short.
        let horizon = at.as_micros() - crate::store::LOGIN_WINDOW_SECS * 1_000_000;
        times.retain(|t| t.as_micros() >= horizon);
        times.push(at);
        times.sort_unstable();
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        self.lock().login_failures.remove(key);
        Ok(())
    }

    async fn write_leads(
        &self,
        user: Uuid,
        leads: &[Lead],
        plan: &WritePlan,
        job: Option<&JobStart>,
    ) -> Result<UpsertOutcome> {
        let now = self.now();
        let mut inner = self.lock();
        let data = inner.user_data(user)?;
        if let Some(job) = job {
            data.job(job, now);
        }
        let mut outcome = UpsertOutcome::default();
        for lead in dedupe_last(leads) {
            let written = match plan.decide(data.leads.get(&lead.lead_id).map(|s| &s.lead), lead) {
                Decision::Skip => {
                    outcome.skipped += 1;
                    continue;
                }
                Decision::Unchanged => {
                    outcome.unchanged += 1;
                    continue;
                }
                Decision::Update(merged) => {
                    let stored =
                        data.leads.get_mut(&lead.lead_id).ok_or_else(|| not_found("lead", &lead.lead_id))?;
                    let before = stored.clone();
                    stored.lead = merged;
                    stored.updated_at = now;
                    outcome.updated += 1;
                    let name = stored.lead.salesperson.clone();
                    data.note_write(job, &lead.lead_id, ItemAction::Updated, Some(before), now);
                    name
                }
                Decision::Insert => {
                    let stored = StoredLead {
                        id: new_uuid(),
                        user_uuid: user,
                        created_at: now,
                        updated_at: now,
                        lead: lead.clone(),
                    };
                    data.leads.insert(lead.lead_id.clone(), stored);
                    outcome.inserted += 1;
                    data.note_write(job, &lead.lead_id, ItemAction::Inserted, None, now);
                    lead.salesperson.clone()
                }
            };
            if let Some(name) = written {
                data.add_salesperson_if_new(&name);
            }
        }
        if let Some(job) = job {
            data.job(job, now).job.counts.add(outcome, 0);
        }
        Ok(outcome)
    }

    async fn remove_leads(&self, user: Uuid, lead_ids: &[&str], job: Option<&JobStart>) -> Result<u64> {
        let now = self.now();
        let mut inner = self.lock();
        let data = inner.user_data(user)?;
        let mut deleted = 0;
        for id in lead_ids {
            if let Some(before) = data.leads.remove(*id) {
                deleted += 1;
                data.note_write(job, id, ItemAction::Deleted, Some(before), now);
                data.written_by.remove(*id);
            }
        }
        if let Some(job) = job {
            data.job(job, now).job.counts.deleted += deleted;
        }
        Ok(deleted)
    }

    async fn finish_job(&self, user: Uuid, job: &JobStart, finish: &JobFinish) -> Result<Job> {
        let now = self.now();
        let mut inner = self.lock();
        let record = inner.user_data(user)?.job(job, now);
        finish.apply(&mut record.job);
        Ok(record.job.clone())
    }

    async fn imports(&self, user: Uuid, limit: u32, cursor: Option<&str>) -> Result<JobPage> {
        let limit = crate::store::check_job_limit(limit)?;
        let cursor = cursor.map(JobCursor::decode).transpose()?;
        let inner = self.lock();
        let mut jobs: Vec<Job> = inner
            .data
            .get(&user)
            .map(|d| {
                d.jobs
                    .iter()
                    .map(|r| &r.job)
                    .filter(|j| cursor.is_none_or(|c| c.is_before(j)))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        jobs.sort_by_key(|j| std::cmp::Reverse((j.created_at, j.id)));
        jobs.truncate(limit as usize + 1);
        Ok(crate::store::job_page(jobs, limit))
    }

    async fn get_import(&self, user: Uuid, id: Uuid) -> Result<Job> {
        let mut inner = self.lock();
        let data = inner.data.get_mut(&user).ok_or_else(|| not_found("import", id))?;
        Ok(data.find_job(id)?.job.clone())
    }

    async fn revert_import(&self, user: Uuid, id: Uuid) -> Result<Reverted> {
        let now = self.now();
        let mut inner = self.lock();
        let data = inner.data.get_mut(&user).ok_or_else(|| not_found("import", id))?;
        let record = data.find_job(id)?;
        let mut done = Reverted { job: record.job.clone(), deleted: 0, restored: 0, conflicts: Vec::new() };
        if record.job.state == JobState::Reverted {
            return Ok(done);
        }
        let items = std::mem::take(&mut record.items);
        for (lead_id, item) in &items {
            let current = data.leads.get(lead_id).map(|_| data.written_by.get(lead_id).copied());
            match (crate::store::undo(item.action, id, current), &item.before) {
                (Undo::Delete, _) => {
                    data.leads.remove(lead_id);
                    data.written_by.remove(lead_id);
                    done.deleted += 1;
                }
                (Undo::Restore, Some((before, by))) => {
                    let mut restored = before.clone();
                    restored.updated_at = now;
                    if let Some(name) = &restored.lead.salesperson {
                        data.add_salesperson_if_new(name);
                    }
                    data.leads.insert(lead_id.clone(), restored);
                    match by {
                        Some(by) => data.written_by.insert(lead_id.clone(), *by),
                        None => data.written_by.remove(lead_id),
                    };
                    done.restored += 1;
                }
                _ => done.conflicts.push(lead_id.clone()),
            }
        }
        let record = data.find_job(id)?;
        record.items = items;
        record.job.state = JobState::Reverted;
        record.job.reverted_at = Some(now);
        done.job = record.job.clone();
        Ok(done)
    }

    async fn find_leads(&self, user: Uuid, lead_ids: &[&str]) -> Result<Vec<StoredLead>> {
        let inner = self.lock();
        let Some(data) = inner.data.get(&user) else { return Ok(Vec::new()) };
        Ok(lead_ids.iter().filter_map(|id| data.leads.get(*id).cloned()).collect())
    }

    async fn query(&self, user: Uuid, query: &LeadQuery) -> Result<Page> {
        query.check_offset("offset")?;
        let cursor = Cursor::decode(query)?;
        let sort = query.effective_sort();
        let limit = query.effective_limit();
        let inner = self.lock();
        let empty = BTreeMap::new();
        let leads = inner.data.get(&user).map_or(&empty, |d| &d.leads);
        let cmp = |a: &&StoredLead, b: &&StoredLead| compare(a, b, &sort);
        let skip = usize::try_from(query.offset).unwrap_or(usize::MAX);
        // The page plus one lead, to know whether another page follows.
        let want = limit as usize + 1;
        let mut total = 0u64;
        let page: Vec<&StoredLead> = if skip == 0 {
            // First page or a cursor: one pass, keeping the best `want` in a small sorted Vec.
            let mut best: Vec<&StoredLead> = Vec::with_capacity(want + 1);
            for lead in leads.values().filter(|l| matches(l, query)) {
                total += 1;
                if cursor.as_ref().is_some_and(|c| !c.is_before(lead, &sort)) {
                    continue;
                }
                if best.len() == want && cmp(&lead, &best[want - 1]) != std::cmp::Ordering::Less {
                    continue;
                }
                let at = best.partition_point(|b| cmp(b, &lead) == std::cmp::Ordering::Less);
                best.insert(at, lead);
                best.truncate(want);
            }
            best
        } else {
            // A deep offset: partition away the `offset` smallest, then all beyond the page.
            let mut matching: Vec<&StoredLead> = leads.values().filter(|l| matches(l, query)).collect();
            total = matching.len() as u64;
            if let Some(c) = &cursor {
                matching.retain(|l| c.is_before(l, &sort));
            }
            if skip >= matching.len() {
                Vec::new()
            } else {
                matching.select_nth_unstable_by(skip, cmp);
                let window = &mut matching[skip..];
                let want = want.min(window.len());
                if want < window.len() {
                    window.select_nth_unstable_by(want - 1, cmp);
                }
                let window = &mut window[..want];
                window.sort_unstable_by(cmp);
                window.to_vec()
            }
        };
        let total = query.total.then_some(total);
        Ok(Page::of_fetched(page.into_iter().cloned().collect(), query, total))
    }

    async fn get_lead(&self, user: Uuid, lead_id: &str) -> Result<StoredLead> {
        let inner = self.lock();
        inner
            .data
            .get(&user)
            .and_then(|d| d.leads.get(lead_id))
            .cloned()
            .ok_or_else(|| not_found("lead", lead_id))
    }

    async fn update_lead(&self, user: Uuid, lead_id: &str, patch: &LeadPatch) -> Result<StoredLead> {
        let now = self.now();
        let mut inner = self.lock();
        let data = inner.data.get_mut(&user).ok_or_else(|| not_found("lead", lead_id))?;
        let stored = data.leads.get_mut(lead_id).ok_or_else(|| not_found("lead", lead_id))?;
        let changed = patch.apply(&stored.lead, &ImportOptions::default())?;
        if changed != stored.lead {
            stored.lead = changed;
            stored.updated_at = now;
            data.written_by.remove(lead_id);
        }
        let stored = data.leads.get(lead_id).cloned().ok_or_else(|| not_found("lead", lead_id))?;
        if let Some(name) = &stored.lead.salesperson {
            data.add_salesperson_if_new(name);
        }
        Ok(stored)
    }

    async fn delete_lead(&self, user: Uuid, lead_id: &str) -> Result<()> {
        let mut inner = self.lock();
        let data = inner.data.get_mut(&user).ok_or_else(|| not_found("lead", lead_id))?;
        data.written_by.remove(lead_id);
        data.leads.remove(lead_id).map(drop).ok_or_else(|| not_found("lead", lead_id))
    }

    async fn add_salesperson(&self, user: Uuid, name: &str) -> Result<Salesperson> {
        let name = salesperson_name(name)?;
        let mut inner = self.lock();
        let data = inner.user_data(user)?;
        if data.salespeople.iter().any(|p| eq_ci(&p.name, &name)) {
            return Err(ErrorKind::SalespersonExists { name }.into());
        }
        data.salespeople.push(Person::new(name));
        Ok(data.describe(data.salespeople.len() - 1))
    }

    async fn rename_salesperson(&self, user: Uuid, id: Uuid, name: &str) -> Result<Salesperson> {
        let name = salesperson_name(name)?;
        let now = self.now();
        let mut inner = self.lock();
        let data = inner.data.get_mut(&user).ok_or_else(|| not_found("salesperson", id))?;
        let index = data.salesperson(id)?;
        if data.salespeople.iter().any(|p| p.id != id && eq_ci(&p.name, &name)) {
            return Err(ErrorKind::SalespersonExists { name }.into());
        }
        let old = std::mem::replace(&mut data.salespeople[index].name, name.clone());
        for stored in data.leads.values_mut() {
            if stored.lead.salesperson.as_deref().is_some_and(|s| eq_ci(s, &old))
                && stored.lead.salesperson.as_deref() != Some(&name)
            {
                stored.lead.salesperson = Some(name.clone());
                stored.updated_at = now;
                // Changed since the job that wrote it: reverting that job leaves it.
                data.written_by.remove(&stored.lead.lead_id);
            }
        }
        Ok(data.describe(index))
    }

    async fn deactivate_salesperson(&self, user: Uuid, id: Uuid) -> Result<Salesperson> {
        let mut inner = self.lock();
        let data = inner.data.get_mut(&user).ok_or_else(|| not_found("salesperson", id))?;
        let index = data.salesperson(id)?;
        data.salespeople[index].active = false;
        Ok(data.describe(index))
    }

    async fn salespeople(&self, user: Uuid) -> Result<Vec<Salesperson>> {
        let inner = self.lock();
        let Some(data) = inner.data.get(&user) else { return Ok(Vec::new()) };
        let mut out: Vec<Salesperson> = (0..data.salespeople.len()).map(|i| data.describe(i)).collect();
        out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    async fn salesperson_names(&self, workspace: Uuid) -> Result<Vec<crate::store::SalespersonName>> {
        let inner = self.lock();
        let people = inner.data.get(&workspace).map(|d| d.salespeople.as_slice()).unwrap_or_default();
        Ok(people
            .iter()
            .map(|p| crate::store::SalespersonName { id: p.id, name: p.name.clone(), team_id: p.team })
            .collect())
    }

    async fn set_salesperson_team(
        &self,
        workspace: Uuid,
        salesperson: Uuid,
        team: Option<Uuid>,
    ) -> Result<Salesperson> {
        let mut inner = self.lock();
        let data = inner.user_data(workspace)?;
        let index = data.salesperson(salesperson)?;
        if let Some(team) = team
            && !data.teams.iter().any(|t| t.id == team)
        {
            return Err(not_found("team", team));
        }
        data.salespeople[index].team = team;
        Ok(data.describe(index))
    }

    async fn add_team(&self, workspace: Uuid, name: &str) -> Result<Team> {
        let name = team_name(name)?;
        let mut inner = self.lock();
        let data = inner.user_data(workspace)?;
        if data.teams.iter().any(|t| eq_ci(&t.name, &name)) {
            return Err(ErrorKind::AlreadyExists { what: "team", name }.into());
        }
        let team = Team { id: new_uuid(), name };
        data.teams.push(team.clone());
        Ok(team)
    }

    async fn teams(&self, workspace: Uuid) -> Result<Vec<Team>> {
        let inner = self.lock();
        let mut teams = inner.data.get(&workspace).map(|d| d.teams.clone()).unwrap_or_default();
        teams.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
        Ok(teams)
    }

    async fn put_member(&self, workspace: Uuid, member: &Member, new: bool) -> Result<Member> {
        let mut inner = self.lock();
        let data = inner.user_data(workspace)?;
        match (data.members.iter_mut().find(|m| m.user_uuid == member.user_uuid), new) {
            (Some(_), true) => {
                Err(ErrorKind::AlreadyExists { what: "member", name: member.username.clone() }.into())
            }
            (None, false) => Err(not_found("member", member.user_uuid)),
            (Some(kept), false) => {
                kept.clone_from(member);
                Ok(member.clone())
            }
            (None, true) => {
                data.members.push(member.clone());
                Ok(member.clone())
            }
        }
    }

    async fn remove_member(&self, workspace: Uuid, user: Uuid) -> Result<()> {
        let mut inner = self.lock();
        let data = inner.data.get_mut(&workspace).ok_or_else(|| not_found("member", user))?;
        let before = data.members.len();
        data.members.retain(|m| m.user_uuid != user);
        if data.members.len() == before { Err(not_found("member", user)) } else { Ok(()) }
    }

    async fn memberships(&self, user: Uuid) -> Result<Vec<Workspace>> {
        let inner = self.lock();
        let mut all: Vec<Workspace> = inner
            .data
            .iter()
            .filter_map(|(ws, data)| {
                let member = data.members.iter().find(|m| m.user_uuid == user)?;
                let owner = inner.users.iter().find(|u| u.user.uuid == *ws)?;
                Some(Workspace { uuid: *ws, username: owner.user.username.clone(), role: member.role })
            })
            .collect();
        all.sort_by_key(|w| w.username.to_lowercase());
        Ok(all)
    }

    async fn members(&self, workspace: Uuid) -> Result<Vec<Member>> {
        let inner = self.lock();
        let mut members = inner.data.get(&workspace).map(|d| d.members.clone()).unwrap_or_default();
        members.sort_by_key(|m| m.username.to_lowercase());
        Ok(members)
    }
}
