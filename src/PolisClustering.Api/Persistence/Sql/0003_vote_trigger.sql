-- Vote trigger → pending marker → one request per poll (supabase-notes.md §1.4, §1.5; seed-app-contract.md §1.2, §5
-- #6 and #10). O(1) per vote: no count of votes or participants. No secrets here: the URL and token are read at run
-- time from Vault, else clustering.settings, else the seed's polis_system_settings.

create or replace function clustering.request_cluster(p_poll_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_notified timestamptz;
  v_url text;
  v_token text;
begin
  if p_poll_id is null then
    return;
  end if;

  -- Step 1: a new marker means a new request.
  insert into clustering.pending (poll_id) values (p_poll_id) on conflict (poll_id) do nothing;
  if not found then
    -- Step 2: the marker exists. KEY SHARE (the lock every foreign key check takes, so voters never wait on each
    -- other) makes a starting job's DELETE of the marker wait until this vote commits, so that job reads this vote.
    select notified_at into v_notified from clustering.pending where poll_id = p_poll_id for key share;
    if not found then
      -- A job started (and deleted the marker) after step 1 and may not see this vote: mark again.
      insert into clustering.pending (poll_id) values (p_poll_id) on conflict (poll_id) do nothing;
      if not found then
        return;
      end if;
    elsif v_notified >= now() - interval '30 seconds' then
      return;
    else
      -- Stale: re-notify, once. The re-check under the row lock lets exactly one voter win.
      update clustering.pending set notified_at = now()
      where poll_id = p_poll_id and notified_at < now() - interval '30 seconds';
      if not found then
        return;
      end if;
    end if;
  end if;

  -- Plain PostgreSQL (and a listening service on Supabase): NOTIFY, delivered at commit.
  perform pg_catalog.pg_notify('clustering', p_poll_id::text);

  -- Supabase: POST <url>/cluster through pg_net, sent at commit, when pg_net and a URL are there.
  if not exists (select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                 where n.nspname = 'net' and p.proname = 'http_post') then
    return;
  end if;

  if pg_catalog.to_regclass('vault.decrypted_secrets') is not null then
    select s.decrypted_secret into v_url from vault.decrypted_secrets s where s.name = 'clustering_service_url';
    select s.decrypted_secret into v_token from vault.decrypted_secrets s where s.name = 'clustering_service_token';
  end if;
  if v_url is null then
    select s.value into v_url from clustering.settings s where s.key = 'clustering_service_url';
  end if;
  if v_token is null then
    select s.value into v_token from clustering.settings s where s.key = 'clustering_service_token';
  end if;
  if pg_catalog.to_regclass('public.polis_system_settings') is not null then
    if v_url is null then
      select s.setting_value into v_url from public.polis_system_settings s
      where s.setting_key = 'clustering_microservice_url';
    end if;
    if v_token is null then
      select s.setting_value into v_token from public.polis_system_settings s
      where s.setting_key = 'clustering_microservice_token';
    end if;
  end if;
  if coalesce(v_url, '') = '' then
    return;
  end if;

  perform net.http_post(
    url := pg_catalog.rtrim(v_url, '/') || '/cluster',
    body := pg_catalog.jsonb_build_object('poll_id', p_poll_id, 'force_recalculate', false),
    headers := pg_catalog.jsonb_build_object('Content-Type', 'application/json')
      || case when coalesce(v_token, '') = '' then '{}'::jsonb
              else pg_catalog.jsonb_build_object('Authorization', 'Bearer ' || v_token) end,
    timeout_milliseconds := 10000);
exception when others then
  -- Never abort a vote over clustering (the seed swallows errors too).
  raise warning 'clustering.request_cluster(%): % (%)', p_poll_id, sqlerrm, sqlstate;
end
$$;

revoke all on function clustering.request_cluster(uuid) from public;

create or replace function clustering.on_vote_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    -- A poll being deleted cascades to its votes: nothing to recluster then.
    if exists (select 1 from public.polis_polls p where p.poll_id = old.poll_id) then
      perform clustering.request_cluster(old.poll_id);
    end if;
    return null;
  end if;

  perform clustering.request_cluster(new.poll_id);
  if tg_op = 'UPDATE' and old.poll_id is distinct from new.poll_id then
    perform clustering.request_cluster(old.poll_id);
  end if;
  return null;
end
$$;

revoke all on function clustering.on_vote_change() from public;

do $$
declare
  r text;
  t record;
  f record;
begin
  foreach r in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = r) then
      execute format('revoke all on function clustering.request_cluster(uuid) from %I', r);
      execute format('revoke all on function clustering.on_vote_change() from %I', r);
    end if;
  end loop;

  -- The seed's polis_votes_clustering_trigger (→ on_vote_change → the edge function), whatever it is called now.
  for t in
    select tg.tgname from pg_catalog.pg_trigger tg
    join pg_catalog.pg_proc p on p.oid = tg.tgfoid
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where tg.tgrelid = 'public.polis_votes'::regclass and not tg.tgisinternal
      and (tg.tgname = 'polis_votes_clustering_trigger' or (n.nspname = 'public' and p.proname = 'on_vote_change'))
  loop
    execute format('drop trigger %I on public.polis_votes', t.tgname);
  end loop;

  -- Anything else that still calls the seed's trigger_clustering_and_consensus(poll uuid) now takes our path. The
  -- signature (parameter name, return type) is kept so that CREATE OR REPLACE keeps its grants.
  for f in
    select coalesce(nullif(p.proargnames[1], ''), 'poll_id') as arg, p.prorettype = 'pg_catalog.void'::regtype as is_void,
           pg_catalog.format_type(p.prorettype, null) as returns
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname = 'trigger_clustering_and_consensus'
      and p.pronargs = 1 and p.proargtypes[0] = 'pg_catalog.uuid'::pg_catalog.regtype and not p.proretset
  loop
    execute format(
      $f$create or replace function public.trigger_clustering_and_consensus(%I uuid) returns %s
         language plpgsql security definer set search_path = '' as $b$
         begin perform clustering.request_cluster($1); %s end $b$ $f$,
      f.arg, f.returns, case when f.is_void then 'return;' else 'return null;' end);
  end loop;

  -- The seed recounts member_count on every membership row (update_group_member_counts, §3): O(n²) for our bulk
  -- insert. The service writes member_count itself, in the same transaction.
  for t in
    select tg.tgname from pg_catalog.pg_trigger tg join pg_catalog.pg_proc p on p.oid = tg.tgfoid
    where tg.tgrelid = 'public.polis_user_group_membership'::regclass and not tg.tgisinternal
      and p.proname = 'update_group_member_counts'
  loop
    execute format('drop trigger %I on public.polis_user_group_membership', t.tgname);
  end loop;
end
$$;

create or replace trigger clustering_vote_change
after insert or update or delete on public.polis_votes
for each row execute function clustering.on_vote_change();
