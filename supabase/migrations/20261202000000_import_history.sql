-- Import history and revert (DESIGN §7, "Import history"): every import that writes, and every
-- bulk update or delete, is a row of "Imports"; each lead it wrote is a row of "ImportItems" with
-- how (inserted / updated / deleted) and the lead as it was before (the whole row, as jsonb);
-- "Leads".import_id is the job that wrote a lead last. Revert undoes a job lead by lead; a lead
-- written since by anything else (its import_id is no longer the job's) is a conflict, left.
--
--   select public.leads_upsert(user, leads, plan, job)      the import's batches, recorded
--   select public.leads_remove(user, '["L-1", ...]', job)    a bulk delete's batches
--   select public.leads_finish_job(user, job, finish)       → the job row, done
--   select public.leads_revert(user, job_id)                → {job, deleted, restored, conflicts}
-- `job` is {"id", "kind", "actor", "file_name", "spec"}; `finish` is {"bytes", "sha256", "issues"}.
-- Row Level Security: a user sees and writes only their own jobs and items.

alter table public."Leads" add column if not exists import_id uuid;

create table if not exists public."Imports" (
  id uuid primary key,
  user_uuid uuid not null default auth.uid() references public."Users" (uuid) on delete cascade,
  actor uuid not null,
  kind text not null check (kind in ('import', 'bulk_update', 'bulk_delete')),
  state text not null default 'partial' check (state in ('done', 'partial', 'reverted')),
  created_at timestamptz not null default now(),
  file_name text,
  bytes bigint not null default 0,
  sha256 text,
  spec jsonb not null default '{}'::jsonb,
  inserted bigint not null default 0,
  updated bigint not null default 0,
  unchanged bigint not null default 0,
  skipped bigint not null default 0,
  deleted bigint not null default 0,
  issues jsonb not null default '[]'::jsonb,
  reverted_at timestamptz,
  unique (id, user_uuid)
);
create index if not exists imports_user_created on public."Imports" (user_uuid, created_at desc, id desc);

-- An item belongs to a job of the same user (the composite key): nobody can add to another
-- user's job, whatever their role.
create table if not exists public."ImportItems" (
  import_id uuid not null,
  user_uuid uuid not null default auth.uid(),
  lead_id text not null,
  action text not null check (action in ('inserted', 'updated', 'deleted')),
  before jsonb,
  primary key (import_id, lead_id),
  foreign key (import_id, user_uuid) references public."Imports" (id, user_uuid) on delete cascade
);

-- A lead changed by anything but a job's own write (an edit through PostgREST, a rename)
-- belongs to no job any more: reverting the job that wrote it before leaves it alone. (Named to
-- fire after leads_touch_updated_at: before triggers fire in name order, and a row a trigger
-- function has returned no longer compares equal to the old one in that trigger's WHEN.)
create or replace function public.leads_forget_import() returns trigger
language plpgsql as $$
begin
  if new.import_id is not distinct from old.import_id
     and (new.lead_name, new.contact_information, new.source, new.interest_level, new.status, new.salesperson)
         is distinct from
         (old.lead_name, old.contact_information, old.source, old.interest_level, old.status, old.salesperson)
  then
    new.import_id := null;
  end if;
  return new;
end $$;

drop trigger if exists leads_untie_import on public."Leads";
create trigger leads_untie_import before update on public."Leads"
  for each row execute function public.leads_forget_import();

alter table public."Imports" enable row level security;
alter table public."ImportItems" enable row level security;

drop policy if exists imports_own on public."Imports";
create policy imports_own on public."Imports" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()));

drop policy if exists import_items_own on public."ImportItems";
create policy import_items_own on public."ImportItems" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()));

revoke all on public."Imports", public."ImportItems" from anon, authenticated;
grant select, insert, update, delete on public."Imports", public."ImportItems" to authenticated;
grant all on public."Imports", public."ImportItems" to service_role;

