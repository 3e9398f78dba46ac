-- The workspaces a user is a member of (DESIGN §6: "a member sees the workspaces they belong to
-- and their role"), by owner's username. Security invoker: Row Level Security shows a user their
-- own memberships (`members_read`) and their workspaces' owners (`users_members`).

create or replace function public.leads_memberships(p_user uuid)
returns jsonb
language sql stable security invoker set search_path = public as $$
  select coalesce(jsonb_agg(jsonb_build_object('uuid', m.workspace, 'username', u."userName", 'role', m.role)
         order by lower(u."userName")), '[]'::jsonb)
  from "Members" m join "Users" u on u.uuid = m.workspace
  where m.user_uuid = p_user
$$;

revoke all on function public.leads_memberships(uuid) from public, anon;
grant execute on function public.leads_memberships(uuid) to authenticated, service_role;
