-- Imports that never lose data (DESIGN §7, "Writing imported leads"): the bulk upsert takes the
-- import's write plan, as the core's WritePlan decides for MemoryStore and SqliteStore:
--   select public.leads_upsert(user_uuid, '[{"lead_id": ..., ...}, ...]'::jsonb,
--     '{"columns": ["lead_id", ...], "on_existing": "update"|"skip", "on_new": "insert"|"skip",
--       "blanks": "keep"|"clear"}'::jsonb)
--   → {"inserted": n, "updated": n, "unchanged": n, "skipped": n}
--
-- Only the fields named in `columns` (the file's columns) are written; a null salesperson keeps
-- the stored one unless `blanks` is `clear`; `on_existing`/`on_new` = `skip` leave stored / new
-- Lead IDs out (counted `skipped`). Without a plan every field is written as given (the old
-- two-argument behaviour), which this function replaces.

drop function if exists public.leads_upsert(uuid, jsonb);

create or replace function public.leads_upsert(p_user uuid, p_leads jsonb, p_plan jsonb default '{}'::jsonb)
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
  result jsonb;
begin
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
  people as (
    insert into "Salespeople" (user_uuid, name)
    select distinct on (lower(salesperson)) p_user, salesperson
    from eligible where salesperson is not null and btrim(salesperson) <> ''
    on conflict do nothing
    returning 1
  ),
  written as (
    insert into "Leads" as l (user_uuid, lead_id, lead_name, contact_information, source,
                              interest_level, status, salesperson)
    select p_user, lead_id, lead_name, contact_information, source, interest_level, status, salesperson
    from eligible
    on conflict (user_uuid, lead_id) do update set
      lead_name = case when w_name then excluded.lead_name else l.lead_name end,
      contact_information = case when w_contact then excluded.contact_information else l.contact_information end,
      source = case when w_source then excluded.source else l.source end,
      interest_level = case when w_interest then excluded.interest_level else l.interest_level end,
      status = case when w_status then excluded.status else l.status end,
      salesperson = case when w_sp and (excluded.salesperson is not null or not keep_blank)
                         then excluded.salesperson else l.salesperson end
    where (l.lead_name, l.contact_information, l.source, l.interest_level, l.status, l.salesperson)
      is distinct from
      (case when w_name then excluded.lead_name else l.lead_name end,
       case when w_contact then excluded.contact_information else l.contact_information end,
       case when w_source then excluded.source else l.source end,
       case when w_interest then excluded.interest_level else l.interest_level end,
       case when w_status then excluded.status else l.status end,
       case when w_sp and (excluded.salesperson is not null or not keep_blank)
            then excluded.salesperson else l.salesperson end)
    returning (xmax = 0) as inserted
  )
  select jsonb_build_object(
    'inserted', count(*) filter (where inserted),
    'updated', count(*) filter (where not inserted),
    'unchanged', (select count(*) from eligible) - count(*),
    'skipped', (select count(*) from dedup) - (select count(*) from eligible))
  into result
  from written;
  return result;
end
$$;

revoke all on function public.leads_upsert(uuid, jsonb, jsonb) from public, anon;
grant execute on function public.leads_upsert(uuid, jsonb, jsonb) to authenticated, service_role;
