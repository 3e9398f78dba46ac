-- For Supabase apps that use the official clients directly (DESIGN §3): a lead or salesperson
-- inserted with a user's token belongs to that user unless it says otherwise, so
-- `insert({lead_id: …})` from supabase-js just works (Row Level Security still decides whether
-- the row may be written there).

alter table public."Leads" alter column user_uuid set default auth.uid();
alter table public."Salespeople" alter column user_uuid set default auth.uid();
