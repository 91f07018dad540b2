using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Statistics;

/// <summary>Representative statements per group (polis-math.md §3.1-3.6, Polis math/repness.clj).</summary>
internal static class Repness
{
    private const int PickMax = 5;

    private readonly record struct Stats(
        int Na, int Nd, int Ns, double Pa, double Pd, double Pat, double Pdt, double Ra, double Rd, double Rat, double Rdt);

    public static List<RepresentativeStatement>[] Select(Tallies groups, bool[] modOut, IReadOnlyList<string> tids)
    {
        var g = groups.GroupCount;
        var c = modOut.Length;
        var totalA = new int[c];
        var totalD = new int[c];
        var totalS = new int[c];
        for (var h = 0; h < g; h++)
        {
            for (var j = 0; j < c; j++)
            {
                totalA[j] += groups.Agree[h][j];
                totalD[j] += groups.Disagree[h][j];
                totalS[j] += groups.Seen[h][j];
            }
        }

        var result = new List<RepresentativeStatement>[g];
        for (var h = 0; h < g; h++)
        {
            var sufficient = new List<RepresentativeStatement>();
            RepresentativeStatement? best = null;
            (int Tid, Stats S)? bestAgree = null;
            for (var j = 0; j < c; j++)
            {
                if (modOut[j])
                {
                    continue;
                }

                int na = groups.Agree[h][j], nd = groups.Disagree[h][j], ns = groups.Seen[h][j];
                var s = Compute(na, nd, ns, totalA[j] - na, totalD[j] - nd, totalS[j] - ns);
                if (PassesByTest(s))
                {
                    sufficient.Add(Finalize(tids[j], s));
                }

                if (sufficient.Count == 0 && (best is null || Math.Max(s.Rat, s.Rdt) > best.RepnessTest))
                {
                    best = Finalize(tids[j], s);
                }

                if (BeatsBestAgree(s, bestAgree?.S))
                {
                    bestAgree = (j, s);
                }
            }

            RepresentativeStatement? agreeHead = bestAgree is { } ba
                ? Finalize(tids[ba.Tid], ba.S) with { NAgree = ba.S.Na, BestAgree = true }
                : null;
            var head = agreeHead ?? best;
            if (sufficient.Count == 0)
            {
                result[h] = head is null ? [] : [head];
                continue;
            }

            var ranked = sufficient
                .Where(r => agreeHead is null || r.StatementId != agreeHead.StatementId)
                .OrderByDescending(Metric); // OrderBy is stable, as Clojure's sort-by
            var picked = (agreeHead is null ? ranked : ranked.Prepend(agreeHead)).Take(PickMax).ToList();
            result[h] = [.. picked.Where(r => r.RepfulForAgree), .. picked.Where(r => !r.RepfulForAgree)];
        }

        return result;
    }

    private static double Metric(RepresentativeStatement r) => r.Repness * r.RepnessTest * r.PSuccess * r.PTest;

    private static Stats Compute(int na, int nd, int ns, int naRest, int ndRest, int nsRest)
    {
        var pa = PolisStats.Probability(na, ns);
        var pd = PolisStats.Probability(nd, ns);
        return new Stats(na, nd, ns, pa, pd,
            PolisStats.PropTest(na, ns), PolisStats.PropTest(nd, ns),
            pa / PolisStats.Probability(naRest, nsRest), pd / PolisStats.Probability(ndRest, nsRest),
            PolisStats.TwoPropTest(na, naRest, ns, nsRest), PolisStats.TwoPropTest(nd, ndRest, ns, nsRest));
    }

    private static bool PassesByTest(Stats s) =>
        (s.Rat > PolisStats.Z90 && s.Pat > PolisStats.Z90) || (s.Rdt > PolisStats.Z90 && s.Pdt > PolisStats.Z90);

    /// <summary>finalize-cmt-stats: the agree side when rat &gt; rdt strictly; repness-test is a float32.</summary>
    private static RepresentativeStatement Finalize(string tid, Stats s) => s.Rat > s.Rdt
        ? new RepresentativeStatement(tid, s.Na, s.Ns, s.Pa, s.Pat, s.Ra, (float)s.Rat, true, null, false)
        : new RepresentativeStatement(tid, s.Nd, s.Ns, s.Pd, s.Pdt, s.Rd, (float)s.Rdt, false, null, false);

    /// <summary>beats-best-agr?: prefers statements the group both agrees on and is distinguished by.</summary>
    private static bool BeatsBestAgree(Stats s, Stats? current)
    {
        if (s.Na == 0 && s.Nd == 0)
        {
            return false;
        }

        if (current is { } b && b.Ra > 1.0)
        {
            return s.Ra * s.Rat * s.Pa * s.Pat > b.Ra * b.Rat * b.Pa * b.Pat;
        }

        if (current is { } c)
        {
            return s.Pa * s.Pat > c.Pa * c.Pat;
        }

        return s.Pat > PolisStats.Z90 || (s.Ra > 1.0 && s.Pa > 0.5);
    }
}
