-- Bulk upsert of one user's leads with exact outcome counts, as one statement:
--   select public.leads_upsert(user_uuid, '[{"lead_id": ..., ...}, ...]'::jsonb)
--   → {"inserted": n, "updated": n, "unchanged": n}
--
-- Why a function: PostgREST's upsert (`on_conflict` + `resolution=merge-duplicates`) cannot say
-- which rows were inserted, updated or already equal. Here the insert's `on conflict do update`
-- only touches rows whose fields differ, and `xmax = 0` tells a fresh insert from an update, so
-- unchanged = distinct leads sent − inserted − updated.
--
-- A batch may name a Lead ID more than once: its last copy counts, once (as in MemoryStore).
-- The function runs with the caller's rights (security invoker), so Row Level Security applies:
-- an `authenticated` caller can only write leads whose user_uuid is their own auth.uid().
-- Salesperson names on the leads are added to "Salespeople" when new (case-insensitively).

create or replace function public.leads_upsert(p_user uuid, p_leads jsonb)
returns jsonb
language sql
security invoker
set search_path = public
as $$
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
  people as (
    insert into "Salespeople" (user_uuid, name)
    select distinct on (lower(salesperson)) p_user, salesperson
    from dedup where salesperson is not null and btrim(salesperson) <> ''
    on conflict do nothing
    returning 1
  ),
  written as (
    insert into "Leads" as l (user_uuid, lead_id, lead_name, contact_information, source,
                              interest_level, status, salesperson)
    select p_user, lead_id, lead_name, contact_information, source, interest_level, status, salesperson
    from dedup
    on conflict (user_uuid, lead_id) do update set
      lead_name = excluded.lead_name,
      contact_information = excluded.contact_information,
      source = excluded.source,
      interest_level = excluded.interest_level,
      status = excluded.status,
      salesperson = excluded.salesperson
    where (l.lead_name, l.contact_information, l.source, l.interest_level, l.status, l.salesperson)
      is distinct from
      (excluded.lead_name, excluded.contact_information, excluded.source,
       excluded.interest_level, excluded.status, excluded.salesperson)
    returning (xmax = 0) as inserted
  )
  select jsonb_build_object(
    'inserted', count(*) filter (where inserted),
    'updated', count(*) filter (where not inserted),
    'unchanged', (select count(*) from dedup) - count(*))
  from written
$$;

revoke all on function public.leads_upsert(uuid, jsonb) from public, anon;
grant execute on function public.leads_upsert(uuid, jsonb) to authenticated, service_role;
