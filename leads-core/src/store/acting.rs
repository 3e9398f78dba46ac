//! A user acting in a workspace (DESIGN §6): [`Acting`] looks up the actor's access on every
//! call and does what the role table allows, on any store. A lead outside the actor's scope is
//! `not_found`; an operation their role lacks is `forbidden`, naming the permission.

use std::io::{Read, Write};
use std::ops::ControlFlow;

use uuid::Uuid;

use crate::auth::{Access, Permission};
use crate::error::{Error, ErrorKind, Result};
use crate::import::options::ImportOptions;
use crate::import::rules::patch::LeadPatch;
use crate::model::{Lead, StoredLead, UpsertOutcome};
use crate::query::LeadQuery;
use crate::store::job::{Job, JobFinish, JobPage, Reverted, check_bulk};
use crate::store::members::{Member, MemberChange, Team};
use crate::store::{
    DryRunWrites, ImportMode, ImportWrites, Imported, MaybeSend, Page, ProgressCallback, Salesperson, Store,
    WritePlan, bulk_delete, bulk_update, dedupe_last, import_job, import_with_progress,
};

/// `actor` working in `workspace` (the workspace's own user is its owner; anyone else must be
/// a member). Build one per request: access is looked up on every call.
///
/// ```
/// use leads_core::{Acting, MemoryStore, Role, Store};
///
/// # pollster::block_on(async {
/// let store = MemoryStore::new();
/// let params = leads_core::PasswordParams::insecure_for_tests();
/// let owner = leads_core::register(&store, "olga", "correct horse", params).await?.uuid;
/// let rep = leads_core::register(&store, "ravi", "correct horse", params).await?.uuid;
/// let ravi = store.add_salesperson(owner, "Ravi Rao").await?;
/// store.add_member(owner, "ravi", Role::Rep, Some(ravi.id), &[]).await?;
/// let as_rep = Acting::new(&store, rep, owner);
/// assert_eq!(as_rep.query(&Default::default()).await?.items.len(), 0);
/// assert_eq!(as_rep.delete_lead("L-1").await.unwrap_err().code(), "forbidden");
/// # Ok::<(), leads_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct Acting<'s, S: ?Sized> {
    store: &'s S,
    /// Who acts.
    pub actor: Uuid,
    /// Whose workspace (its owner's uuid).
    pub workspace: Uuid,
}

impl<'s, S: Store + ?Sized> Acting<'s, S> {
    /// `actor` in `workspace` of `store`.
    pub fn new(store: &'s S, actor: Uuid, workspace: Uuid) -> Self {
        Acting { store, actor, workspace }
    }

    /// The actor's access now.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`] for someone who is not a member.
    pub async fn access(&self) -> Result<Access> {
        self.store.access(self.workspace, self.actor).await
    }

    async fn allowed(&self, permission: Permission) -> Result<Access> {
        let access = self.access().await?;
        access.require(permission)?;
        Ok(access)
    }

    /// The lead of `lead_id` if the actor sees it.
    async fn visible(&self, access: &Access, lead_id: &str) -> Result<StoredLead> {
        let lead = self.store.get_lead(self.workspace, lead_id).await?;
        if access.sees(&lead.lead) {
            Ok(lead)
        } else {
            Err(ErrorKind::NotFound { what: "lead", id: lead_id.to_owned() }.into())
        }
    }

    /// A page of the leads the actor sees.
    ///
    /// # Errors
    /// As [`Store::query`]; [`ErrorKind::Forbidden`] for a non-member.
    pub async fn query(&self, query: &LeadQuery) -> Result<Page> {
        let access = self.allowed(Permission::ReadLeads).await?;
        self.store.query(self.workspace, &access.narrow(query)).await
    }

    /// One lead the actor sees.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for a lead outside their scope too.
    pub async fn get_lead(&self, lead_id: &str) -> Result<StoredLead> {
        let access = self.allowed(Permission::ReadLeads).await?;
        self.visible(&access, lead_id).await
    }