-- Records a job (partial) unless it is already recorded.
create or replace function public.leads_record_job(p_user uuid, p_job jsonb)
returns void
language sql
security invoker
set search_path = public
as $$
  insert into "Imports" (id, user_uuid, actor, kind, file_name, spec)
  values ((p_job ->> 'id')::uuid, p_user, (p_job ->> 'actor')::uuid, p_job ->> 'kind', p_job ->> 'file_name',
          coalesce(p_job -> 'spec', '{}'::jsonb))
  on conflict do nothing  -- the id, or (id, user_uuid): concurrent batches of one job race here
$$;

drop function if exists public.leads_upsert(uuid, jsonb, jsonb);

create or replace function public.leads_upsert(p_user uuid, p_leads jsonb, p_plan jsonb default '{}'::jsonb,
                                               p_job jsonb default null)
returns jsonb
language plpgsql
security invoker
set search_path = public
as $$
declare
  cols jsonb := coalesce(p_plan -> 'columns',
    '["lead_id","lead_name","contact_information","source","interest_level","status","salesperson"]'::jsonb);
  w_name boolean := cols ? 'lead_name';
  w_contact boolean := cols ? 'contact_information';
  w_source boolean := cols ? 'source';
  w_interest boolean := cols ? 'interest_level';
  w_status boolean := cols ? 'status';
  w_sp boolean := cols ? 'salesperson';
  keep_blank boolean := coalesce(p_plan ->> 'blanks', 'clear') = 'keep';
  upd boolean := coalesce(p_plan ->> 'on_existing', 'update') = 'update';
  ins boolean := coalesce(p_plan ->> 'on_new', 'insert') = 'insert';
  job_id uuid := (p_job ->> 'id')::uuid;
  result jsonb;
begin
  if job_id is not null then
    perform leads_record_job(p_user, p_job);
  end if;
  with input as (
    select e.ord, e.value as v
    from jsonb_array_elements(p_leads) with ordinality as e(value, ord)
  ),
  dedup as (
    select distinct on (v ->> 'lead_id')
      v ->> 'lead_id' as lead_id, v ->> 'lead_name' as lead_name,
      v ->> 'contact_information' as contact_information, v ->> 'source' as source,
      v ->> 'interest_level' as interest_level, v ->> 'status' as status,
      v ->> 'salesperson' as salesperson
    from input
    order by v ->> 'lead_id', ord desc
  ),
  eligible as (
    select d.* from dedup d
    where case when exists (select 1 from "Leads" l where l.user_uuid = p_user and l.lead_id = d.lead_id)
               then upd else ins end
  ),
  -- The stored rows before this statement (every part of it sees the same snapshot).
  prior as (
    select l.* from "Leads" l join eligible e on l.user_uuid = p_user and l.lead_id = e.lead_id
  ),
  people as (
    insert into "Salespeople" (user_uuid, name)
    select distinct on (lower(salesperson)) p_user, salesperson
    from eligible where salesperson is not null and btrim(salesperson) <> ''
    on conflict do nothing
    returning 1
  ),
  written as (
    insert into "Leads" as l (user_uuid, lead_id, lead_name, contact_information, source,
                              interest_level, status, salesperson, import_id)
    select p_user, lead_id, lead_name, contact_information, source, interest_level, status, salesperson, job_id
    from eligible
    on conflict (user_uuid, lead_id) do update set
      lead_name = case when w_name then excluded.lead_name else l.lead_name end,
      contact_information = case when w_contact then excluded.contact_information else l.contact_information end,
      source = case when w_source then excluded.source else l.source end,
      interest_level = case when w_interest then excluded.interest_level else l.interest_level end,
      status = case when w_status then excluded.status else l.status end,
      salesperson = case when w_sp and (excluded.salesperson is not null or not keep_blank)
                         then excluded.salesperson else l.salesperson end,
      import_id = job_id
    where (l.lead_name, l.contact_information, l.source, l.interest_level, l.status, l.salesperson)
      is distinct from
      (case when w_name then excluded.lead_name else l.lead_name end,
       case when w_contact then excluded.contact_information else l.contact_information end,
       case when w_source then excluded.source else l.source end,
       case when w_interest then excluded.interest_level else l.interest_level end,
       case when w_status then excluded.status else l.status end,
       case when w_sp and (excluded.salesperson is not null or not keep_blank)
            then excluded.salesperson else l.salesperson end)
    returning l.lead_id, (xmax = 0) as inserted
  ),
  items as (
    insert into "ImportItems" (import_id, user_uuid, lead_id, action, before)
    select job_id, p_user, w.lead_id, case when w.inserted then 'inserted' else 'updated' end,
           case when w.inserted then null else to_jsonb(p) end
    from written w left join prior p on p.lead_id = w.lead_id
    where job_id is not null
    on conflict (import_id, lead_id) do nothing
    returning 1
  )
  select jsonb_build_object(
    'inserted', count(*) filter (where inserted),
    'updated', count(*) filter (where not inserted),
    'unchanged', (select count(*) from eligible) - count(*),
    'skipped', (select count(*) from dedup) - (select count(*) from eligible))
  into result
  from written;
  if job_id is not null then
    update "Imports" set
      inserted = inserted + (result ->> 'inserted')::bigint,
      updated = updated + (result ->> 'updated')::bigint,
      unchanged = unchanged + (result ->> 'unchanged')::bigint,
      skipped = skipped + (result ->> 'skipped')::bigint
    where id = job_id;
  end if;
  return result;
