namespace PolisClustering.Engine.Clustering;

/// <summary>
/// Polis's silhouette (polis-math.md §2.10, clusters.clj silhouette): per base cluster, unweighted, a singleton
/// scores 0, the clustering scores the plain mean. Null where Polis would throw (one cluster of two or more points).
/// </summary>
internal static class Silhouette
{
    public static double? Score(double[] xs, double[] ys, List<KCluster> clustering)
    {
        var n = xs.Length;
        if (clustering.Count < 2)
        {
            return n == 1 && clustering.Count == 1 ? 0 : null;
        }

        var label = new int[n];
        for (var c = 0; c < clustering.Count; c++)
        {
            foreach (var p in clustering[c].Members)
            {
                label[p] = c;
            }
        }

        var total = 0.0;
        var sums = new double[clustering.Count];
        for (var p = 0; p < n; p++)
        {
            Array.Clear(sums);
            for (var q = 0; q < n; q++)
            {
                if (q != p)
                {
                    var dx = xs[p] - xs[q];
                    var dy = ys[p] - ys[q];
                    sums[label[q]] += Math.Sqrt((dx * dx) + (dy * dy));
                }
            }

            var own = clustering[label[p]].Members.Count;
            if (own == 1)
            {
                continue; // s = 0
            }

            var a = sums[label[p]] / (own - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < clustering.Count; c++)
            {
                if (c != label[p])
                {
                    b = Math.Min(b, sums[c] / clustering[c].Members.Count);
                }
            }

            var denominator = Math.Max(a, b);
            total += denominator > 0 ? (b - a) / denominator : 0;
        }

        return total / n;
    }
}
