namespace PolisClustering.Engine.Statistics;

/// <summary>Group-aware consensus and comment priorities (polis-math.md §3.9, §3.10, conversation.clj).</summary>
internal static class CommentPriorities
{
    private const double MetaPriority = 49; // 7²

    /// <summary>GAC_j = Π_g (A_gj + 1) / (S_gj + 2), mod-out statements included.</summary>
    public static double[] GroupAwareConsensus(Tallies groups, int columns)
    {
        var gac = new double[columns];
        for (var j = 0; j < columns; j++)
        {
            var product = 1.0;
            for (var g = 0; g < groups.GroupCount; g++)
            {
                product *= PolisStats.Probability(groups.Agree[g][j], groups.Seen[g][j]);
            }

            gac[j] = product;
        }

        return gac;
    }

    /// <summary>
    /// priority = [(1 - p)(E + 1) a · (1 + 8 · 2^(-S/5))]², 49 for meta, from group tallies A, D, S summed over
    /// groups (Polis reads the previous run's tallies; the caller decides which).
    /// </summary>
    public static double[] Compute(int[] agree, int[] disagree, int[] seen, double[] extremity, bool[] isMeta)
    {
        var priorities = new double[extremity.Length];
        for (var j = 0; j < priorities.Length; j++)
        {
            if (isMeta[j])
            {
                priorities[j] = MetaPriority;
                continue;
            }

            double a = agree[j], s = seen[j], passes = seen[j] - (agree[j] + disagree[j]);
            var pAgree = (a + 1) / (s + 2);
            var pPass = (passes + 1) / (s + 2);
            var importance = (1 - pPass) * (extremity[j] + 1) * pAgree;
            var boosted = importance * (1 + (8 * Math.Pow(2, -s / 5)));
            priorities[j] = boosted * boosted;
        }

        return priorities;
    }
}
