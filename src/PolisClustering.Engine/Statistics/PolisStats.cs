namespace PolisClustering.Engine.Statistics;

/// <summary>Polis's test statistics (polis-math.md §3.2-3.4, Polis math/stats.clj), internal convention.</summary>
internal static class PolisStats
{
    /// <summary>z-sig-90?: Polis hard-codes 1.2816, not the exact 1.2815516 quantile.</summary>
    public const double Z90 = 1.2816;

    /// <summary>Laplace-smoothed probability (n + 1) / (trials + 2).</summary>
    public static double Probability(int n, int trials) => (n + 1.0) / (trials + 2.0);

    /// <summary>One-proportion test of the smoothed p against 1/2 (prop-test).</summary>
    public static double PropTest(int n, int trials) => 2 * Math.Sqrt(trials + 1.0) * (((n + 1.0) / (trials + 1.0)) - 0.5);

    /// <summary>Two-proportion z-test with +1 smoothing on both sides; 0 when the pooled proportion is 1.</summary>
    public static double TwoPropTest(int successIn, int successOut, int trialsIn, int trialsOut)
    {
        double s1 = successIn + 1, s2 = successOut + 1, n1 = trialsIn + 1, n2 = trialsOut + 1;
        var p1 = s1 / n1;
        var p2 = s2 / n2;
        var pooled = (s1 + s2) / (n1 + n2);
        if (pooled == 1)
        {
            return 0;
        }

        return (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * ((1 / n1) + (1 / n2)));
    }
}
