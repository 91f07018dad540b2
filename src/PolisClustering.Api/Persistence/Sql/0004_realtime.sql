-- Realtime (supabase-notes.md §2; seed-app-contract.md §3 "Realtime", §6.20). The tables the UI subscribes to stay in
-- supabase_realtime, and our head row joins them. Only where the publication exists (Supabase) and only tables not
-- already in it (adding one twice raises duplicate_object). The big result JSON (clustering.results) stays out.
do $$
declare
  t text[];
begin
  if exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime' and not puballtables) then
    foreach t slice 1 in array array[
      ['public', 'polis_groups'],
      ['public', 'polis_user_group_membership'],
      ['public', 'polis_group_statement_stats'],
      ['public', 'polis_consensus_points'],
      ['public', 'polis_clustering_jobs'],
      ['public', 'polis_clustering_metrics'],
      ['public', 'polis_polls'],
      ['clustering', 'poll_results']]
    loop
      if not exists (select 1 from pg_catalog.pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = t[1] and tablename = t[2]) then
        execute format('alter publication supabase_realtime add table %I.%I', t[1], t[2]);
      end if;
    end loop;
  end if;

  -- REPLICA IDENTITY FULL on the seed tables the UI filters by poll_id (the job toast needs old.status), as the seed
  -- had it; only where it is not FULL yet, so a re-run takes no lock.
  foreach t slice 1 in array array[
    ['public', 'polis_votes'],
    ['public', 'polis_statements'],
    ['public', 'polis_groups'],
    ['public', 'polis_user_group_membership'],
    ['public', 'polis_group_statement_stats'],
    ['public', 'polis_consensus_points'],
    ['public', 'polis_clustering_jobs'],
    ['public', 'polis_clustering_metrics']]
  loop
    if exists (select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
               where n.nspname = t[1] and c.relname = t[2] and c.relreplident <> 'f') then
      execute format('alter table %I.%I replica identity full', t[1], t[2]);
    end if;
  end loop;
end
$$;
