-- Members' access under Row Level Security (DESIGN §6's role table, as leads-core's auth decides
-- it): a member's own token over raw PostgREST reads and changes exactly what their role allows
-- in the workspaces they belong to, looked up on every statement (removing a member or changing
-- a role takes effect at once), and nothing with a revoked token.
--
--   leads_workspaces(roles)  the workspaces where the caller has one of `roles` ('owner' for their
--                            own); empty for a revoked token
--   leads_full_scope()       the workspaces whose every lead the caller sees (owner, admin, viewer,
--                            a manager without teams)
--   leads_scoped()           (workspace, lower-cased salesperson name) pairs a scoped member sees:
--                            a rep's own salesperson, a team manager's teams' salespeople
-- Set-returning and uncorrelated, each runs once per statement, not once per row.

create or replace function public.leads_workspaces(p_roles text[])
returns setof uuid
language sql stable security definer set search_path = public as $$
  select auth.uid() where 'owner' = any (p_roles) and auth.uid() is not null and leads_token_fresh()
  union
  select m.workspace from "Members" m
  where m.user_uuid = auth.uid() and m.role = any (p_roles) and leads_token_fresh()
$$;

create or replace function public.leads_full_scope()
returns setof uuid
language sql stable security definer set search_path = public as $$
  select auth.uid() where auth.uid() is not null and leads_token_fresh()
  union
  select m.workspace from "Members" m
  where m.user_uuid = auth.uid() and leads_token_fresh()
    and (m.role in ('admin', 'viewer') or (m.role = 'manager' and cardinality(m.team_ids) = 0))
$$;

create or replace function public.leads_scoped()
returns table (workspace uuid, name text)
language sql stable security definer set search_path = public as $$
  select m.workspace, lower(s.name) from "Members" m
  join "Salespeople" s on s.user_uuid = m.workspace and s.id = m.salesperson_id
  where m.user_uuid = auth.uid() and m.role = 'rep' and leads_token_fresh()
  union
  select m.workspace, lower(s.name) from "Members" m
  join "Salespeople" s on s.user_uuid = m.workspace and s.team_id = any (m.team_ids)
  where m.user_uuid = auth.uid() and m.role = 'manager' and leads_token_fresh()
$$;

revoke all on function public.leads_workspaces(text[]), public.leads_full_scope(), public.leads_scoped()
  from public, anon;
grant execute on function public.leads_workspaces(text[]), public.leads_full_scope(), public.leads_scoped()
  to authenticated, service_role;

-- Leads: read within scope; write per role, the row in scope before and after (so a rep cannot
-- move a lead to another salesperson, nor a team's manager out of their teams).
drop policy if exists leads_own on public."Leads";
drop policy if exists leads_read on public."Leads";
create policy leads_read on public."Leads" for select to authenticated
  using (user_uuid in (select leads_full_scope())
         or (user_uuid, lower(salesperson)) in (select workspace, name from leads_scoped()));
drop policy if exists leads_insert on public."Leads";
create policy leads_insert on public."Leads" for insert to authenticated
  with check (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager']))
              and (user_uuid in (select leads_full_scope())
                   or (user_uuid, lower(salesperson)) in (select workspace, name from leads_scoped())));
drop policy if exists leads_update on public."Leads";
create policy leads_update on public."Leads" for update to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager', 'rep']))
         and (user_uuid in (select leads_full_scope())
              or (user_uuid, lower(salesperson)) in (select workspace, name from leads_scoped())))
  with check (user_uuid in (select leads_full_scope())
              or (user_uuid, lower(salesperson)) in (select workspace, name from leads_scoped()));
drop policy if exists leads_delete on public."Leads";
create policy leads_delete on public."Leads" for delete to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager']))
         and (user_uuid in (select leads_full_scope())
              or (user_uuid, lower(salesperson)) in (select workspace, name from leads_scoped())));

-- Salespeople and teams: every member reads them; owners, admins and managers change them.
drop policy if exists salespeople_own on public."Salespeople";
drop policy if exists salespeople_read on public."Salespeople";
create policy salespeople_read on public."Salespeople" for select to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager', 'rep', 'viewer'])));
drop policy if exists salespeople_write on public."Salespeople";
create policy salespeople_write on public."Salespeople" for all to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])))
  with check (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])));

drop policy if exists teams_own on public."Teams";
drop policy if exists teams_read on public."Teams";
create policy teams_read on public."Teams" for select to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager', 'rep', 'viewer'])));
drop policy if exists teams_write on public."Teams";
create policy teams_write on public."Teams" for all to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])))
  with check (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])));

-- Imports and their items: those who may import (owner, admin, manager).
drop policy if exists imports_own on public."Imports";
create policy imports_own on public."Imports" for all to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])))
  with check (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])));
drop policy if exists import_items_own on public."ImportItems";
create policy import_items_own on public."ImportItems" for all to authenticated
  using (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])))
  with check (user_uuid in (select leads_workspaces(array['owner', 'admin', 'manager'])));

-- Members: every member reads the list, and their own memberships; owners and admins change it
-- (the owner is not a row here, so no admin can remove or demote them).
drop policy if exists members_own on public."Members";
drop policy if exists members_self on public."Members";
drop policy if exists members_read on public."Members";
create policy members_read on public."Members" for select to authenticated
  using (workspace in (select leads_workspaces(array['owner', 'admin', 'manager', 'rep', 'viewer']))
         or (user_uuid = (select auth.uid()) and (select leads_token_fresh())));
drop policy if exists members_write on public."Members";
create policy members_write on public."Members" for all to authenticated
  using (workspace in (select leads_workspaces(array['owner', 'admin'])))
  with check (workspace in (select leads_workspaces(array['owner', 'admin'])));

-- Users: a member reads the usernames of their workspaces' owners and members.
drop policy if exists users_members on public."Users";
create policy users_members on public."Users" for select to authenticated
  using (uuid in (select leads_workspaces(array['owner', 'admin', 'manager', 'rep', 'viewer']))
         or uuid in (select m.user_uuid from "Members" m
                     where m.workspace in (select leads_workspaces(array['owner', 'admin', 'manager', 'rep', 'viewer']))));
