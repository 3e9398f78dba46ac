-- Members' access under Row Level Security (DESIGN §6's role table, as leads-core's auth decides
-- it): a member's own token over raw PostgREST reads and changes exactly what their role allows
-- in the workspaces they belong to, looked up on every statement (removing a member or changing
-- a role takes effect at once), and nothing with a revoked token.
--
-- One function gives the caller's role and scope in every workspace they belong to:
--   leads_access() → (workspace, role, names): role 'owner' for their own workspace, else their
--   member role; names null when they see every lead there (owner, admin, viewer, a manager
--   without teams), else the lower-cased salesperson names whose leads they see (a rep's own
--   salesperson, a team manager's teams' salespeople). Nothing for a revoked token.
-- Every policy asks it in an uncorrelated subquery: it runs once per statement, not per row.

create or replace function public.leads_access()
returns table (workspace uuid, role text, names text[])
language sql stable security definer set search_path = public as $$
  select auth.uid(), 'owner', null::text[]
  where auth.uid() is not null and leads_token_fresh()
  union all
  select m.workspace, m.role,
         case
           when m.role in ('admin', 'viewer') or (m.role = 'manager' and cardinality(m.team_ids) = 0) then null
           when m.role = 'rep' then array(
             select lower(s.name) from "Salespeople" s where s.user_uuid = m.workspace and s.id = m.salesperson_id)
           else array(
             select lower(s.name) from "Salespeople" s
             where s.user_uuid = m.workspace and s.team_id = any (m.team_ids))
         end
  from "Members" m
  where m.user_uuid = auth.uid() and leads_token_fresh()
$$;

revoke all on function public.leads_access() from public, anon;
grant execute on function public.leads_access() to authenticated, service_role;

-- Leads: read within scope; write per role, the row in scope before and after (so a rep cannot
-- move a lead to another salesperson, nor a team's manager out of their teams).
drop policy if exists leads_own on public."Leads";
drop policy if exists leads_read on public."Leads";
create policy leads_read on public."Leads" for select to authenticated
  using (user_uuid in (select a.workspace from leads_access() a where a.names is null)
         or (user_uuid, lower(salesperson)) in (select a.workspace, n from leads_access() a, unnest(a.names) n));
drop policy if exists leads_insert on public."Leads";
create policy leads_insert on public."Leads" for insert to authenticated
  with check (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager'))
              and (user_uuid in (select a.workspace from leads_access() a where a.names is null)
                   or (user_uuid, lower(salesperson)) in (select a.workspace, n from leads_access() a, unnest(a.names) n)));
drop policy if exists leads_update on public."Leads";
create policy leads_update on public."Leads" for update to authenticated
  using (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager', 'rep'))
         and (user_uuid in (select a.workspace from leads_access() a where a.names is null)
              or (user_uuid, lower(salesperson)) in (select a.workspace, n from leads_access() a, unnest(a.names) n)))
  with check (user_uuid in (select a.workspace from leads_access() a where a.names is null)
              or (user_uuid, lower(salesperson)) in (select a.workspace, n from leads_access() a, unnest(a.names) n));
drop policy if exists leads_delete on public."Leads";
create policy leads_delete on public."Leads" for delete to authenticated
  using (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager'))
         and (user_uuid in (select a.workspace from leads_access() a where a.names is null)
              or (user_uuid, lower(salesperson)) in (select a.workspace, n from leads_access() a, unnest(a.names) n)));

-- Salespeople and teams: every member reads them; owners, admins and managers change them.
drop policy if exists salespeople_own on public."Salespeople";
drop policy if exists salespeople_read on public."Salespeople";
create policy salespeople_read on public."Salespeople" for select to authenticated
  using (user_uuid in (select a.workspace from leads_access() a));
drop policy if exists salespeople_write on public."Salespeople";
create policy salespeople_write on public."Salespeople" for all to authenticated
  using (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')))
  with check (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')));

drop policy if exists teams_own on public."Teams";
drop policy if exists teams_read on public."Teams";
create policy teams_read on public."Teams" for select to authenticated
  using (user_uuid in (select a.workspace from leads_access() a));
drop policy if exists teams_write on public."Teams";
create policy teams_write on public."Teams" for all to authenticated
  using (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')))
  with check (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')));

-- Imports and their items: those who may import (owner, admin, manager).
drop policy if exists imports_own on public."Imports";
create policy imports_own on public."Imports" for all to authenticated
  using (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')))
  with check (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')));
drop policy if exists import_items_own on public."ImportItems";
create policy import_items_own on public."ImportItems" for all to authenticated
  using (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')))
  with check (user_uuid in (select a.workspace from leads_access() a where a.role in ('owner', 'admin', 'manager')));

-- Members: every member reads the list, and their own memberships; owners and admins change it
-- (the owner is not a row here, so no admin can remove or demote them).
drop policy if exists members_own on public."Members";
drop policy if exists members_self on public."Members";
drop policy if exists members_read on public."Members";
create policy members_read on public."Members" for select to authenticated
  using (workspace in (select a.workspace from leads_access() a)
         or (user_uuid = (select auth.uid()) and (select leads_token_fresh())));
drop policy if exists members_write on public."Members";
create policy members_write on public."Members" for all to authenticated
  using (workspace in (select a.workspace from leads_access() a where a.role in ('owner', 'admin')))
  with check (workspace in (select a.workspace from leads_access() a where a.role in ('owner', 'admin')));

-- Users: a member reads the usernames of their workspaces' owners and members.
drop policy if exists users_members on public."Users";
create policy users_members on public."Users" for select to authenticated
  using (uuid in (select a.workspace from leads_access() a)
         or uuid in (select m.user_uuid from "Members" m
                     where m.workspace in (select a.workspace from leads_access() a)));
