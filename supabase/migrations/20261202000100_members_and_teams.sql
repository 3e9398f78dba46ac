-- Workspaces, members and teams (DESIGN §6). A workspace is what the seed calls a user: its uuid
-- owns leads, salespeople and imports, and it is the owner. Members are other users, each with
-- one role (admin, manager, rep, viewer), a linked salesperson (a rep sees that salesperson's
-- leads) and the teams they lead (a manager in teams sees those teams' leads). Salespeople are in
-- at most one team. Nothing existing moves: every user stays the owner of their own workspace.
-- Composite keys keep a workspace's rows pointing at that workspace's salespeople and teams.

create table if not exists public."Teams" (
  id uuid primary key default gen_random_uuid(),
  user_uuid uuid not null default auth.uid() references public."Users" (uuid) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 128),
  created_at timestamptz not null default now(),
  unique (id, user_uuid)
);
create unique index if not exists teams_user_name_ci on public."Teams" (user_uuid, lower(name));

alter table public."Salespeople" add column if not exists team_id uuid;
alter table public."Salespeople" add constraint salespeople_id_user unique (id, user_uuid);
alter table public."Salespeople" add constraint salespeople_team
  foreign key (team_id, user_uuid) references public."Teams" (id, user_uuid) on delete set null (team_id);

create table if not exists public."Members" (
  workspace uuid not null references public."Users" (uuid) on delete cascade,
  user_uuid uuid not null references public."Users" (uuid) on delete cascade,
  role text not null check (role in ('admin', 'manager', 'rep', 'viewer')),
  salesperson_id uuid,
  team_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  primary key (workspace, user_uuid),
  check (workspace <> user_uuid),
  foreign key (salesperson_id, workspace) references public."Salespeople" (id, user_uuid)
    on delete set null (salesperson_id)
);

alter table public."Teams" enable row level security;
alter table public."Members" enable row level security;

drop policy if exists teams_own on public."Teams";
create policy teams_own on public."Teams" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()));

drop policy if exists members_own on public."Members";
create policy members_own on public."Members" for all to authenticated
  using ((select auth.uid()) is not null and workspace = (select auth.uid()))
  with check ((select auth.uid()) is not null and workspace = (select auth.uid()));

-- A member reads their own memberships (which workspaces they are in, with which role).
drop policy if exists members_self on public."Members";
create policy members_self on public."Members" for select to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()));

revoke all on public."Teams", public."Members" from anon, authenticated;
grant select, insert, update, delete on public."Teams", public."Members" to authenticated;
grant all on public."Teams", public."Members" to service_role;

-- The counts and rename functions answer each salesperson's team too.
drop function if exists public.salesperson_rename(uuid, uuid, text);
drop function if exists public.salespeople_with_counts(uuid);

create function public.salespeople_with_counts(p_user uuid)
returns table (id uuid, name text, active boolean, lead_count bigint, team_id uuid)
language sql stable security invoker set search_path = public as $$
  select s.id, s.name, s.active,
         (select count(*) from "Leads" l where l.user_uuid = s.user_uuid and lower(l.salesperson) = lower(s.name)),
         s.team_id
  from "Salespeople" s
  where s.user_uuid = p_user
  order by lower(s.name), s.id
$$;

create function public.salesperson_rename(p_user uuid, p_id uuid, p_name text)
returns table (id uuid, name text, active boolean, lead_count bigint, team_id uuid)
language plpgsql security invoker set search_path = public as $$
declare old_name text;
begin
  select s.name into old_name from "Salespeople" s where s.user_uuid = p_user and s.id = p_id for update;
  if not found then
    return;
  end if;
  update "Salespeople" s set name = btrim(p_name) where s.user_uuid = p_user and s.id = p_id;
  update "Leads" l set salesperson = btrim(p_name)
    where l.user_uuid = p_user and lower(l.salesperson) = lower(old_name) and l.salesperson <> btrim(p_name);
  return query select * from salespeople_with_counts(p_user) w where w.id = p_id;
end $$;

-- An owner reads their members' usernames.
drop policy if exists users_members on public."Users";
create policy users_members on public."Users" for select to authenticated
  using (uuid in (select m.user_uuid from "Members" m where m.workspace = (select auth.uid())));

-- A workspace's members with their usernames, by username.
create function public.leads_members(p_workspace uuid)
returns jsonb
language sql stable security invoker set search_path = public as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'user_uuid', m.user_uuid, 'username', u."userName", 'role', m.role,
           'salesperson_id', m.salesperson_id, 'team_ids', to_jsonb(m.team_ids))
         order by lower(u."userName")), '[]'::jsonb)
  from "Members" m join "Users" u on u.uuid = m.user_uuid
  where m.workspace = p_workspace
$$;

revoke all on function public.salespeople_with_counts(uuid), public.salesperson_rename(uuid, uuid, text),
  public.leads_members(uuid) from public, anon;
grant execute on function public.salespeople_with_counts(uuid), public.salesperson_rename(uuid, uuid, text),
  public.leads_members(uuid) to authenticated, service_role;
