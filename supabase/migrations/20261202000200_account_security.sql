-- Account security (DESIGN §6): every user has tokens_valid_after, and a token issued before it
-- (`iat`) is refused by leads and by every Row Level Security policy, so a revoked token reads
-- nothing through PostgREST either; failed logins per lower-cased username are kept for
-- throttling (5 in 15 minutes), readable and writable by the service role only (login runs with
-- it), so the count holds across processes.

alter table public."Users" add column if not exists tokens_valid_after timestamptz not null
  default '1970-01-01 00:00:00+00';

create table if not exists public."LoginAttempts" (
  username_key text not null,
  at timestamptz not null
);
create index if not exists login_attempts_key_at on public."LoginAttempts" (username_key, at);
alter table public."LoginAttempts" enable row level security;
revoke all on public."LoginAttempts" from anon, authenticated;
grant all on public."LoginAttempts" to service_role;

-- Records a failed login and forgets those older than any window (15 minutes), in one request.
create or replace function public.leads_record_login_failure(p_key text, p_at timestamptz)
returns void
language sql security invoker set search_path = public as $$
  delete from "LoginAttempts" where username_key = p_key and at < p_at - interval '15 minutes';
  insert into "LoginAttempts" (username_key, at) values (p_key, p_at);
$$;
revoke all on function public.leads_record_login_failure(text, timestamptz) from public, anon, authenticated;
grant execute on function public.leads_record_login_failure(text, timestamptz) to service_role;

-- Whether the request's token was issued no earlier than its user's tokens_valid_after.
create or replace function public.leads_token_fresh() returns boolean
language sql stable security definer set search_path = public as $$
  select coalesce(
    (select floor(extract(epoch from u.tokens_valid_after))::bigint <= coalesce(
              nullif(current_setting('request.jwt.claim.iat', true), ''),
              nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'iat')::bigint
     from "Users" u where u.uuid = auth.uid()),
    false)
$$;
revoke all on function public.leads_token_fresh() from public, anon;
grant execute on function public.leads_token_fresh() to authenticated, service_role;

-- Every policy of the authenticated role, again, with the token's freshness.
drop policy if exists users_self on public."Users";
create policy users_self on public."Users" for select to authenticated
  using ((select auth.uid()) is not null and uuid = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists users_members on public."Users";
create policy users_members on public."Users" for select to authenticated
  using ((select leads_token_fresh())
         and uuid in (select m.user_uuid from "Members" m where m.workspace = (select auth.uid())));

drop policy if exists leads_own on public."Leads";
create policy leads_own on public."Leads" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists salespeople_own on public."Salespeople";
create policy salespeople_own on public."Salespeople" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists archive_own on public."LeadsArchive";
create policy archive_own on public."LeadsArchive" for select to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists imports_own on public."Imports";
create policy imports_own on public."Imports" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists import_items_own on public."ImportItems";
create policy import_items_own on public."ImportItems" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists teams_own on public."Teams";
create policy teams_own on public."Teams" for all to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()))
  with check ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists members_own on public."Members";
create policy members_own on public."Members" for all to authenticated
  using ((select auth.uid()) is not null and workspace = (select auth.uid()) and (select leads_token_fresh()))
  with check ((select auth.uid()) is not null and workspace = (select auth.uid()) and (select leads_token_fresh()));

drop policy if exists members_self on public."Members";
create policy members_self on public."Members" for select to authenticated
  using ((select auth.uid()) is not null and user_uuid = (select auth.uid()) and (select leads_token_fresh()));