end
$$;

revoke all on function public.leads_upsert(uuid, jsonb, jsonb, jsonb) from public, anon;
grant execute on function public.leads_upsert(uuid, jsonb, jsonb, jsonb) to authenticated, service_role;

create or replace function public.leads_remove(p_user uuid, p_ids jsonb, p_job jsonb default null)
returns bigint
language plpgsql
security invoker
set search_path = public
as $$
declare
  job_id uuid := (p_job ->> 'id')::uuid;
  n bigint;
begin
  if job_id is not null then
    perform leads_record_job(p_user, p_job);
  end if;
  with gone as (
    delete from "Leads" l
    where l.user_uuid = p_user and l.lead_id in (select jsonb_array_elements_text(p_ids))
    returning l.*
  ),
  items as (
    insert into "ImportItems" (import_id, user_uuid, lead_id, action, before)
    select job_id, p_user, g.lead_id, 'deleted', to_jsonb(g) from gone g
    where job_id is not null
    on conflict (import_id, lead_id) do nothing
    returning 1
  )
  select count(*) into n from gone;
  if job_id is not null then
    update "Imports" set deleted = deleted + n where id = job_id;
  end if;
  return n;
end
$$;

create or replace function public.leads_finish_job(p_user uuid, p_job jsonb, p_finish jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = public
as $$
declare
  j "Imports";
begin
  perform leads_record_job(p_user, p_job);
  update "Imports" set
    state = 'done',
    bytes = coalesce((p_finish ->> 'bytes')::bigint, 0),
    sha256 = p_finish ->> 'sha256',
    issues = coalesce(p_finish -> 'issues', '[]'::jsonb)
  where id = (p_job ->> 'id')::uuid and user_uuid = p_user
  returning * into j;
  return to_jsonb(j);
end
$$;

create or replace function public.leads_revert(p_user uuid, p_id uuid)
returns jsonb
language plpgsql
security invoker
set search_path = public
as $$
declare
  j "Imports";
  conflicts jsonb;
  n_deleted bigint := 0;
  n_updated bigint := 0;
  n_inserted bigint := 0;
begin
  select * into j from "Imports" where id = p_id and user_uuid = p_user for update;
  if not found then
    raise exception 'import % not found', p_id using errcode = 'P0002';
  end if;
  if j.state = 'reverted' then
    return jsonb_build_object('job', to_jsonb(j), 'deleted', 0, 'restored', 0, 'conflicts', '[]'::jsonb);
  end if;
  select coalesce(jsonb_agg(i.lead_id order by i.lead_id collate "C"), '[]'::jsonb) into conflicts
  from "ImportItems" i
  left join "Leads" l on l.user_uuid = p_user and l.lead_id = i.lead_id
  where i.import_id = p_id
    and not coalesce((i.action in ('inserted', 'updated') and l.id is not null and l.import_id = p_id)
                     or (i.action = 'deleted' and l.id is null), false);

  delete from "Leads" l using "ImportItems" i
  where i.import_id = p_id and i.action = 'inserted'
    and l.user_uuid = p_user and l.lead_id = i.lead_id and l.import_id = p_id;
  get diagnostics n_deleted = row_count;

  update "Leads" l set
    lead_name = i.before ->> 'lead_name',
    contact_information = i.before ->> 'contact_information',
    source = i.before ->> 'source',
    interest_level = i.before ->> 'interest_level',
    status = i.before ->> 'status',
    salesperson = i.before ->> 'salesperson',
    import_id = (i.before ->> 'import_id')::uuid
  from "ImportItems" i
  where i.import_id = p_id and i.action = 'updated'
    and l.user_uuid = p_user and l.lead_id = i.lead_id and l.import_id = p_id;
  get diagnostics n_updated = row_count;

  insert into "Leads" (id, user_uuid, created_at, lead_id, lead_name, contact_information, source,
                       interest_level, status, salesperson, import_id)
  select (i.before ->> 'id')::uuid, p_user, (i.before ->> 'created_at')::timestamptz, i.lead_id,
         i.before ->> 'lead_name', i.before ->> 'contact_information', i.before ->> 'source',
         i.before ->> 'interest_level', i.before ->> 'status', i.before ->> 'salesperson',
         (i.before ->> 'import_id')::uuid
  from "ImportItems" i
  where i.import_id = p_id and i.action = 'deleted'
    and not exists (select 1 from "Leads" l where l.user_uuid = p_user and l.lead_id = i.lead_id)
  on conflict do nothing;
  get diagnostics n_inserted = row_count;

  insert into "Salespeople" (user_uuid, name)
  select distinct on (lower(i.before ->> 'salesperson')) p_user, i.before ->> 'salesperson'
  from "ImportItems" i
  where i.import_id = p_id and i.action in ('updated', 'deleted')
    and coalesce(btrim(i.before ->> 'salesperson'), '') <> ''
  on conflict do nothing;

  update "Imports" set state = 'reverted', reverted_at = now() where id = p_id returning * into j;
  return jsonb_build_object('job', to_jsonb(j), 'deleted', n_deleted, 'restored', n_updated + n_inserted,
                            'conflicts', conflicts);
end
$$;

-- A page of a user's jobs, newest first, after the job of (p_after, p_after_id) when given.
create or replace function public.leads_imports(p_user uuid, p_limit integer,
                                                p_after timestamptz default null, p_after_id uuid default null)
returns jsonb
language sql
stable
security invoker
set search_path = public
as $$
  select coalesce(jsonb_agg(to_jsonb(j) order by j.created_at desc, j.id desc), '[]'::jsonb)
  from (
    select * from "Imports"
    where user_uuid = p_user and (p_after is null or (created_at, id) < (p_after, p_after_id))
    order by created_at desc, id desc
    limit p_limit
  ) j
$$;

revoke all on function public.leads_imports(uuid, integer, timestamptz, uuid) from public, anon;
grant execute on function public.leads_imports(uuid, integer, timestamptz, uuid) to authenticated, service_role;
revoke all on function public.leads_record_job(uuid, jsonb) from public, anon;
revoke all on function public.leads_remove(uuid, jsonb, jsonb) from public, anon;
revoke all on function public.leads_finish_job(uuid, jsonb, jsonb) from public, anon;
revoke all on function public.leads_revert(uuid, uuid) from public, anon;
grant execute on function public.leads_record_job(uuid, jsonb) to authenticated, service_role;
grant execute on function public.leads_remove(uuid, jsonb, jsonb) to authenticated, service_role;
grant execute on function public.leads_finish_job(uuid, jsonb, jsonb) to authenticated, service_role;
grant execute on function public.leads_revert(uuid, uuid) to authenticated, service_role;
