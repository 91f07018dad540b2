using PolisClustering.Cli.Generate;
using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Output;
using PolisClustering.Engine.Tests.Cli;
using PolisClustering.Engine.Tests.Loading;

namespace PolisClustering.Engine.Tests.Engine;

/// <summary>The same votes give the same bytes, whatever order they arrive in and whatever order ids were first seen.</summary>
public sealed class DeterminismTests
{
    [Fact]
    public void Run_GeneratedVotesShuffledWithIdsInternedInReverse_ByteIdenticalJson()
    {
        var input = SyntheticConversation.Generate(new() { Participants = 400, Statements = 30, Votes = 6_000, Seed = 5 }).ToConversationInput();
        var shuffled = Reordered(input, seed: 1);

        Assert.NotEqual(input.ParticipantIds, shuffled.ParticipantIds); // the test really changes first-seen order
        Assert.Equal(Json(ClusteringEngine.Run(input)), Json(ClusteringEngine.Run(shuffled)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Run_SampleVotesShuffled_ByteIdenticalJson(int seed)
    {
        var input = ConversationLoader.Load(RepoPaths.CityPark).Input;

        var expected = Json(ClusteringEngine.Run(input));

        Assert.Equal(expected, Json(ClusteringEngine.Run(Reordered(input, seed))));
    }

    [Theory]
    [InlineData("15-per-hour-seattle")]
    [InlineData("brexit-consensus")]
    public void Run_OpenDataVotesShuffled_ByteIdenticalJson(string name)
    {
        var input = ConversationLoader.Load(SharedData.OpenData(name)).Input;

        Assert.Equal(Json(ClusteringEngine.Run(input)), Json(ClusteringEngine.Run(Reordered(input, seed: 4))));
    }

    [Fact]
    public void Run_SameInputTwice_ByteIdenticalJsonForEveryAlgorithm()
    {
        var input = ConversationLoader.Load(RepoPaths.CityPark).Input;

        foreach (var algorithm in new[] { Algorithm.Polis, Algorithm.KMeans, Algorithm.Dbscan })
        {
            var options = new EngineOptions { Algorithm = algorithm };
            Assert.Equal(Json(ClusteringEngine.Run(input, options)), Json(ClusteringEngine.Run(Reordered(input, seed: 5), options)));
        }
    }

    /// <summary>
    /// A copy with the vote events shuffled, participant and statement ids interned in reverse order of the original's
    /// first appearance, and statements added in reverse.
    /// </summary>
    internal static ConversationInput Reordered(ConversationInput input, int seed)
    {
        var copy = new ConversationInput();
        foreach (var id in input.ParticipantIds.Reverse())
        {
            copy.InternParticipant(id);
        }

        foreach (var id in input.VotedStatementIds.Reverse())
        {
            copy.InternStatement(id);
        }

        var events = Votes.Events(input).ToArray();
        new Random(seed).Shuffle(events);
        foreach (var (participant, statement, vote, time) in events)
        {
            copy.AddVote(participant, statement, vote, time);
        }

        foreach (var statement in input.Statements.Values.Reverse())
        {
            copy.AddStatement(statement);
        }

        return copy;
    }

    internal static byte[] Json(ClusteringResult result)
    {
        using var stream = new MemoryStream();
        PolisMathJson.Write(result, stream);
        return stream.ToArray();
    }
}
