namespace PolisClustering.Engine.Clustering;

/// <summary>
/// Polis's k-means in two dimensions (polis-math.md §2.9, Polis math/clusters.clj kmeans): first-k-distinct or warm
/// (clean-start) initialisation, weighted Lloyd steps that drop empty clusters, and the 0.01 sorted-center stop.
/// </summary>
internal sealed class PolisKMeans(double[] xs, double[] ys, double[]? weights)
{
    private const double SameClusteringThreshold = 0.01;

    public int PointCount => xs.Length;

    /// <summary>Runs at most <paramref name="maxIters"/> + 1 Lloyd steps, as Polis's loop does.</summary>
    public List<KCluster> Run(int k, int maxIters, List<KCluster>? warm)
    {
        var clusters = warm is { Count: > 0 } ? CleanStart(warm, k) : InitFirstDistinct(k);
        for (var iter = maxIters; ; iter--)
        {
            var next = Step(clusters);
            if (iter == 0 || SameClustering(clusters, next))
            {
                return [.. next.OrderBy(c => c.Id)];
            }

            clusters = next;
        }
    }

    /// <summary>The clusters with centers recomputed from their members' current positions (unweighted).</summary>
    public List<KCluster> Recentered(List<KCluster> clusters)
    {
        foreach (var c in clusters)
        {
            Recenter(c, null);
        }

        return clusters;
    }

    /// <summary>Cold start: the first k distinct points in point order become centers 0..k-1 (init-clusters).</summary>
    public List<KCluster> InitFirstDistinct(int k)
    {
        var seen = new HashSet<(double, double)>();
        var clusters = new List<KCluster>();
        for (var p = 0; p < xs.Length && clusters.Count < k; p++)
        {
            if (seen.Add((xs[p], ys[p])))
            {
                clusters.Add(new KCluster(clusters.Count, [], xs[p], ys[p]));
            }
        }

        return clusters;
    }

    /// <summary>One Lloyd step (cluster-step): nearest center, ties to the later cluster; empty clusters vanish.</summary>
    public List<KCluster> Step(List<KCluster> clusters)
    {
        var slot = new int[clusters.Count];
        Array.Fill(slot, -1);
        var next = new List<KCluster>(clusters.Count);
        for (var p = 0; p < xs.Length; p++)
        {
            var best = Nearest(clusters, xs[p], ys[p]);
            if (slot[best] < 0)
            {
                slot[best] = next.Count;
                next.Add(new KCluster(clusters[best].Id, [], 0, 0));
            }

            next[slot[best]].Members.Add(p);
        }

        foreach (var c in next)
        {
            Recenter(c, weights);
        }

        return next;
    }

    private static int Nearest(List<KCluster> clusters, double x, double y)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < clusters.Count; c++)
        {
            var dx = x - clusters[c].X;
            var dy = y - clusters[c].Y;
            var d = (dx * dx) + (dy * dy);
            if (d <= bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }

        return best;
    }

    private void Recenter(KCluster c, double[]? w)
    {
        double sx = 0, sy = 0, sw = 0;
        foreach (var p in c.Members)
        {
            var wp = w is null ? 1 : w[p];
            sx += wp * xs[p];
            sy += wp * ys[p];
            sw += wp;
        }

        if (sw > 0)
        {
            c.X = sx / sw;
            c.Y = sy / sw;
        }
    }

    private static bool SameClustering(List<KCluster> a, List<KCluster> b)
    {
        var ca = a.Select(c => (c.X, c.Y)).Order().ToList();
        var cb = b.Select(c => (c.X, c.Y)).Order().ToList();
        for (var i = 0; i < Math.Min(ca.Count, cb.Count); i++)
        {
            var dx = ca[i].X - cb[i].X;
            var dy = ca[i].Y - cb[i].Y;
            if (Math.Sqrt((dx * dx) + (dy * dy)) >= SameClusteringThreshold)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Warm start (clean-start-clusters): keep surviving members, recenter on current positions, merge coinciding
    /// centers, then split off the most distant point until there are min(k, distinct points) clusters.
    /// </summary>
    private List<KCluster> CleanStart(List<KCluster> previous, int k)
    {
        var clusters = new List<KCluster>();
        foreach (var c in previous)
        {
            var members = c.Members.Where(p => p >= 0 && p < xs.Length).ToList();
            if (members.Count > 0)
            {
                var kept = new KCluster(c.Id, members, 0, 0);
                Recenter(kept, null);
                clusters.Add(kept);
            }
        }

        if (clusters.Count == 0)
        {
            var all = new KCluster(0, [.. Enumerable.Range(0, xs.Length)], 0, 0);
            Recenter(all, null);
            clusters.Add(all);
        }

        clusters = MergeCoinciding(clusters);
        var distinct = new HashSet<(double, double)>(Enumerable.Range(0, xs.Length).Select(p => (xs[p], ys[p]))).Count;
        var target = Math.Min(k, distinct);
        var owner = new int[xs.Length];
        while (clusters.Count < target)
        {
            foreach (var c in clusters)
            {
                Recenter(c, null);
            }

            Array.Fill(owner, -1);
            for (var i = 0; i < clusters.Count; i++)
            {
                foreach (var p in clusters[i].Members)
                {
                    owner[p] = i;
                }
            }

            var farthest = -1;
            var farthestDistance = 0.0;
            for (var p = 0; p < xs.Length; p++)
            {
                var c = clusters[Nearest(clusters, xs[p], ys[p])];
                var dx = xs[p] - c.X;
                var dy = ys[p] - c.Y;
                var d = (dx * dx) + (dy * dy);
                if (d > farthestDistance)
                {
                    farthestDistance = d;
                    farthest = p;
                }
            }

            if (farthest < 0)
            {
                break;
            }

            if (owner[farthest] >= 0)
            {
                clusters[owner[farthest]].Members.Remove(farthest);
            }

            clusters.Add(new KCluster(clusters.Max(c => c.Id) + 1, [farthest], xs[farthest], ys[farthest]));
        }

        return clusters;
    }

    private static List<KCluster> MergeCoinciding(List<KCluster> clusters)
    {
        var merged = new List<KCluster>();
        foreach (var group in clusters.GroupBy(c => (c.X, c.Y)))
        {
            var parts = group.ToList();
            if (parts.Count == 1)
            {
                merged.Add(parts[0]);
                continue;
            }

            var largest = parts.OrderByDescending(c => c.Members.Count).First();
            var members = parts.SelectMany(c => c.Members).Order().ToList();
            merged.Add(new KCluster(largest.Id, members, largest.X, largest.Y));
        }

        return merged;
    }
}
