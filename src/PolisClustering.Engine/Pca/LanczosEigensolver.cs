using MathNet.Numerics.LinearAlgebra;

namespace PolisClustering.Engine.Pca;

/// <summary>
/// Leading eigenpairs of a symmetric positive semi-definite operator by Lanczos with full reorthogonalisation
/// (Golub and Van Loan, Matrix Computations, §10.1). It converges to what Polis's power iteration converges to
/// (polis-math.md §2.4) without its 101-product cap, and costs one operator product per step.
/// </summary>
internal static class LanczosEigensolver
{
    private const double RelativeResidual = 1e-13;

    public delegate void Operator(ReadOnlySpan<double> v, Span<double> result);

    /// <summary>Returns up to <paramref name="count"/> unit eigenvectors with their eigenvalues, largest first.</summary>
    public static (double[] Values, double[][] Vectors) Leading(Operator apply, int dim, int count)
    {
        if (dim == 0 || count == 0)
        {
            return ([], []);
        }

        var maxSteps = dim;
        var basis = new List<double[]>();
        var alpha = new List<double>();
        var beta = new List<double>();
        var random = new Random(20140101); // any fixed start works; fixed keeps runs byte-identical
        var q = RandomUnit(random, dim, basis);
        var w = new double[dim];
        var norm = 0.0;
        (double[] Values, double[][] Ritz) best = ([], []);
        for (var step = 0; step < maxSteps; step++)
        {
            basis.Add(q);
            apply(q, w);
            var a = Dot(q, w);
            alpha.Add(a);
            Axpy(-a, q, w);
            if (step > 0)
            {
                Axpy(-beta[step - 1], basis[step - 1], w);
            }

            // Two passes of classical Gram-Schmidt keep the basis orthogonal to machine precision.
            for (var pass = 0; pass < 2; pass++)
            {
                foreach (var b in basis)
                {
                    Axpy(-Dot(b, w), b, w);
                }
            }

            var bNext = Math.Sqrt(Dot(w, w));
            norm = Math.Max(norm, Math.Abs(a) + bNext);
            var invariant = bNext <= 1e-14 * Math.Max(norm, double.Epsilon);
            var last = step == maxSteps - 1;
            if (step + 1 >= count && (invariant || last || (step + 1) % 4 == 0))
            {
                var (values, vectors, converged) = RitzPairs(alpha, beta, invariant ? 0 : bNext, basis, count, norm);
                best = (values, vectors);
                if (converged || last)
                {
                    break;
                }
            }

            if (invariant)
            {
                // The Krylov space is invariant: restart in its complement (beta = 0 decouples T).
                beta.Add(0);
                q = RandomUnit(random, dim, basis);
                if (q.Length == 0)
                {
                    break;
                }
            }
            else
            {
                beta.Add(bNext);
                q = new double[dim];
                for (var j = 0; j < dim; j++)
                {
                    q[j] = w[j] / bNext;
                }
            }
        }

        return best;
    }

    private static (double[] Values, double[][] Vectors, bool Converged) RitzPairs(List<double> alpha,
        List<double> beta, double residualBeta, List<double[]> basis, int count, double norm)
    {
        var m = alpha.Count;
        var t = Matrix<double>.Build.Dense(m, m);
        for (var i = 0; i < m; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < m)
            {
                t[i, i + 1] = beta[i];
                t[i + 1, i] = beta[i];
            }
        }

        var evd = t.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var order = Enumerable.Range(0, m).OrderByDescending(i => evd.EigenValues[i].Real).Take(count).ToArray();
        var values = new double[order.Length];
        var vectors = new double[order.Length][];
        var converged = true;
        var dim = basis[0].Length;
        for (var r = 0; r < order.Length; r++)
        {
            var col = order[r];
            values[r] = evd.EigenValues[col].Real;
            var s = evd.EigenVectors.Column(col);
            converged &= Math.Abs(residualBeta * s[m - 1]) <= RelativeResidual * Math.Max(norm, double.Epsilon);
            var v = new double[dim];
            for (var i = 0; i < m; i++)
            {
                Axpy(s[i], basis[i], v);
            }

            var len = Math.Sqrt(Dot(v, v));
            for (var j = 0; j < dim; j++)
            {
                v[j] /= len;
            }

            vectors[r] = v;
        }

        return (values, vectors, converged);
    }

    private static double[] RandomUnit(Random random, int dim, List<double[]> against)
    {
        if (against.Count >= dim)
        {
            return [];
        }

        var v = new double[dim];
        for (var j = 0; j < dim; j++)
        {
            v[j] = random.NextDouble() - 0.5;
        }

        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var b in against)
            {
                Axpy(-Dot(b, v), b, v);
            }
        }

        var len = Math.Sqrt(Dot(v, v));
        for (var j = 0; j < dim; j++)
        {
            v[j] /= len;
        }

        return v;
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            sum += a[j] * b[j];
        }

        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (var j = 0; j < y.Length; j++)
        {
            y[j] += a * x[j];
        }
    }
}
