using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Clustering;

/// <summary>
/// The alternative algorithms the old service offered, run on the in-conv participants' PCA positions:
/// ML.NET k-means (k = 2..5 by silhouette) and DBSCAN (eps from the k-distance knee; noise gets no group).
/// Each group is reported as one base cluster, so every output keeps the Polis shape.
/// </summary>
internal static class AlternativeGroups
{
    private const int MaxK = 5;
    private const int DbscanMinPoints = 4;
    private const int SilhouetteSample = 3000;

    public static GroupLayout Run(Algorithm algorithm, int[] rows, double[] px, double[] py, int seed)
    {
        var xs = rows.Select(i => px[i]).ToArray();
        var ys = rows.Select(i => py[i]).ToArray();
        var distinct = xs.Zip(ys).Distinct().Count();
        var silhouettes = new Dictionary<int, double?>();
        int[] labels;
        if (distinct < 2)
        {
            labels = new int[rows.Length];
        }
        else if (algorithm == Algorithm.KMeans)
        {
            labels = [];
            var best = double.NegativeInfinity;
            for (var k = 2; k <= Math.Min(MaxK, distinct); k++)
            {
                var candidate = KMeans(xs, ys, k, seed);
                var score = SampledSilhouette(xs, ys, candidate);
                silhouettes[k] = score;
                if (score is { } s && s > best)
                {
                    best = s;
                    labels = candidate;
                }
            }
        }
        else
        {
            labels = Dbscan(xs, ys);
            silhouettes[labels.Where(l => l >= 0).Distinct().Count()] = SampledSilhouette(xs, ys, labels);
        }

        var clusters = Relabel(labels);
        var bases = clusters.Select((members, id) =>
        {
            var c = new KCluster(id, [.. members.Select(p => rows[p])], members.Average(p => xs[p]), members.Average(p => ys[p]));
            return c;
        }).ToList();
        var groups = bases.Select((b, i) => new KCluster(b.Id, [i], b.X, b.Y)).ToList();
        var bestK = groups.Count;
        var selection = new GroupClustering.Selection(new Dictionary<int, List<KCluster>> { [bestK] = groups },
            silhouettes, bestK, null);
        var noise = labels.Count(l => l < 0);
        var reason = groups.Count >= 2 ? null
            : distinct < 2 ? $"all {rows.Length} clustered participants share one opinion position"
            : $"{algorithm} found fewer than two groups ({noise} noise points)";
        return new GroupLayout(bases, groups, selection, reason, [.. labels.Select((l, p) => (l, p)).Where(t => t.l < 0).Select(t => rows[t.p])]);
    }

    /// <summary>Clusters as point lists, numbered by first appearance so labels do not depend on the trainer.</summary>
    private static List<List<int>> Relabel(int[] labels)
    {
        var index = new Dictionary<int, int>();
        var clusters = new List<List<int>>();
        for (var p = 0; p < labels.Length; p++)
        {
            if (labels[p] < 0)
            {
                continue;
            }

            if (!index.TryGetValue(labels[p], out var c))
            {
                c = index[labels[p]] = clusters.Count;
                clusters.Add([]);
            }

            clusters[c].Add(p);
        }

        return clusters;
    }

