using PolisClustering.Engine.State;

namespace PolisClustering.Engine.Clustering;

/// <summary>
/// Group clusters over base clusters (polis-math.md §2.10): weighted k-means for k = 2..min(maxK, 2 + B/12), each warm
/// started from the same k's last clustering, k chosen by silhouette (ties to the larger k), then the k smoother.
/// </summary>
internal static class GroupClustering
{
    public sealed record Selection(
        Dictionary<int, List<KCluster>> ByK, Dictionary<int, double?> Silhouettes, int BestK, KSmoother? Smoother);

    /// <param name="baseIds">Base cluster ids in id order; points are their centers, weighted by member count.</param>
    public static Selection Run(double[] xs, double[] ys, double[] weights, int[] baseIds, EngineOptions options,
        IReadOnlyDictionary<int, IReadOnlyList<StoredCluster>>? previous, KSmoother? smoother)
    {
        var byK = new Dictionary<int, List<KCluster>>();
        var silhouettes = new Dictionary<int, double?>();
        var b = xs.Length;
        var maxK = Math.Min(options.MaxK, 2 + (b / 12));
        var kmeans = new PolisKMeans(xs, ys, weights);
        var pointOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var p = 0; p < baseIds.Length; p++)
        {
            pointOf[baseIds[p].ToString(System.Globalization.CultureInfo.InvariantCulture)] = p;
        }

        // A configured minimum above Polis's cap (2 + B/12) yields to the cap rather than to no groups at all.
        var minK = Math.Min(Math.Max(2, options.MinK), maxK);
        for (var k = minK; k <= maxK && b > 0; k++)
        {
            List<KCluster>? warm = null;
            if (previous is not null && previous.TryGetValue(k, out var last))
            {
                warm = [.. last.Select(c => new KCluster(c.Id,
                    [.. c.Members.Where(pointOf.ContainsKey).Select(m => pointOf[m])], c.X, c.Y))];
            }

            var clustering = kmeans.Run(k, options.GroupIterations, warm);
            var score = Silhouette.Score(xs, ys, clustering);
            if (warm is not null)
            {
                // Polis forgets these clusterings on a worker restart; we keep them, so a warm start stuck in a poor
                // local optimum would never be left. A cold start that scores better replaces it, relabelled to
                // keep the warm clustering's group ids.
                var cold = kmeans.Run(k, options.GroupIterations, null);
                var coldScore = Silhouette.Score(xs, ys, cold);
                if (coldScore > (score ?? double.NegativeInfinity) + 1e-9)
                {
                    clustering = Relabel(cold, clustering);
                    score = coldScore;
                }
            }

            byK[k] = clustering;
            silhouettes[k] = score;
        }

        var bestK = 0;
        var bestScore = double.NegativeInfinity;
        foreach (var (k, score) in silhouettes.OrderBy(kv => kv.Key))
        {
            if (score is { } s && s >= bestScore)
            {
                bestScore = s;
                bestK = k;
            }
        }

        if (bestK == 0)
        {
            return new Selection(byK, silhouettes, 0, smoother);
        }

        return new Selection(byK, silhouettes, bestK, Smooth(smoother, bestK, options.KBuffer));
    }

    /// <summary>
    /// Gives each cluster of <paramref name="fresh"/> the id of the <paramref name="previous"/> cluster it shares the
    /// most members with (largest overlaps first); clusters left over get new ids above every previous one.
    /// </summary>
    private static List<KCluster> Relabel(List<KCluster> fresh, List<KCluster> previous)
    {
        var pairs = new List<(int Overlap, int Fresh, int Previous)>();
        for (var f = 0; f < fresh.Count; f++)
        {
            var members = fresh[f].Members.ToHashSet();
            for (var p = 0; p < previous.Count; p++)
            {
                pairs.Add((previous[p].Members.Count(members.Contains), f, p));
            }
        }

        var idOf = new int?[fresh.Count];
        var taken = new HashSet<int>();
        foreach (var (overlap, f, p) in pairs.OrderByDescending(t => t.Overlap).ThenBy(t => t.Fresh).ThenBy(t => t.Previous))
        {
            if (overlap > 0 && idOf[f] is null && taken.Add(previous[p].Id))
            {
                idOf[f] = previous[p].Id;
            }
        }

        var next = previous.Count > 0 ? previous.Max(c => c.Id) + 1 : 0;
        return [.. fresh.Select((c, f) => new KCluster(idOf[f] ?? next++, c.Members, c.X, c.Y)).OrderBy(c => c.Id)];
    }

    /// <summary>A new k takes over on its buffer-th consecutive win; the first run takes it at once.</summary>
    private static KSmoother Smooth(KSmoother? previous, int thisK, int buffer)
    {
        var count = previous is not null && previous.LastK == thisK ? previous.Count + 1 : 1;
        var smoothed = count >= buffer || previous is null ? thisK : previous.SmoothedK;
        return new KSmoother(thisK, count, smoothed);
    }
}
