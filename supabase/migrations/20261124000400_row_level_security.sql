-- Row Level Security on every table: a user sees and changes only their own rows, identified by
-- (select auth.uid()) (evaluated once per statement). Explicit grants, not the platform defaults.

alter table public."Users" enable row level security;
alter table public."Leads" enable row level security;
alter table public."Salespeople" enable row level security;
alter table public."LeadsArchive" enable row level security;

drop policy if exists users_self on public."Users";
create policy users_self on public."Users" for select to authenticated
  using ((select auth.uid()) is not null and uuid = (select auth.uid()));

drop policy if exists leads_own on public."Leads";
create policy leads_own on public."Leads" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()));

drop policy if exists salespeople_own on public."Salespeople";
create policy salespeople_own on public."Salespeople" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()));

drop policy if exists archive_own on public."LeadsArchive";
create policy archive_own on public."LeadsArchive" for select to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()));

-- anon: nothing. authenticated: its own rows through the policies (users cannot read password
-- hashes of others, and cannot write "Users": registration and login run with service_role).
revoke all on public."Users", public."Leads", public."Salespeople", public."LeadsArchive" from anon, authenticated;
grant select (uuid, "userName", created_at) on public."Users" to authenticated;
grant select, insert, update, delete on public."Leads", public."Salespeople" to authenticated;
grant select on public."LeadsArchive" to authenticated;
grant all on public."Users", public."Leads", public."Salespeople", public."LeadsArchive" to service_role;
