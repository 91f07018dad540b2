-- The seed app's tables (seed-app-contract.md §2, §3), created only where they are missing, so that the service runs
-- on a fresh PostgreSQL as well as on the seed's Supabase database. On the seed database every CREATE below is a
-- no-op; the ADD COLUMN IF NOT EXISTS lines only fill in columns an older live schema may lack.
-- Differences from the seed, for fresh databases only:
--   * polis_polls.round_id is a nullable uuid without a foreign key: polis_rounds is not created (the service never
--     reads rounds; the seed's round check is a BEFORE INSERT trigger on votes that belongs to the app).
--   * tables the service never touches (rounds, categories, cache, kv store, queue, vectors, points) are not created.
--   * no RLS policies: on Supabase the app's own migrations own them (see Persistence/README.md).

do $$
begin
  if to_regtype('public.polis_vote_value') is null then
    create type public.polis_vote_value as enum ('support', 'oppose', 'unsure');
  end if;
  if to_regtype('public.polis_content_type') is null then
    create type public.polis_content_type as enum ('text', 'image', 'audio', 'video');
  end if;
end
$$;

create table if not exists public.polis_polls (
  poll_id uuid primary key default gen_random_uuid(),
  title text not null,
  description text,
  slug text unique,
  round_id uuid,
  created_by uuid,
  created_at timestamptz not null default now()
);

alter table public.polis_polls
  add column if not exists min_consensus_points_to_win integer default 3,
  add column if not exists min_support_pct double precision default 50,
  add column if not exists max_opposition_pct double precision default 50,
  add column if not exists min_votes_per_group integer default 1,
  add column if not exists clustering_min_groups integer default 2,
  add column if not exists clustering_max_groups integer default 5,
  add column if not exists clustering_min_participants integer default 3,
  add column if not exists clustering_cache_ttl_minutes integer default 60,
  add column if not exists clustering_batch_size integer default 100,
  add column if not exists clustering_algorithm_config jsonb
    default '{"pca_dimensions": 2, "consensus_threshold": 0.7, "min_group_size": 2}'::jsonb,
  add column if not exists last_clustering_job_id uuid,
  add column if not exists clustering_status text default 'never_run'
    check (clustering_status in ('never_run', 'pending', 'running', 'completed', 'failed')),
  add column if not exists last_clustered_at timestamptz;

create table if not exists public.polis_statements (
  statement_id uuid primary key default gen_random_uuid(),
  poll_id uuid references public.polis_polls (poll_id) on delete cascade,
  content text not null,
  content_type public.polis_content_type default 'text',
  more_info text,
  created_by_user_id uuid,
  is_user_suggested boolean default false,
  is_approved boolean default false,
  created_at timestamptz default now()
);

create index if not exists polis_statements_poll_id_idx on public.polis_statements (poll_id);

-- Votes: user_id references auth.users only where that table exists (Supabase), §2.
do $$
begin
  if to_regclass('public.polis_votes') is null then
    create table public.polis_votes (
      vote_id uuid primary key default gen_random_uuid(),
      poll_id uuid not null references public.polis_polls (poll_id) on delete cascade,
      statement_id uuid references public.polis_statements (statement_id) on delete cascade,
      user_id uuid,
      session_id text,
      vote_value public.polis_vote_value not null,
      voted_at timestamptz default now(),
      constraint polis_votes_participant_check check (user_id is not null or session_id is not null)
    );
    create index polis_votes_session_id_idx on public.polis_votes (session_id);
    if to_regclass('auth.users') is not null then
      alter table public.polis_votes
        add constraint polis_votes_user_id_fkey foreign key (user_id) references auth.users (id);
    end if;
  end if;
end
$$;

-- The loader and the sweeper read votes by poll and time (also on the seed database, where it is new).
create index if not exists polis_votes_poll_id_voted_at_idx on public.polis_votes (poll_id, voted_at);

create table if not exists public.polis_clustering_jobs (
  job_id uuid primary key default gen_random_uuid(),
  poll_id uuid not null references public.polis_polls (poll_id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'running', 'completed', 'failed')),
  algorithm_version text not null default 'v1.0',
  total_votes integer not null default 0,
  total_participants integer not null default 0,
  groups_created integer,
  consensus_points_found integer,
  processing_time_ms integer,
  error_message text,
  created_at timestamptz default now(),
  started_at timestamptz,
  completed_at timestamptz,
  created_by uuid
);

