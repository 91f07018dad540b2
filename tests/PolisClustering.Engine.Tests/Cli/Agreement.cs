namespace PolisClustering.Engine.Tests.Cli;

/// <summary>How well found labels match planted ones: adjusted Rand index (Hubert and Arabie 1985) and purity.</summary>
internal static class Agreement
{
    public static double AdjustedRand(IReadOnlyList<int> truth, IReadOnlyList<int> found)
    {
        Assert.Equal(truth.Count, found.Count);
        var n = truth.Count;
        var table = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var cols = new Dictionary<int, long>();
        for (var i = 0; i < n; i++)
        {
            table[(truth[i], found[i])] = table.GetValueOrDefault((truth[i], found[i])) + 1;
            rows[truth[i]] = rows.GetValueOrDefault(truth[i]) + 1;
            cols[found[i]] = cols.GetValueOrDefault(found[i]) + 1;
        }

        static double Pairs(long m) => m * (m - 1) / 2.0;
        var index = table.Values.Sum(Pairs);
        var a = rows.Values.Sum(Pairs);
        var b = cols.Values.Sum(Pairs);
        var expected = a * b / Pairs(n);
        var max = (a + b) / 2;
        return max == expected ? 1.0 : (index - expected) / (max - expected);
    }

    /// <summary>Share of participants whose found group's most common planted group is their own.</summary>
    public static double Purity(IReadOnlyList<int> truth, IReadOnlyList<int> found)
    {
        Assert.Equal(truth.Count, found.Count);
        var majority = Enumerable.Range(0, truth.Count).GroupBy(i => found[i])
            .Sum(g => g.GroupBy(i => truth[i]).Max(t => t.Count()));
        return majority / (double)truth.Count;
    }
}
