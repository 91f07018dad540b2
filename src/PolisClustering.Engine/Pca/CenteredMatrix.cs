using PolisClustering.Engine.Matrix;

namespace PolisClustering.Engine.Pca;

/// <summary>
/// X = mean-imputed M minus its column means (polis-math.md §2.3, §2.4). X is zero wherever a vote is missing and in
/// every mod-out column, so it shares R's sparsity: entry k of R maps to entry k of <see cref="Values"/>.
/// </summary>
internal sealed class CenteredMatrix
{
    public CenteredMatrix(VoteMatrix r)
    {
        R = r;
        var sum = new double[r.ColumnCount];
        var count = new int[r.ColumnCount];
        for (var k = 0; k < r.VoteCount; k++)
        {
            sum[r.Cols[k]] += r.Values[k];
            count[r.Cols[k]]++;
        }

        Center = new double[r.ColumnCount];
        for (var c = 0; c < Center.Length; c++)
        {
            Center[c] = r.ModOut[c] || count[c] == 0 ? 0 : sum[c] / count[c];
        }

        Values = new double[r.VoteCount];
        for (var k = 0; k < Values.Length; k++)
        {
            var c = r.Cols[k];
            Values[k] = r.ModOut[c] ? 0 : r.Values[k] - Center[c];
        }
    }

    public VoteMatrix R { get; }

    /// <summary>c: column means of the imputed M, 0 for mod-out columns (pca.center).</summary>
    public double[] Center { get; }

    /// <summary>X at R's nonzero pattern.</summary>
    public double[] Values { get; }

    /// <summary>w = Xᵀ(X v), the product Polis's power iteration repeats (pca.clj xtxr), in O(votes).</summary>
    public void MultiplyGram(ReadOnlySpan<double> v, Span<double> w)
    {
        w.Clear();
        var rowStart = R.RowStart;
        var cols = R.Cols;
        var x = Values;
        for (var i = 0; i < R.RowCount; i++)
        {
            var end = rowStart[i + 1];
            var dot = 0.0;
            for (var k = rowStart[i]; k < end; k++)
            {
                dot += x[k] * v[cols[k]];
            }

            if (dot != 0)
            {
                for (var k = rowStart[i]; k < end; k++)
                {
                    w[cols[k]] += dot * x[k];
                }
            }
        }
    }
}
