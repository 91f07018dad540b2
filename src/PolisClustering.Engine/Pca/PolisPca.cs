namespace PolisClustering.Engine.Pca;

/// <summary>
/// The two principal components Polis's power iteration converges to (polis-math.md §2.4), computed exactly.
/// </summary>
internal static class PolisPca
{
    /// <summary>
    /// Computes min(2, N, C) unit components. Power iteration keeps the sign of (start · eigenvector), so the sign is
    /// taken from the previous run's components, padded with 1.0 for new columns exactly as Polis pads its start
    /// vector; with no previous components, from an all-ones start (the mean of Polis's uniform random start).
    /// Zero-variance data gives zero components, never NaN.
    /// </summary>
    public static double[][] Compute(CenteredMatrix x, IReadOnlyList<double[]?>? startVectors)
    {
        var c = x.R.ColumnCount;
        var count = Math.Min(2, Math.Min(x.R.RowCount, c));
        var (values, vectors) = LanczosEigensolver.Leading(x.MultiplyGram, c, count);
        var comps = new double[count][];
        var scale = values.Length > 0 ? Math.Max(values[0], 0) : 0;
        for (var k = 0; k < count; k++)
        {
            if (k >= values.Length || values[k] <= 1e-12 * scale || scale == 0)
            {
                comps[k] = new double[c];
                continue;
            }

            var v = vectors[k];
            ZeroConstantColumns(x, v);
            var start = startVectors is not null && k < startVectors.Count ? startVectors[k] : null;
            var overlap = start is null ? Sum(v) : LanczosEigensolver.Dot(start, v);
            if (Math.Abs(overlap) <= 1e-12)
            {
                overlap = FirstNonZero(v);
            }

            if (overlap < 0)
            {
                for (var j = 0; j < c; j++)
                {
                    v[j] = -v[j];
                }
            }

            comps[k] = v;
        }

        return comps;
    }

    /// <summary>
    /// A column with no variance (unanimous, all-pass or mod-out) has an exact zero loading in Polis (§1.3, §6.6);
    /// the Krylov basis leaves rounding noise of 1e-17 there, which would flip a later sign test.
    /// </summary>
    private static void ZeroConstantColumns(CenteredMatrix x, double[] v)
    {
        var active = new bool[v.Length];
        for (var k = 0; k < x.Values.Length; k++)
        {
            if (x.Values[k] != 0)
            {
                active[x.R.Cols[k]] = true;
            }
        }

        var norm = 0.0;
        for (var j = 0; j < v.Length; j++)
        {
            v[j] = active[j] ? v[j] : 0;
            norm += v[j] * v[j];
        }

        norm = Math.Sqrt(norm);
        for (var j = 0; j < v.Length; j++)
        {
            v[j] /= norm;
        }
    }

    private static double Sum(double[] v)
    {
        var s = 0.0;
        foreach (var x in v)
        {
            s += x;
        }

        return s;
    }

    private static double FirstNonZero(double[] v)
    {
        foreach (var x in v)
        {
            if (Math.Abs(x) > 1e-12)
            {
                return x;
            }
        }

        return 1;
    }
}