    /// Changes one lead in scope; changing its salesperson needs `reassign`, and a scoped
    /// member cannot move a lead out of their scope.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], [`ErrorKind::NotFound`], and as [`Store::update_lead`].
    pub async fn update_lead(&self, lead_id: &str, patch: &LeadPatch) -> Result<StoredLead> {
        let access = self.allowed(Permission::EditLeads).await?;
        let lead = self.visible(&access, lead_id).await?;
        if patch.salesperson.is_some() {
            let after = patch.apply(&lead.lead, &ImportOptions::default())?;
            if after.salesperson != lead.lead.salesperson {
                access.require(Permission::Reassign)?;
                if !access.sees(&after) {
                    return Err(out_of_scope(&access, Permission::Reassign));
                }
            }
        }
        self.store.update_lead(self.workspace, lead_id, patch).await
    }

    /// Deletes one lead in scope.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], [`ErrorKind::NotFound`].
    pub async fn delete_lead(&self, lead_id: &str) -> Result<()> {
        let access = self.allowed(Permission::DeleteLeads).await?;
        self.visible(&access, lead_id).await?;
        self.store.delete_lead(self.workspace, lead_id).await
    }

    /// [`Store::update_leads`] on the leads the actor sees (a patch's salesperson must be one
    /// they see too).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::update_leads`].
    pub async fn update_leads(&self, query: &LeadQuery, patch: &LeadPatch, all: bool) -> Result<Job> {
        let access = self.allowed(Permission::DeleteLeads).await?;
        check_bulk(query, all)?;
        if let Some(salesperson) = &patch.salesperson {
            access.require(Permission::Reassign)?;
            let probe = Lead { salesperson: salesperson.clone(), ..placeholder() };
            if !access.sees(&probe) {
                return Err(out_of_scope(&access, Permission::Reassign));
            }
        }
        bulk_update(self.store, self.workspace, self.actor, &access.narrow(query), patch).await
    }

    /// [`Store::delete_leads`] on the leads the actor sees.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::delete_leads`].
    pub async fn delete_leads(&self, query: &LeadQuery, all: bool) -> Result<Job> {
        let access = self.allowed(Permission::DeleteLeads).await?;
        check_bulk(query, all)?;
        bulk_delete(self.store, self.workspace, self.actor, &access.narrow(query)).await
    }

    /// [`Store::import_csv_with_progress`] as the actor (recorded as theirs); a manager of teams
    /// may only write leads of their teams' salespeople.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::import_csv_with_progress`].
    pub async fn import_csv_with_progress<R: Read + MaybeSend>(
        &self,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
        progress: &mut ProgressCallback<'_>,
    ) -> Result<Imported> {
        let access = self.allowed(Permission::Import).await?;
        let job = import_job(self.actor, options, mode);
        let writes = self.store.begin_import(self.workspace, mode == ImportMode::Strict, job).await?;
        let writes = Scoped { inner: writes, store: self.store, workspace: self.workspace, access };
        import_with_progress(writes, input, options, mode, progress).await
    }

    /// [`import_csv_with_progress`](Self::import_csv_with_progress) without progress.
    ///
    /// # Errors
    /// As [`import_csv_with_progress`](Self::import_csv_with_progress).
    pub async fn import_csv<R: Read + MaybeSend>(
        &self,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
    ) -> Result<Imported> {
        self.import_csv_with_progress(input, options, mode, &mut |_| ControlFlow::Continue(())).await
    }

    /// [`Store::dry_run_csv_with_progress`] as the actor, with the same scope checks as an import.
    ///
    /// # Errors
    /// As [`import_csv_with_progress`](Self::import_csv_with_progress).
    pub async fn dry_run_csv_with_progress<R: Read + MaybeSend>(
        &self,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
        progress: &mut ProgressCallback<'_>,
    ) -> Result<Imported> {
        let access = self.allowed(Permission::Import).await?;
        let mut changes = Vec::new();
        let writes = DryRunWrites { store: self.store, user: self.workspace, changes: &mut changes };
        let writes = Scoped { inner: writes, store: self.store, workspace: self.workspace, access };
        let mut done = import_with_progress(writes, input, options, mode, progress).await?;
        done.changes = Some(changes);
        Ok(done)
    }

