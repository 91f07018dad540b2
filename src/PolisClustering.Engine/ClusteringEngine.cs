using System.Globalization;
using PolisClustering.Engine.Clustering;
using PolisClustering.Engine.Matrix;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Pca;
using PolisClustering.Engine.State;
using PolisClustering.Engine.Statistics;

namespace PolisClustering.Engine;

/// <summary>
/// One Polis math tick (polis-math.md §2, §3): votes and the previous state in, groups, statistics and the next state
/// out. Pure and deterministic: the same votes and state give the same result whatever order the votes arrive in.
/// </summary>
public static class ClusteringEngine
{
    public static ClusteringResult Run(ConversationInput input, EngineOptions? options = null,
        ConversationState? previous = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new EngineOptions();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lap = TimeSpan.Zero;
        void Report(string message)
        {
            if (progress is not null)
            {
                var now = clock.Elapsed;
                progress(string.Create(CultureInfo.InvariantCulture, $"{message} ({(now - lap).TotalMilliseconds:0} ms)"));
                lap = now;
            }
        }

        var r = VoteMatrix.Build(input, previous);
        Report($"matrix: {r.RowCount} participants, {r.ColumnCount} statements, {r.VoteCount} votes");
        var tids = r.StatementIds;
        var inConv = InConv.Compute(r, previous, options);

        var x = new CenteredMatrix(r);
        var comps = PolisPca.Compute(x, StartVectors(previous, tids));
        Report("pca");
        var (px, py) = Project(x, comps);
        var (commentProjection, extremity) = ProjectComments(x.Center, comps);
        Report("projection");

        var inConvRows = Enumerable.Range(0, r.RowCount).Where(i => inConv[i]).ToArray();
        var layout = options.Algorithm == Algorithm.Polis
            ? PolisGroups(r, inConvRows, px, py, options, previous)
            : AlternativeGroups.Run(options.Algorithm, inConvRows, px, py, options.Seed);
        Report($"clusters: {layout.Bases.Count} base clusters, {layout.Groups.Count} groups (best k {layout.Selection.BestK})");

        // Votes-base and group-votes count R over in-conv participants (§3.7).
        var baseOfRow = new int[r.RowCount];
        Array.Fill(baseOfRow, -1);
        for (var b = 0; b < layout.Bases.Count; b++)
        {
            foreach (var row in layout.Bases[b].Members)
            {
                baseOfRow[row] = b;
            }
        }

        var baseTallies = Tallies.Count(r, baseOfRow, layout.Bases.Count);
        var groups = layout.Groups;
        var hasGroups = groups.Count >= 2;
        var groupParts = hasGroups
            ? groups.Select(g => (IReadOnlyList<int>)g.Members).ToList()
            : [Enumerable.Range(0, layout.Bases.Count).ToList()];
        var groupTallies = baseTallies.SumInto(groupParts);
        var repness = hasGroups ? Repness.Select(groupTallies, r.ModOut, tids) : [];
        var everyone = Tallies.Count(r, new int[r.RowCount], 1);
        var (consensusAgree, consensusDisagree) = Consensus.Select(everyone, r.ModOut, tids);
        var gac = CommentPriorities.GroupAwareConsensus(groupTallies, r.ColumnCount);
        var isMeta = tids.Select(t => input.StatementOrDefault(t).IsMeta).ToArray();
        var (pa, pd, ps) = PriorityTallies(previous, groupTallies, tids);
        var priorities = CommentPriorities.Compute(pa, pd, ps, extremity, isMeta);

        Report("statistics");
        var groupIds = hasGroups ? groups.Select(g => g.Id).ToArray() : [];
        var groupOfBase = new int?[layout.Bases.Count];
        for (var g = 0; g < groupIds.Length; g++)
        {
            foreach (var b in groups[g].Members)
            {
                groupOfBase[b] = groupIds[g];
            }
        }

        var groupCenters = hasGroups ? groups.Select(g => (g.Id, g.X, g.Y)).ToArray() : [];
        var participants = new ParticipantPlacement[r.RowCount];
        for (var i = 0; i < r.RowCount; i++)
        {
            var b = baseOfRow[i];
            participants[i] = new ParticipantPlacement(r.ParticipantIds[i], px[i], py[i], r.VotesOf(i), inConv[i],
                b >= 0 ? layout.Bases[b].Id : null, b >= 0 ? groupOfBase[b] : null, Nearest(groupCenters, px[i], py[i]));
        }

        var baseClusters = layout.Bases.Select(c => new BaseCluster(c.Id,
            [.. c.Members.Select(row => r.ParticipantIds[row])], c.X, c.Y)).ToList();
        var opinionGroups = hasGroups
            ? groups.Select(g => new OpinionGroup(g.Id, [.. g.Members.Select(b => layout.Bases[b].Id)],
                [.. g.Members.SelectMany(b => layout.Bases[b].Members).Order().Select(row => r.ParticipantIds[row])],
                g.X, g.Y)).ToList()
            : [];
        var groupVotes = new VoteTallies(groupTallies.Agree, groupTallies.Disagree, groupTallies.Seen);
        var nextState = new ConversationState
        {
            MathTick = (previous?.MathTick ?? 0) + 1,
            ParticipantOrder = r.ParticipantIds,
            StatementOrder = tids,
            InConv = [.. inConvRows.Select(i => r.ParticipantIds[i])],
            Components = [.. comps.Select(c => (IReadOnlyList<double>)c)],
            BaseClusters = [.. baseClusters.Select(b => new StoredCluster(b.Id, b.Members, b.X, b.Y))],
            GroupClusterings = layout.Selection.ByK.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<StoredCluster>)
                [.. kv.Value.Select(g => new StoredCluster(g.Id,
                    [.. g.Members.Select(b => layout.Bases[b].Id.ToString(CultureInfo.InvariantCulture))], g.X, g.Y))]),
            KSmoother = layout.Selection.Smoother,
            GroupVotes = hasGroups ? GroupVoteList(groupIds, groupTallies, tids) : [],
            LastVoteTimestamp = r.LastVoteTimestamp,
        };

        Report("result");
        return new ClusteringResult
        {
            Algorithm = options.Algorithm,
            Outcome = hasGroups ? ClusteringOutcome.Groups : ClusteringOutcome.NoGroups(layout.NoGroupsReason ?? NoGroupsReason(r, inConvRows.Length, layout.Bases.Count)),
            ParticipantIds = r.ParticipantIds,
            StatementIds = tids,
            UserVoteCounts = [.. Enumerable.Range(0, r.RowCount).Select(r.VotesOf)],
            InConv = nextState.InConv,
            ModOut = [.. tids.Where((_, j) => r.ModOut[j])],
            ModIn = [.. tids.Where(t => input.StatementOrDefault(t) is var s && (s.IsMeta || s.Moderation == Moderation.Accepted))],
            MetaTids = [.. tids.Where((_, j) => isMeta[j])],
            Pca = new PcaResult(x.Center, [.. comps], [.. commentProjection], extremity),
            Participants = participants,
            BaseClusters = baseClusters,
            Groups = opinionGroups,
            Silhouettes = layout.Selection.Silhouettes,
            BestK = layout.Selection.BestK,
            Noise = [.. layout.Noise.Select(row => r.ParticipantIds[row])],
            BaseVotes = new VoteTallies(baseTallies.Agree, baseTallies.Disagree, baseTallies.Seen),
            GroupVotes = hasGroups ? groupVotes : new VoteTallies([], [], []),
            Repness = repness,
            ConsensusAgree = consensusAgree,
            ConsensusDisagree = consensusDisagree,
            GroupAwareConsensus = gac,
            CommentPriorities = priorities,
            LastVoteTimestamp = r.LastVoteTimestamp,
            MathTick = nextState.MathTick,
            NextState = nextState,
        };
    }

    private static string NoGroupsReason(VoteMatrix r, int inConv, int bases) => r.RowCount == 0
        ? "no votes"
        : bases < 2
            ? $"all {inConv} clustered participants share one opinion position (no variance between them)"
            : "k-means found a single group";

    /// <summary>Polis start vectors: last run's components by statement, 1.0 for statements new since (§2.4).</summary>
    private static double[]?[]? StartVectors(ConversationState? previous, string[] tids)
    {
        if (previous is null || previous.Components.Count == 0)
        {
            return null;
        }

        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < previous.StatementOrder.Count; j++)
        {
            position[previous.StatementOrder[j]] = j;
        }

        return [.. previous.Components.Select(comp =>
        {
            var v = new double[tids.Length];
            for (var j = 0; j < tids.Length; j++)
            {
                v[j] = position.TryGetValue(tids[j], out var p) && p < comp.Count ? comp[p] : 1.0;
            }

            return v.Any(e => e != 0) ? v : null;
        })];
    }

    /// <summary>Sparsity-aware projection (§2.7): √(C / n_i) · Σ_j X_ij pc_kj, n_i counting mod-out columns.</summary>
    private static (double[] X, double[] Y) Project(CenteredMatrix x, double[][] comps)
    {
        var r = x.R;
        var px = new double[r.RowCount];
        var py = new double[r.RowCount];
        var pc1 = comps.Length > 0 ? comps[0] : new double[r.ColumnCount];
        var pc2 = comps.Length > 1 ? comps[1] : new double[r.ColumnCount];
        for (var i = 0; i < r.RowCount; i++)
        {
            double s1 = 0, s2 = 0;
            var real = 0;
            for (var k = r.RowStart[i]; k < r.RowStart[i + 1]; k++)
            {
                var c = r.Cols[k];
                s1 += x.Values[k] * pc1[c];
                s2 += x.Values[k] * pc2[c];
                if (!r.ModOut[c])
                {
                    real++;
                }
            }

            var scale = Math.Sqrt(r.ColumnCount / (double)Math.Max(real + r.ModOutCount, 1));
            px[i] = scale * s1;
            py[i] = scale * s2;
        }

        return (px, py);
    }

    /// <summary>Comment projection √C · (-1 - c_j) · pc_kj and extremity (§2.8).</summary>
    private static (double[][] Projection, double[] Extremity) ProjectComments(double[] center, double[][] comps)
    {
        var c = center.Length;
        var sqrtC = Math.Sqrt(c);
        var projection = comps.Select(pc => Enumerable.Range(0, c).Select(j => sqrtC * (-1 - center[j]) * pc[j]).ToArray()).ToArray();
        var extremity = new double[c];
        for (var j = 0; j < c; j++)
        {
            var sum = 0.0;
            foreach (var row in projection)
            {
                sum += row[j] * row[j];
            }

            extremity[j] = Math.Sqrt(sum);
        }

        return (projection, extremity);
    }

    private static GroupLayout PolisGroups(VoteMatrix r, int[] inConvRows, double[] px, double[] py,
        EngineOptions options, ConversationState? previous)
    {
        var xs = inConvRows.Select(i => px[i]).ToArray();
        var ys = inConvRows.Select(i => py[i]).ToArray();
        var pointOfParticipant = new Dictionary<string, int>(inConvRows.Length, StringComparer.Ordinal);
        for (var p = 0; p < inConvRows.Length; p++)
        {
            pointOfParticipant[r.ParticipantIds[inConvRows[p]]] = p;
        }

        var kmeans = new PolisKMeans(xs, ys, null);
        List<KCluster> bases;
        if (options.FixedBaseClusters is { } fixedBases)
        {
            bases = [.. fixedBases.Select(c => ToPoints(c, pointOfParticipant)).Where(c => c.Members.Count > 0)];
            bases = kmeans.Recentered(bases);
        }
        else
        {
            var warm = previous?.BaseClusters.Select(c => ToPoints(c, pointOfParticipant)).ToList();
            bases = inConvRows.Length == 0 ? [] : kmeans.Run(options.BaseK, options.BaseIterations, warm);
        }

        // Points of the group level are base centers in id order, weighted by size (§2.10).
        var selection = GroupClustering.Run([.. bases.Select(b => b.X)], [.. bases.Select(b => b.Y)],
            [.. bases.Select(b => (double)b.Members.Count)], [.. bases.Select(b => b.Id)], options,
            previous?.GroupClusterings, previous?.KSmoother);
        var chosenK = selection.Smoother?.SmoothedK is { } sk && selection.ByK.ContainsKey(sk) ? sk : selection.BestK;
        var groups = chosenK > 0 ? selection.ByK[chosenK] : [];

        // Map base clusters back from point indices to matrix rows.
        var rowBases = bases.Select(b => new KCluster(b.Id, [.. b.Members.Select(p => inConvRows[p])], b.X, b.Y)).ToList();
        return new GroupLayout(rowBases, groups, selection, null, []);
    }

    private static KCluster ToPoints(StoredCluster c, Dictionary<string, int> pointOf) =>
        new(c.Id, [.. c.Members.Where(pointOf.ContainsKey).Select(m => pointOf[m])], c.X, c.Y);

    private static int? Nearest((int Id, double X, double Y)[] centers, double x, double y)
    {
        int? best = null;
        var bestDistance = double.PositiveInfinity;
        foreach (var (id, cx, cy) in centers)
        {
            var d = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy));
            if (d < bestDistance)
            {
                bestDistance = d;
                best = id;
            }
        }

        return best;
    }

    /// <summary>
    /// Polis reads the previous run's group votes for priorities (§3.10). A first run has none; it uses its own, the
    /// fixed point Polis reaches on its next tick without new votes.
    /// </summary>
    private static (int[] A, int[] D, int[] S) PriorityTallies(ConversationState? previous, Tallies current, string[] tids)
    {
        var a = new int[tids.Length];
        var d = new int[tids.Length];
        var s = new int[tids.Length];
        if (previous is { GroupVotes.Count: > 0 })
        {
            var column = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var j = 0; j < tids.Length; j++)
            {
                column[tids[j]] = j;
            }

            foreach (var t in previous.GroupVotes)
            {
                if (column.TryGetValue(t.StatementId, out var j))
                {
                    a[j] += t.Agree;
                    d[j] += t.Disagree;
                    s[j] += t.Seen;
                }
            }

            return (a, d, s);
        }

        for (var g = 0; g < current.GroupCount; g++)
        {
            for (var j = 0; j < tids.Length; j++)
            {
                a[j] += current.Agree[g][j];
                d[j] += current.Disagree[g][j];
                s[j] += current.Seen[g][j];
            }
        }

        return (a, d, s);
    }

    private static List<GroupVoteTally> GroupVoteList(int[] groupIds, Tallies t, string[] tids)
    {
        var list = new List<GroupVoteTally>();
        for (var g = 0; g < groupIds.Length; g++)
        {
            for (var j = 0; j < tids.Length; j++)
            {
                if (t.Seen[g][j] > 0)
                {
                    list.Add(new GroupVoteTally(groupIds[g], tids[j], t.Agree[g][j], t.Disagree[g][j], t.Seen[g][j]));
                }
            }
        }

        return list;
    }
}
