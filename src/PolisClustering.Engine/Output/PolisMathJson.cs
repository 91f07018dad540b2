using System.Globalization;
using System.Text.Json;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Output;

/// <summary>
/// Writes a result in the shape and key names of Polis's /api/v3/math/pca2 blob (polis-math.md §4.2), internal sign,
/// so Polis's own report client can read it. Our additions live under one extra key, "polis-clustering".
/// </summary>
public static class PolisMathJson
{
    public static void Write(ClusteringResult result, Stream stream, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented });
        var tids = result.StatementIds;
        w.WriteStartObject();
        w.WriteNumber("n", result.ParticipantIds.Count);
        w.WriteNumber("n-cmts", tids.Count);
        WriteIds(w, "tids", tids);
        w.WriteStartObject("user-vote-counts");
        for (var i = 0; i < result.ParticipantIds.Count; i++)
        {
            w.WriteNumber(result.ParticipantIds[i], result.UserVoteCounts[i]);
        }

        w.WriteEndObject();
        WriteIds(w, "in-conv", result.InConv);
        WriteIds(w, "mod-out", result.ModOut);
        WriteIds(w, "mod-in", result.ModIn);
        WriteIds(w, "meta-tids", result.MetaTids);

        w.WriteStartObject("pca");
        WriteNumbers(w, "center", result.Pca.Center);
        WriteMatrix(w, "comps", result.Pca.Components);
        WriteMatrix(w, "comment-projection", result.Pca.CommentProjection);
        WriteNumbers(w, "comment-extremity", result.Pca.CommentExtremity);
        w.WriteEndObject();

        w.WriteStartObject("base-clusters");
        WriteInts(w, "id", [.. result.BaseClusters.Select(b => b.Id)]);
        w.WriteStartArray("members");
        foreach (var b in result.BaseClusters)
        {
            WriteIdArray(w, b.Members);
        }

        w.WriteEndArray();
        WriteNumbers(w, "x", [.. result.BaseClusters.Select(b => b.X)]);
        WriteNumbers(w, "y", [.. result.BaseClusters.Select(b => b.Y)]);
        WriteInts(w, "count", [.. result.BaseClusters.Select(b => b.Members.Count)]);
        w.WriteEndObject();

        w.WriteStartArray("group-clusters");
        foreach (var g in result.Groups)
        {
            w.WriteStartObject();
            w.WriteNumber("id", g.Id);
            WriteInts(w, "members", g.BaseClusterIds);
            WriteNumbers(w, "center", [g.X, g.Y]);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartObject("group-votes");
        for (var g = 0; g < result.Groups.Count; g++)
        {
            w.WriteStartObject(Key(result.Groups[g].Id));
            w.WriteNumber("id", result.Groups[g].Id);
            w.WriteNumber("n-members", result.Groups[g].Members.Count);
            w.WriteStartObject("votes");
            for (var j = 0; j < tids.Count; j++)
            {
                w.WriteStartObject(tids[j]);
                w.WriteNumber("A", result.GroupVotes.Agree[g][j]);
                w.WriteNumber("D", result.GroupVotes.Disagree[g][j]);
                w.WriteNumber("S", result.GroupVotes.Seen[g][j]);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();

        w.WriteStartObject("votes-base");
        var bases = result.BaseClusters.Count;
        for (var j = 0; j < tids.Count; j++)
        {
            w.WriteStartObject(tids[j]);
            WriteInts(w, "A", [.. Enumerable.Range(0, bases).Select(b => result.BaseVotes.Agree[b][j])]);
            WriteInts(w, "D", [.. Enumerable.Range(0, bases).Select(b => result.BaseVotes.Disagree[b][j])]);
            WriteInts(w, "S", [.. Enumerable.Range(0, bases).Select(b => result.BaseVotes.Seen[b][j])]);
            w.WriteEndObject();
        }

        w.WriteEndObject();

        w.WriteStartObject("repness");
        for (var g = 0; g < result.Repness.Count; g++)
        {
            w.WriteStartArray(Key(result.Groups[g].Id));
            foreach (var r in result.Repness[g])
            {
                WriteRepness(w, r);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();

        w.WriteStartObject("consensus");
        WriteConsensus(w, "agree", result.ConsensusAgree);
        WriteConsensus(w, "disagree", result.ConsensusDisagree);
        w.WriteEndObject();

        WriteByTid(w, "group-aware-consensus", tids, result.GroupAwareConsensus);
        WriteByTid(w, "comment-priorities", tids, result.CommentPriorities);
        w.WriteNumber("lastVoteTimestamp", result.LastVoteTimestamp);
        w.WriteNull("lastModTimestamp");
        w.WriteNumber("math_tick", result.MathTick);

        w.WriteStartObject("polis-clustering");
        w.WriteString("algorithm", result.Algorithm.ToString().ToLowerInvariant());
        w.WriteBoolean("has-groups", result.Outcome.HasGroups);
        if (result.Outcome.Reason is { } reason)
        {
            w.WriteString("reason", reason);
        }

        w.WriteNumber("best-k", result.BestK);
        WriteIds(w, "noise", result.Noise);
        w.WriteStartObject("silhouettes");
        foreach (var (k, s) in result.Silhouettes.OrderBy(kv => kv.Key))
        {
            if (s is { } value)
            {
                w.WriteNumber(Key(k), value);
            }
            else
            {
                w.WriteNull(Key(k));
            }
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteRepness(Utf8JsonWriter w, RepresentativeStatement r)
    {
        w.WriteStartObject();
        WriteId(w, "tid", r.StatementId);
        w.WriteNumber("n-success", r.NSuccess);
        w.WriteNumber("n-trials", r.NTrials);
        w.WriteNumber("p-success", r.PSuccess);
        w.WriteNumber("p-test", r.PTest);
        w.WriteNumber("repness", r.Repness);
        w.WriteNumber("repness-test", r.RepnessTest);
        w.WriteString("repful-for", r.RepfulForAgree ? "agree" : "disagree");
        if (r.BestAgree)
        {
            w.WriteNumber("n-agree", r.NAgree ?? 0);
            w.WriteBoolean("best-agree", true);
        }

        w.WriteEndObject();
    }

    private static void WriteConsensus(Utf8JsonWriter w, string name, IReadOnlyList<ConsensusStatement> list)
    {
        w.WriteStartArray(name);
        foreach (var c in list)
        {
            w.WriteStartObject();
            WriteId(w, "tid", c.StatementId);
            w.WriteNumber("n-success", c.NSuccess);
            w.WriteNumber("n-trials", c.NTrials);
            w.WriteNumber("p-success", c.PSuccess);
            w.WriteNumber("p-test", c.PTest);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteByTid(Utf8JsonWriter w, string name, IReadOnlyList<string> tids, IReadOnlyList<double> values)
    {
        w.WriteStartObject(name);
        for (var j = 0; j < tids.Count; j++)
        {
            w.WriteNumber(tids[j], values[j]);
        }

        w.WriteEndObject();
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Integer ids are written as JSON numbers, as Polis writes pids and tids; others as strings.</summary>
    private static void WriteId(Utf8JsonWriter w, string name, string id)
    {
        w.WritePropertyName(name);
        WriteIdValue(w, id);
    }

    private static void WriteIdValue(Utf8JsonWriter w, string id)
    {
        if (long.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            && n.ToString(CultureInfo.InvariantCulture) == id)
        {
            w.WriteNumberValue(n);
        }
        else
        {
            w.WriteStringValue(id);
        }
    }

    private static void WriteIds(Utf8JsonWriter w, string name, IReadOnlyList<string> ids)
    {
        w.WritePropertyName(name);
        WriteIdArray(w, ids);
    }

    private static void WriteIdArray(Utf8JsonWriter w, IReadOnlyList<string> ids)
    {
        w.WriteStartArray();
        foreach (var id in ids)
        {
            WriteIdValue(w, id);
        }

        w.WriteEndArray();
    }

    private static void WriteInts(Utf8JsonWriter w, string name, IReadOnlyList<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, IReadOnlyList<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v); // throws on NaN or Infinity: a non-finite value is a bug, never output
        }

        w.WriteEndArray();
    }

    private static void WriteMatrix(Utf8JsonWriter w, string name, IReadOnlyList<IReadOnlyList<double>> rows)
    {
        w.WriteStartArray(name);
        foreach (var row in rows)
        {
            w.WriteStartArray();
            foreach (var v in row)
            {
                w.WriteNumberValue(v);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
    }
}
