-- updated_at on leads, kept by a trigger; indexes serving each filter and sort of the lead
-- query (always scoped to one user, hence user_uuid first); case-insensitive unique usernames.

alter table public."Leads" add column if not exists updated_at timestamptz not null default now();
update public."Leads" set updated_at = created_at where updated_at <> created_at;

create or replace function public.leads_touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;

drop trigger if exists leads_touch_updated_at on public."Leads";
create trigger leads_touch_updated_at before update on public."Leads"
  for each row when (old.* is distinct from new.*)
  execute function public.leads_touch_updated_at();

create index if not exists leads_user_created on public."Leads" (user_uuid, created_at desc, id);
create index if not exists leads_user_lead_name on public."Leads" (user_uuid, lead_name, id);
create index if not exists leads_user_source on public."Leads" (user_uuid, source, id);
create index if not exists leads_user_status on public."Leads" (user_uuid, status, id);
create index if not exists leads_user_interest on public."Leads" (user_uuid, interest_level, id);
create index if not exists leads_user_salesperson on public."Leads" (user_uuid, salesperson, id);

-- Usernames are unique ignoring case. A seed database with names differing only in case
-- stops here with the list, for a person to resolve; nothing is changed before that.
do $$
declare clashes text;
begin
  select string_agg(names, '; ') into clashes from (
    select string_agg("userName", ', ') as names
    from public."Users" group by lower("userName") having count(*) > 1) c;
  if clashes is not null then
    raise exception 'usernames that differ only in case: %', clashes
      using hint = 'rename all but one of each group, then run the migration again';
  end if;
end $$;
create unique index if not exists users_username_ci on public."Users" (lower("userName"));
