-- The seed Flask backend's schema, exactly: "Users" and "Leads" with the seed's names.
-- `if not exists`, so an existing seed database passes through unchanged and the later
-- migrations upgrade it in place.

create table if not exists public."Users" (
  uuid uuid primary key default gen_random_uuid(),
  "userName" text unique,
  password text,
  created_at timestamptz not null default now()
);

create table if not exists public."Leads" (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  user_uuid uuid references public."Users" (uuid),
  lead_id text,
  lead_name text,
  contact_information text,
  source text,
  interest_level text,
  status text,
  salesperson text
);