    private sealed class Point
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        [ColumnName("PredictedLabel")]
        public uint Label { get; set; }
    }

    private static int[] KMeans(double[] xs, double[] ys, int k, int seed)
    {
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(xs.Select((x, i) => new Point { Features = [(float)x, (float)ys[i]] }));
        var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            NumberOfClusters = k,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            NumberOfThreads = 1, // one thread keeps the result reproducible
        });
        var model = trainer.Fit(data);
        return [.. ml.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false)
            .Select(p => (int)p.Label - 1)];
    }

    /// <summary>
    /// DBSCAN (Ester et al. 1996) with minPts = 4 and eps at the knee of the sorted 4-distance curve (the point
    /// farthest from the chord, as in Kneedle). Neighbours come from a grid of eps-sized cells.
    /// </summary>
    private static int[] Dbscan(double[] xs, double[] ys)
    {
        var eps = ChooseEps(xs, ys);
        var n = xs.Length;
        var cells = new Dictionary<(long, long), List<int>>();
        for (var p = 0; p < n; p++)
        {
            var key = ((long)Math.Floor(xs[p] / eps), (long)Math.Floor(ys[p] / eps));
            if (!cells.TryGetValue(key, out var list))
            {
                cells[key] = list = [];
            }

            list.Add(p);
        }

        List<int> Neighbours(int p)
        {
            var (cx, cy) = ((long)Math.Floor(xs[p] / eps), (long)Math.Floor(ys[p] / eps));
            var result = new List<int>();
            for (var dx = -1; dx <= 1; dx++)
            {
                for (var dy = -1; dy <= 1; dy++)
                {
                    if (cells.TryGetValue((cx + dx, cy + dy), out var list))
                    {
                        result.AddRange(list.Where(q => Distance(xs, ys, p, q) <= eps));
                    }
                }
            }

            return result;
        }

        const int unvisited = -2, noise = -1;
        var labels = Enumerable.Repeat(unvisited, n).ToArray();
        var cluster = 0;
        for (var p = 0; p < n; p++)
        {
            if (labels[p] != unvisited)
            {
                continue;
            }

            var seeds = Neighbours(p);
            if (seeds.Count < DbscanMinPoints)
            {
                labels[p] = noise;
                continue;
            }

            labels[p] = cluster;
            var queue = new Queue<int>(seeds);
            while (queue.TryDequeue(out var q))
            {
                if (labels[q] == noise)
                {
                    labels[q] = cluster; // border point
                }

                if (labels[q] != unvisited)
                {
                    continue;
                }

                labels[q] = cluster;
                var more = Neighbours(q);
                if (more.Count >= DbscanMinPoints)
                {
                    foreach (var m in more)
                    {
                        queue.Enqueue(m);
                    }
                }
            }

            cluster++;
        }

        return labels;
    }

    private static double ChooseEps(double[] xs, double[] ys)
    {
        var sample = Sample(xs.Length, SilhouetteSample);
        var kDistances = new double[sample.Length];
        var d = new double[sample.Length];
        for (var a = 0; a < sample.Length; a++)
        {
            for (var b = 0; b < sample.Length; b++)
            {
                d[b] = Distance(xs, ys, sample[a], sample[b]);
            }

            Array.Sort(d);
            kDistances[a] = d[Math.Min(DbscanMinPoints, d.Length - 1)];
        }

        Array.Sort(kDistances);
        var n = kDistances.Length;
        var (x0, y0, x1, y1) = (0.0, kDistances[0], n - 1.0, kDistances[^1]);
        var best = kDistances[^1];
        var bestGap = double.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            // Distance from (i, k_i) to the chord, up to a constant factor.
            var gap = Math.Abs(((y1 - y0) * i) - ((x1 - x0) * kDistances[i]) + (x1 * y0) - (y1 * x0));
            if (gap > bestGap)
            {
                bestGap = gap;
                best = kDistances[i];
            }
        }

        return best > 0 ? best : Math.Max(kDistances[^1], 1e-9);
    }

    private static double? SampledSilhouette(double[] xs, double[] ys, int[] labels)
    {
        var sample = Sample(xs.Length, SilhouetteSample).Where(p => labels[p] >= 0).ToArray();
        var clusterIds = sample.Select(p => labels[p]).Distinct().ToList();
        if (clusterIds.Count < 2)
        {
            return null;
        }

        var total = 0.0;
        foreach (var p in sample)
        {
            var sums = clusterIds.ToDictionary(c => c, _ => (Sum: 0.0, Count: 0));
            foreach (var q in sample)
            {
                if (q != p)
                {
                    var (sum, count) = sums[labels[q]];
                    sums[labels[q]] = (sum + Distance(xs, ys, p, q), count + 1);
                }
            }

            var own = sums[labels[p]];
            if (own.Count == 0)
            {
                continue;
            }

            var a = own.Sum / own.Count;
            var b = sums.Where(kv => kv.Key != labels[p] && kv.Value.Count > 0).Min(kv => kv.Value.Sum / kv.Value.Count);
            var denominator = Math.Max(a, b);
            total += denominator > 0 ? (b - a) / denominator : 0;
        }

        return total / sample.Length;
    }

    /// <summary>Every (n / max)-th point: a deterministic sample that keeps O(sample²) steps cheap.</summary>
    private static int[] Sample(int n, int max)
    {
        var step = Math.Max(1, (n + max - 1) / max);
        return [.. Enumerable.Range(0, (n + step - 1) / step).Select(i => i * step)];
    }

    private static double Distance(double[] xs, double[] ys, int p, int q)
    {
        var dx = xs[p] - xs[q];
        var dy = ys[p] - ys[q];
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}