    /// [`dry_run_csv_with_progress`](Self::dry_run_csv_with_progress) without progress.
    ///
    /// # Errors
    /// As [`import_csv_with_progress`](Self::import_csv_with_progress).
    pub async fn dry_run_csv<R: Read + MaybeSend>(
        &self,
        input: R,
        options: &ImportOptions,
        mode: ImportMode,
    ) -> Result<Imported> {
        self.dry_run_csv_with_progress(input, options, mode, &mut |_| ControlFlow::Continue(())).await
    }

    /// The workspace's import history (needs `import`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::imports`].
    pub async fn imports(&self, limit: u32, cursor: Option<&str>) -> Result<JobPage> {
        self.allowed(Permission::Import).await?;
        self.store.imports(self.workspace, limit, cursor).await
    }

    /// One job of the history (needs `import`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], [`ErrorKind::NotFound`].
    pub async fn get_import(&self, id: Uuid) -> Result<Job> {
        self.allowed(Permission::Import).await?;
        self.store.get_import(self.workspace, id).await
    }

    /// Reverts a job (needs `import`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], [`ErrorKind::NotFound`].
    pub async fn revert_import(&self, id: Uuid) -> Result<Reverted> {
        self.allowed(Permission::Import).await?;
        self.store.revert_import(self.workspace, id).await
    }

    /// [`export_csv`](crate::export_csv) of the leads the actor sees.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`export_csv`](crate::export_csv).
    pub async fn export_csv<W: Write + MaybeSend>(&self, query: &LeadQuery, out: W) -> Result<u64> {
        let access = self.allowed(Permission::ReadLeads).await?;
        crate::store::export_csv(self.store, self.workspace, &access.narrow(query), out).await
    }

    /// The workspace's salespeople (any member).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`] for a non-member.
    pub async fn salespeople(&self) -> Result<Vec<Salesperson>> {
        self.allowed(Permission::ReadLeads).await?;
        self.store.salespeople(self.workspace).await
    }

    /// Adds a salesperson (needs `manage_salespeople`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::add_salesperson`].
    pub async fn add_salesperson(&self, name: &str) -> Result<Salesperson> {
        self.allowed(Permission::ManageSalespeople).await?;
        self.store.add_salesperson(self.workspace, name).await
    }

    /// Renames a salesperson (needs `manage_salespeople`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::rename_salesperson`].
    pub async fn rename_salesperson(&self, id: Uuid, name: &str) -> Result<Salesperson> {
        self.allowed(Permission::ManageSalespeople).await?;
        self.store.rename_salesperson(self.workspace, id, name).await
    }

    /// Deactivates a salesperson (needs `manage_salespeople`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::deactivate_salesperson`].
    pub async fn deactivate_salesperson(&self, id: Uuid) -> Result<Salesperson> {
        self.allowed(Permission::ManageSalespeople).await?;
        self.store.deactivate_salesperson(self.workspace, id).await
    }

    /// Puts a salesperson in a team (needs `manage_salespeople`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::set_salesperson_team`].
    pub async fn set_salesperson_team(&self, id: Uuid, team: Option<Uuid>) -> Result<Salesperson> {
        self.allowed(Permission::ManageSalespeople).await?;
        self.store.set_salesperson_team(self.workspace, id, team).await
    }

    /// Adds a team (needs `manage_salespeople`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::add_team`].
    pub async fn add_team(&self, name: &str) -> Result<Team> {
        self.allowed(Permission::ManageSalespeople).await?;
        self.store.add_team(self.workspace, name).await
    }

    /// The workspace's teams (any member).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`] for a non-member.
    pub async fn teams(&self) -> Result<Vec<Team>> {
        self.allowed(Permission::ReadLeads).await?;
        self.store.teams(self.workspace).await
    }