create index if not exists polis_clustering_jobs_poll_id_created_at_idx
  on public.polis_clustering_jobs (poll_id, created_at);

-- polis_polls.last_clustering_job_id → jobs, no ON DELETE (§2), added once whatever the constraint is called.
do $$
begin
  if not exists (
    select 1 from pg_catalog.pg_constraint
    where conrelid = 'public.polis_polls'::regclass and confrelid = 'public.polis_clustering_jobs'::regclass
      and contype = 'f') then
    alter table public.polis_polls
      add constraint polis_polls_last_clustering_job_id_fkey
      foreign key (last_clustering_job_id) references public.polis_clustering_jobs (job_id);
  end if;
end
$$;

create table if not exists public.polis_groups (
  group_id uuid primary key default gen_random_uuid(),
  poll_id uuid references public.polis_polls (poll_id) on delete cascade,
  algorithm text default 'k-means',
  name text,
  description text,
  color text,
  member_count integer default 0,
  cluster_center jsonb,
  silhouette_score numeric,
  stability_score numeric,
  opinion_space_coords jsonb,
  created_at timestamptz default now()
);

create index if not exists polis_groups_poll_id_idx on public.polis_groups (poll_id);

-- Memberships with the seed's three unique constraints (§3).
do $$
begin
  if to_regclass('public.polis_user_group_membership') is null then
    create table public.polis_user_group_membership (
      id uuid primary key default gen_random_uuid(),
      poll_id uuid not null references public.polis_polls (poll_id) on delete cascade,
      group_id uuid references public.polis_groups (group_id) on delete cascade,
      user_id uuid,
      session_id text,
      created_at timestamptz default now(),
      constraint polis_user_group_membership_participant_check check (user_id is not null or session_id is not null),
      constraint polis_user_group_membership_poll_id_session_id_key unique (poll_id, session_id)
    );
    create unique index polis_user_group_membership_user_poll_idx
      on public.polis_user_group_membership (user_id, poll_id) where user_id is not null;
    create unique index polis_user_group_membership_session_poll_idx
      on public.polis_user_group_membership (session_id, poll_id) where session_id is not null;
    create index polis_user_group_membership_group_id_idx on public.polis_user_group_membership (group_id);
  end if;
end
$$;

create table if not exists public.polis_group_statement_stats (
  group_id uuid not null references public.polis_groups (group_id) on delete cascade,
  statement_id uuid not null references public.polis_statements (statement_id) on delete cascade,
  poll_id uuid references public.polis_polls (poll_id) on delete cascade,
  support_pct double precision,
  oppose_pct double precision,
  total_votes integer,
  primary key (group_id, statement_id)
);

alter table public.polis_group_statement_stats
  add column if not exists unsure_pct double precision,
  add column if not exists poll_id uuid references public.polis_polls (poll_id) on delete cascade;

create index if not exists polis_group_statement_stats_poll_id_idx on public.polis_group_statement_stats (poll_id);

create table if not exists public.polis_consensus_points (
  statement_id uuid not null references public.polis_statements (statement_id) on delete cascade,
  poll_id uuid not null references public.polis_polls (poll_id) on delete cascade,
  detected_at timestamptz default now(),
  primary key (statement_id, poll_id)
);

create index if not exists polis_consensus_points_poll_id_idx on public.polis_consensus_points (poll_id);

create table if not exists public.polis_clustering_metrics (
  metric_id uuid primary key default gen_random_uuid(),
  job_id uuid references public.polis_clustering_jobs (job_id) on delete cascade,
  poll_id uuid,
  metric_name text not null,
  metric_value numeric not null,
  metadata jsonb,
  created_at timestamptz default now()
);

create table if not exists public.polis_system_settings (
  id uuid primary key default gen_random_uuid(),
  setting_key text not null unique,
  setting_value text not null,
  setting_type text not null default 'string',
  description text,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
