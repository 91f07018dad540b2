-- Our own schema, not exposed through the Data API (supabase-notes.md §3, §5.1). Every table has RLS on; only the head
-- row has a client policy (read-only, for Realtime). The service's role owns the tables or bypasses RLS
-- (Persistence/README.md).
create schema if not exists clustering;

-- One versioned result per poll. The current version is the one in clustering.poll_results; the store keeps the
-- latest few and prunes older ones.
create table if not exists clustering.results (
  poll_id uuid not null references public.polis_polls (poll_id) on delete cascade,
  version integer not null,
  job_id uuid not null,
  computed_at timestamptz not null,
  summary jsonb not null,
  polis_math jsonb not null,
  participants jsonb not null,
  representative jsonb not null,
  primary key (poll_id, version)
);

-- The engine state the next run starts from, and the watermark of the votes it came from.
create table if not exists clustering.state (
  poll_id uuid primary key references public.polis_polls (poll_id) on delete cascade,
  version integer not null,
  state jsonb not null,
  vote_rows bigint not null,
  latest_vote_at timestamptz,
  fingerprint bigint not null,
  updated_at timestamptz not null default now()
);

-- Pending marker, one row per poll with unprocessed votes (supabase-notes.md §1.5). The vote trigger inserts it; the
-- service deletes it when a job for the poll starts.
create table if not exists clustering.pending (
  poll_id uuid primary key references public.polis_polls (poll_id) on delete cascade,
  requested_at timestamptz not null default now(),
  notified_at timestamptz not null default now()
);

-- Fallback for the trigger's URL and token when Vault is absent: keys clustering_service_url, clustering_service_token.
create table if not exists clustering.settings (
  key text primary key,
  value text not null
);

-- The small per-poll result head row that Realtime publishes (supabase-notes.md §2, decision 5): no big JSON here.
create table if not exists clustering.poll_results (
  poll_id uuid primary key references public.polis_polls (poll_id) on delete cascade,
  version integer not null,
  job_id uuid not null,
  computed_at timestamptz not null,
  k integer not null,
  group_sizes integer[] not null,
  participants integer not null,
  votes integer not null,
  consensus_points integer not null,
  no_groups_reason text
);


alter table clustering.results enable row level security;
alter table clustering.state enable row level security;
alter table clustering.pending enable row level security;
alter table clustering.settings enable row level security;
alter table clustering.poll_results enable row level security;
-- clustering.schema_migrations is created by Migrator.cs before the first script runs.
alter table clustering.schema_migrations enable row level security;

revoke all on all tables in schema clustering from public;

-- Supabase client roles: no access but a read of the head row (Realtime needs a SELECT grant and a select policy).
do $$
declare
  r text;
begin
  foreach r in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = r) then
      execute format('revoke all on all tables in schema clustering from %I', r);
      execute format('grant usage on schema clustering to %I', r);
      execute format('grant select on clustering.poll_results to %I', r);
    end if;
  end loop;
  if not exists (select 1 from pg_catalog.pg_policies
                 where schemaname = 'clustering' and tablename = 'poll_results' and policyname = 'poll_results_read') then
    create policy poll_results_read on clustering.poll_results for select using (true);
  end if;
end
$$;