    /// The workspace's members (any member).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`] for a non-member.
    pub async fn members(&self) -> Result<Vec<Member>> {
        self.allowed(Permission::ReadLeads).await?;
        self.store.members(self.workspace).await
    }

    /// Adds a member (needs `manage_members`).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::add_member`].
    pub async fn add_member(
        &self,
        username: &str,
        role: crate::auth::Role,
        salesperson_id: Option<Uuid>,
        team_ids: &[Uuid],
    ) -> Result<Member> {
        self.allowed(Permission::ManageMembers).await?;
        self.store.add_member(self.workspace, username, role, salesperson_id, team_ids).await
    }

    /// Changes a member (needs `manage_members`; nobody changes the owner).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], and as [`Store::change_member`].
    pub async fn change_member(&self, user: Uuid, change: &MemberChange) -> Result<Member> {
        let access = self.allowed(Permission::ManageMembers).await?;
        if user == self.workspace {
            return Err(out_of_scope(&access, Permission::ManageMembers));
        }
        self.store.change_member(self.workspace, user, change).await
    }

    /// Removes a member (needs `manage_members`; nobody removes the owner).
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`], [`ErrorKind::NotFound`].
    pub async fn remove_member(&self, user: Uuid) -> Result<()> {
        let access = self.allowed(Permission::ManageMembers).await?;
        if user == self.workspace {
            return Err(out_of_scope(&access, Permission::ManageMembers));
        }
        self.store.remove_member(self.workspace, user).await
    }
}

/// `forbidden` for a permission the role has but not for this lead or member.
fn out_of_scope(access: &Access, permission: Permission) -> Error {
    ErrorKind::Forbidden { permission: permission.as_str().into(), role: access.role.as_str().into() }.into()
}

fn placeholder() -> Lead {
    Lead {
        lead_id: String::new(),
        lead_name: String::new(),
        contact_information: String::new(),
        source: String::new(),
        interest_level: crate::model::InterestLevel::Low,
        status: String::new(),
        salesperson: None,
    }
}

/// An import's writes, checked against a scoped member's scope first: every lead it would
/// insert, and every stored lead it would update, before and after, must be one they see.
struct Scoped<'a, W, S: ?Sized> {
    inner: W,
    store: &'a S,
    workspace: Uuid,
    access: Access,
}

impl<W: ImportWrites, S: Store + ?Sized> ImportWrites for Scoped<'_, W, S> {
    fn is_atomic(&self) -> bool {
        self.inner.is_atomic()
    }

    fn batch_size(&self) -> usize {
        self.inner.batch_size()
    }

    async fn write(&mut self, leads: &[Lead], plan: &WritePlan) -> Result<UpsertOutcome> {
        if self.access.scope != crate::auth::Scope::All {
            let unique = dedupe_last(leads);
            let ids: Vec<&str> = unique.iter().map(|l| l.lead_id.as_str()).collect();
            let stored = self.store.find_leads(self.workspace, &ids).await?;
            for lead in unique {
                let before = stored.iter().find(|s| s.lead.lead_id == lead.lead_id).map(|s| &s.lead);
                let after = match plan.decide(before, lead) {
                    crate::store::Decision::Insert => Some(lead.clone()),
                    crate::store::Decision::Update(merged) => Some(merged),
                    _ => None,
                };
                let outside = before.is_some_and(|b| !self.access.sees(b))
                    || after.as_ref().is_some_and(|a| !self.access.sees(a));
                if outside {
                    return Err(ErrorKind::Forbidden {
                        permission: format!("import lead {:?} outside their teams", lead.lead_id),
                        role: self.access.role.as_str().into(),
                    }
                    .into());
                }
            }
        }
        self.inner.write(leads, plan).await
    }

    async fn commit(self, finish: &JobFinish) -> Result<(UpsertOutcome, Option<Job>)> {
        self.inner.commit(finish).await
    }
}
