-- Salespeople of each user; leads keep the name in "Leads".salesperson.

create table if not exists public."Salespeople" (
  id uuid primary key default gen_random_uuid(),
  user_uuid uuid not null references public."Users" (uuid) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 128),
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create unique index if not exists salespeople_user_name_ci
  on public."Salespeople" (user_uuid, lower(name));

-- Names already on leads become salespeople.
insert into public."Salespeople" (user_uuid, name)
select distinct on (user_uuid, lower(btrim(salesperson))) user_uuid, btrim(salesperson)
from public."Leads"
where user_uuid is not null and salesperson is not null and btrim(salesperson) <> ''
  and length(btrim(salesperson)) <= 128
on conflict do nothing;
