-- One lead per (user_uuid, lead_id), so re-importing a file updates instead of duplicating.
--
-- The seed appended a new row on every import, so a seed database may hold several rows for the
-- same (user_uuid, lead_id). Nothing is deleted: the newest row of each group (latest created_at,
-- then highest id) stays in "Leads"; the older ones move to "LeadsArchive" with the time they
-- were moved, where they can still be read or restored by hand.

create table if not exists public."LeadsArchive" (
  like public."Leads" including defaults,
  archived_at timestamptz not null default now(),
  primary key (id)
);

with ranked as (
  select id, row_number() over (
           partition by user_uuid, lead_id order by created_at desc, id desc) as n
  from public."Leads"
  where user_uuid is not null and lead_id is not null
),
moved as (
  delete from public."Leads" l using ranked r
  where l.id = r.id and r.n > 1
  returning l.*
)
insert into public."LeadsArchive"
  (id, created_at, user_uuid, lead_id, lead_name, contact_information, source,
   interest_level, status, salesperson)
select id, created_at, user_uuid, lead_id, lead_name, contact_information, source,
       interest_level, status, salesperson
from moved;

alter table public."Leads"
  add constraint "Leads_user_uuid_lead_id_key" unique (user_uuid, lead_id);
