using System.Globalization;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Engine;

/// <summary>Small hand-made polls for engine tests (agree = +1 export convention).</summary>
internal static class Polls
{
    public static string Id(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Two camps of <paramref name="perCamp"/> who vote opposite on every statement, with pass noise.</summary>
    public static ConversationInput TwoCamps(int perCamp, int statements, int seed = 7)
    {
        var random = new Random(seed);
        var input = new ConversationInput();
        for (var p = 0; p < 2 * perCamp; p++)
        {
            var camp = p < perCamp ? 1 : -1;
            for (var s = 0; s < statements; s++)
            {
                var vote = random.NextDouble() < 0.15 ? 0 : (s % 3 == 0 ? 1 : camp * (s % 2 == 0 ? 1 : -1));
                input.AddVote(Id(p), Id(s), vote, 1_000 + (p * statements) + s);
            }
        }

        return input;
    }
}
