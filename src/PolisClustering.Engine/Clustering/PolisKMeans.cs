namespace PolisClustering.Engine.Clustering;

/// <summary>
/// Polis's k-means in two dimensions (polis-math.md §2.9, Polis math/clusters.clj kmeans): first-k-distinct or warm
/// (clean-start) initialisation, weighted Lloyd steps that drop empty clusters, and the 0.01 sorted-center stop.
/// </summary>
internal sealed class PolisKMeans(double[] xs, double[] ys, double[]? weights)
{
    private const double SameClusteringThreshold = 0.01;

    /// <summary>Below this many points a step is too short to be worth splitting across cores.</summary>
    private const int ParallelPoints = 16_384;

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
        private bool _scanned;
        private (double[] Distance, int[] Center)[]? _neighbours;

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

        /// <summary>For each live center, itself first, then every other live center by increasing distance.</summary>
        private (double[] Distance, int[] Center)[] Neighbours()
        {
            // Centers move little between steps, so last step's order is nearly sorted: an insertion sort over it
            // costs about one pass, where sorting afresh costs a full sort per center per step.
            var live = new bool[_cx.Length];
            foreach (var c in _order)
            {
                live[c] = true;
            }

            var table = new (double[], int[])[_cx.Length];
            foreach (var a in _order)
            {
                var previous = _neighbours?[a].Center;
                var center = new int[_order.Length];
                var count = 0;
                foreach (var c in previous ?? _order)
                {
                    if (live[c])
                    {
                        center[count++] = c;
                    }
                }

                var distance = new double[count];
                for (var i = 0; i < count; i++)
                {
                    distance[i] = Math.Sqrt(Dist2(_cx[a], _cy[a], _cx[center[i]], _cy[center[i]]));
                }

                if (previous is null)
                {
                    Array.Sort(distance, center);
                }
                else
                {
                    InsertionSort(distance, center);
                }

                table[a] = (distance, center);
            }

            _neighbours = table;
            return table;
        }

        private static void InsertionSort(double[] keys, int[] items)
        {
            for (var i = 1; i < keys.Length; i++)
            {
                var key = keys[i];
                var item = items[i];
                var j = i - 1;
                while (j >= 0 && keys[j] > key)
                {
                    keys[j + 1] = keys[j];
                    items[j + 1] = items[j];
                    j--;
                }

                keys[j + 1] = key;
                items[j + 1] = item;
            }
        }

        /// <summary>
        /// Exact nearest and a lower bound on the second nearest for a point assigned to <paramref name="a"/>: a center
        /// c can be at most as near as a only if d(a, c) ≤ 2 d(p, a), and an unvisited c is at least d(a, c) - d(p, a)
        /// away. Equal distances go to the cluster later in the current order, as Polis's min-key.
        /// </summary>
        private (int Best, double BestD, double SecondD) ScanNear(double x, double y, int a, (double[] Distance, int[] Center)[] neighbours, int[] rank)
        {
            var u = Math.Sqrt(Dist2(x, y, _cx[a], _cy[a]));
            var best = -1;
            double bestD = double.PositiveInfinity, secondD = double.PositiveInfinity;
            var (distances, centers) = neighbours[a];
            for (var i = 0; i < distances.Length; i++)
            {
                var (distance, c) = (distances[i], centers[i]);
                if (distance > 2 * u * (1 + 1e-12) + 1e-300)
                {
                    var bound = distance - u;
                    secondD = Math.Min(secondD, bound * bound);
                    break;
                }

                Consider(c, Dist2(x, y, _cx[c], _cy[c]), rank, ref best, ref bestD, ref secondD);
            }

            return (best, bestD, secondD);
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

            // First step: centers sorted by x, a scan walks outward from the point's x. Later steps: from the assigned
            // center outward through its neighbours by distance (Elkan 2003, "Using the triangle inequality").
            var byX = _order.OrderBy(c => _cx[c]).ToArray();
            var sortedX = byX.Select(c => _cx[c]).ToArray();
            var neighbours = _scanned ? Neighbours() : [];
            // Each point's assignment is independent of the others' within a step, so large inputs are split across
            // cores; the result is the same whatever the split (every assignment is exact).
            void Assign(int from, int to)
            {
                for (var p = from; p < to; p++)
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

                    var (best, bestD, secondD) = _scanned
                        ? ScanNear(xs[p], ys[p], a, neighbours, rank)
                        : Scan(xs[p], ys[p], byX, sortedX, rank, _cx, _cy);
                    _assigned[p] = best;
                    _upper[p] = Math.Sqrt(bestD);
                    _lower[p] = Math.Sqrt(secondD);
                }
            }

            var parts = n >= ParallelPoints ? Environment.ProcessorCount : 1;
            if (parts > 1)
            {
                Parallel.For(0, parts, part => Assign((int)((long)n * part / parts), (int)((long)n * (part + 1) / parts)));
            }
            else
            {
                Assign(0, n);
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
            _scanned = true;
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

    /// <summary>
    /// Nearest and second-nearest squared distances, exact: every center not visited is farther in x alone than the
    /// second nearest. Equal distances go to the cluster later in the current order, as Polis's min-key.
    /// </summary>
    private static (int Best, double BestD, double SecondD) Scan(double x, double y, int[] byX, double[] sortedX, int[] rank,
        double[] cx, double[] cy)
    {
        var best = -1;
        double bestD = double.PositiveInfinity, secondD = double.PositiveInfinity;
        var right = Array.BinarySearch(sortedX, x);
        right = right < 0 ? ~right : right;
        var left = right - 1;
        while (left >= 0 || right < byX.Length)
        {
            var dl = left >= 0 ? x - sortedX[left] : double.PositiveInfinity;
            var dr = right < byX.Length ? sortedX[right] - x : double.PositiveInfinity;
            var fromLeft = dl <= dr;
            var dx = fromLeft ? dl : dr;
            if (dx * dx > secondD)
            {
                break;
            }

            var c = fromLeft ? byX[left--] : byX[right++];
            Consider(c, Dist2(x, y, cx[c], cy[c]), rank, ref best, ref bestD, ref secondD);
        }

        return (best, bestD, secondD);
    }

    /// <summary>Keeps the nearest and second-nearest; an equal distance goes to the later cluster (Polis's min-key).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Consider(int c, double d, int[] rank, ref int best, ref double bestD, ref double secondD)
    {
        if (d < bestD || (d == bestD && rank[c] > rank[best]))
        {
            secondD = bestD;
            bestD = d;
            best = c;
        }
        else if (d < secondD)
        {
            secondD = d;
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
