// supabase/functions/clustering-engine/index.ts — a thin proxy that replaces the seed app's edge engine.
// The frontend (manual, auto and load-test runs) calls the function by name and expects the synchronous answer
// {success, job_id, groups_created, consensus_points_found, cached?, error?} (seed-app-contract.md §1.1, §1.3 b).
// Secrets: `supabase secrets set CLUSTERING_SERVICE_URL=https://… CLUSTERING_SERVICE_TOKEN=…`.
const serviceUrl = (Deno.env.get("CLUSTERING_SERVICE_URL") ?? "").replace(/\/+$/, "");
const token = Deno.env.get("CLUSTERING_SERVICE_TOKEN") ?? "";
const cors = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
};
const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { ...cors, "Content-Type": "application/json" } });

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: cors });
  try {
    const { poll_id, force_recalculate = false } = await req.json();
    const res = await fetch(`${serviceUrl}/cluster?wait=true`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ poll_id, force_recalculate }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || body.success === false) {
      return reply(500, { success: false, job_id: body.job_id ?? null, error: body.error ?? body.detail ?? body.title ?? `HTTP ${res.status}` });
    }
    return reply(200, {
      success: true,
      job_id: body.job_id,
      cached: body.cached ?? false,
      groups_created: body.groups_created ?? 0,
      consensus_points_found: body.consensus_points_found ?? 0,
    });
  } catch (e) {
    return reply(500, { success: false, error: String(e) });
  }
});
