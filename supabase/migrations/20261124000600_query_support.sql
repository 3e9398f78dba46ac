-- What the lead query needs from the database so every store sorts the same way (DESIGN §5):
-- - interest_rank: Low 0 < Medium 1 < High 2, so `order=interest_rank` is the meaning's order;
-- - text sorts in byte order (collation "C"), as MemoryStore compares, on every platform;
-- - salespeople with their lead counts, and a rename that carries the leads along, each as one
--   statement (an RPC), so counts are consistent and a rename is atomic.

alter table public."Leads" add column if not exists interest_rank smallint
  generated always as (case interest_level when 'Low' then 0 when 'Medium' then 1 when 'High' then 2 end) stored;
create index if not exists leads_user_interest_rank on public."Leads" (user_uuid, interest_rank, id);

alter table public."Leads"
  alter column lead_id type text collate "C",
  alter column lead_name type text collate "C",
  alter column source type text collate "C",
  alter column status type text collate "C",
  alter column salesperson type text collate "C";

create or replace function public.salespeople_with_counts(p_user uuid)
returns table (id uuid, name text, active boolean, lead_count bigint)
language sql stable security invoker set search_path = public as $$
  select s.id, s.name, s.active,
         (select count(*) from "Leads" l where l.user_uuid = s.user_uuid and lower(l.salesperson) = lower(s.name))
  from "Salespeople" s
  where s.user_uuid = p_user
  order by lower(s.name), s.id
$$;

-- Renames a salesperson and the leads assigned to them (case-insensitive match), atomically.
-- Returns the renamed salesperson with its lead count; no row when the id is unknown.
create or replace function public.salesperson_rename(p_user uuid, p_id uuid, p_name text)
returns table (id uuid, name text, active boolean, lead_count bigint)
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

revoke all on function public.salespeople_with_counts(uuid), public.salesperson_rename(uuid, uuid, text) from public, anon;
grant execute on function public.salespeople_with_counts(uuid), public.salesperson_rename(uuid, uuid, text)
  to authenticated, service_role;
