-- The stored leads of a batch of Lead IDs, for dry runs (read only: `stable`, the caller's rights,
-- so Row Level Security applies):
--   select public.leads_find(user_uuid, '["L-1", "L-2", ...]'::jsonb)  → [lead row, ...]
-- One POST per batch, whatever the Lead IDs hold (a GET with `lead_id=in.(...)` would put them
-- all in the URL).

create or replace function public.leads_find(p_user uuid, p_ids jsonb)
returns jsonb
language sql
stable
security invoker
set search_path = public
as $$
  select coalesce(jsonb_agg(to_jsonb(l)), '[]'::jsonb)
  from "Leads" l
  where l.user_uuid = p_user
    and l.lead_id in (select jsonb_array_elements_text(p_ids))
$$;

revoke all on function public.leads_find(uuid, jsonb) from public, anon;
grant execute on function public.leads_find(uuid, jsonb) to authenticated, service_role;
