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
        var lloyd = new Lloyd(this, clusters);
        for (var iter = maxIters; ; iter--)
        {
            var before = lloyd.Centers();
            lloyd.Step();
            if (iter == 0 || SameClustering(before, lloyd.Centers()))
            {
                return [.. lloyd.Clusters().OrderBy(c => c.Id)];
            }
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

    /// <summary>
    /// Lloyd steps as Polis's cluster-step: nearest center with ties to the later cluster in the current order,
    /// empty clusters dropped, clusters ordered by first assigned point, centers the weighted member mean. Hamerly's
    /// bounds (Hamerly 2010, "Making k-means even faster") skip the scan for points whose center is strictly nearest,
    /// so the assignments are exactly those of the full scan.
    /// </summary>
    private sealed class Lloyd
    {
        private readonly PolisKMeans _owner;
        private readonly int[] _ids;
        private readonly double[] _cx;
        private readonly double[] _cy;
        private readonly int[] _assigned;
        private readonly double[] _upper;
        private readonly double[] _lower;
        private int[] _order;

        public Lloyd(PolisKMeans owner, List<KCluster> clusters)
        {
            _owner = owner;
            _ids = [.. clusters.Select(c => c.Id)];
            _cx = [.. clusters.Select(c => c.X)];
            _cy = [.. clusters.Select(c => c.Y)];
            _order = [.. Enumerable.Range(0, clusters.Count)];
            var n = owner.PointCount;
            _assigned = new int[n];
            _upper = new double[n];
            _lower = new double[n]; // 0: no bound yet, so the first step scans every point
        }

        public List<(double X, double Y)> Centers() => [.. _order.Select(c => (_cx[c], _cy[c]))];

        public List<KCluster> Clusters()
        {
            var members = _order.ToDictionary(c => c, _ => new List<int>());
            for (var p = 0; p < _assigned.Length; p++)
            {
                members[_assigned[p]].Add(p);
            }

            return [.. _order.Select(c => new KCluster(_ids[c], members[c], _cx[c], _cy[c]))];
        }

        /// <summary>The assigned center is strictly nearest, with a margin for rounding in the bounds.</summary>
        private bool Skips(int p) => _upper[p] < _lower[p] * (1 - 1e-12);

        public void Step()
        {
            var xs = _owner.Xs;
            var ys = _owner.Ys;
            var w = _owner.Weights;
            var n = xs.Length;
            var rank = new int[_cx.Length];
            for (var i = 0; i < _order.Length; i++)
            {
                rank[_order[i]] = i;
            }

            // Points whose bounds do not settle it search a grid over the centers instead of every center.
            var grid = new CenterGrid(_cx, _cy, _order, rank);
            for (var p = 0; p < n; p++)
            {
                if (Skips(p))
                {
                    continue;
                }

                var a = _assigned[p];
                if (_lower[p] > 0)
                {
                    _upper[p] = Math.Sqrt(Dist2(xs[p], ys[p], _cx[a], _cy[a]));
                    if (Skips(p))
                    {
                        continue;
                    }
                }

                var (best, bestD, secondD) = grid.Nearest(xs[p], ys[p]);
                _assigned[p] = best;
                _upper[p] = Math.Sqrt(bestD);
                _lower[p] = Math.Sqrt(secondD);
            }

            // New order: first assigned point; sums in point order, as the member lists would give them.
            var slot = new int[_cx.Length];
            Array.Fill(slot, -1);
            var next = new List<int>(_order.Length);
            var sx = new double[_cx.Length];
            var sy = new double[_cx.Length];
            var sw = new double[_cx.Length];
            for (var p = 0; p < n; p++)
            {
                var c = _assigned[p];
                if (slot[c] < 0)
                {
                    slot[c] = next.Count;
                    next.Add(c);
                }

                var wp = w is null ? 1 : w[p];
                sx[c] += wp * xs[p];
                sy[c] += wp * ys[p];
                sw[c] += wp;
            }

            var moved = new double[_cx.Length];
            double maxMove = 0, secondMove = 0;
            var fastest = -1;
            foreach (var c in next)
            {
                var nx = sx[c] / sw[c];
                var ny = sy[c] / sw[c];
                moved[c] = Math.Sqrt(Dist2(nx, ny, _cx[c], _cy[c]));
                if (moved[c] > maxMove)
                {
                    (secondMove, maxMove, fastest) = (maxMove, moved[c], c);
                }
                else
                {
                    secondMove = Math.Max(secondMove, moved[c]);
                }

                _cx[c] = nx;
                _cy[c] = ny;
            }

            _order = [.. next];
            for (var p = 0; p < n; p++)
            {
                // Hamerly: the own center moves the upper bound; the fastest other center the lower one.
                _upper[p] += moved[_assigned[p]];
                _lower[p] = Math.Max(0, _lower[p] - (_assigned[p] == fastest ? secondMove : maxMove));
                if (_lower[p] == 0)
                {
                    _upper[p] = 0; // forces a scan next step (a zero lower bound means "unknown")
                }
            }
        }
    }

    private double[] Xs => xs;
    private double[] Ys => ys;
    private double[]? Weights => weights;

    private static double Dist2(double x1, double y1, double x2, double y2)
    {
        var dx = x1 - x2;
        var dy = y1 - y2;
        return (dx * dx) + (dy * dy);
    }

    private static int Nearest(List<KCluster> clusters, double x, double y)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < clusters.Count; c++)
        {
            var d = Dist2(x, y, clusters[c].X, clusters[c].Y);
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

    private static bool SameClustering(List<(double X, double Y)> a, List<(double X, double Y)> b)
    {
        a.Sort();
        b.Sort();
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            if (Math.Sqrt(Dist2(a[i].X, a[i].Y, b[i].X, b[i].Y)) >= SameClusteringThreshold)
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
