using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Statistics;

/// <summary>Consensus statements over all participants (polis-math.md §3.8, repness.clj consensus-stats).</summary>
internal static class Consensus
{
    private const int PickMax = 5;

    /// <param name="everyone">A one-group tally of every participant (not only in-conv).</param>
    public static (List<ConsensusStatement> Agree, List<ConsensusStatement> Disagree) Select(
        Tallies everyone, bool[] modOut, IReadOnlyList<string> tids)
    {
        var agree = new List<(ConsensusStatement S, double Metric)>();
        var disagree = new List<(ConsensusStatement S, double Metric)>();
        for (var j = 0; j < modOut.Length; j++)
        {
            if (modOut[j])
            {
                continue;
            }

            int na = everyone.Agree[0][j], nd = everyone.Disagree[0][j], ns = everyone.Seen[0][j];
            var pa = PolisStats.Probability(na, ns);
            var pat = PolisStats.PropTest(na, ns);
            if (pa > 0.5 && pat > PolisStats.Z90)
            {
                agree.Add((new ConsensusStatement(tids[j], na, ns, pa, pat), pa * pat));
            }

            var pd = PolisStats.Probability(nd, ns);
            var pdt = PolisStats.PropTest(nd, ns);
            if (pd > 0.5 && pdt > PolisStats.Z90)
            {
                disagree.Add((new ConsensusStatement(tids[j], nd, ns, pd, pdt), pd * pdt));
            }
        }

        return (Top(agree), Top(disagree));
    }

    private static List<ConsensusStatement> Top(List<(ConsensusStatement S, double Metric)> candidates) =>
        [.. candidates.OrderByDescending(c => c.Metric).Take(PickMax).Select(c => c.S)];
}
