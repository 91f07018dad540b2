using System.Globalization;
using PolisClustering.Cli.Generate;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.State;
using PolisClustering.Engine.Tests.Loading;

namespace PolisClustering.Engine.Tests.Engine;

/// <summary>A second run from the first run's state, after new participants joined, as Polis's next math tick.</summary>
public sealed class StatefulRunTests
{
    private const int FirstWave = 500;

    private static readonly SyntheticConversation Conversation =
        SyntheticConversation.Generate(new() { Participants = 600, Statements = 40, Groups = 3, Seed = 3 });

    [Fact]
    public void Run_FromStateAfterNewParticipants_KeepsKAndNearlyEveryoneInTheirGroup()
    {
        var (first, second) = TwoTicks();

        Assert.Equal(1, first.MathTick);
        Assert.Equal(2, second.MathTick);
        Assert.Equal(3, first.Groups.Count);
        Assert.Equal(3, second.Groups.Count);
        Assert.Equal(first.Groups.Select(g => g.Id), second.Groups.Select(g => g.Id));
        Assert.Equal(600, second.ParticipantIds.Count);
        Assert.Empty(first.InConv.Except(second.InConv)); // in-conv is sticky

        var before = first.Participants.Where(p => p.InConv).ToDictionary(p => p.Id, p => p.GroupId);
        var after = second.Participants.ToDictionary(p => p.Id, p => p.GroupId);
        var kept = before.Count(kv => after[kv.Key] == kv.Value) / (double)before.Count;
        Assert.Equal(491, before.Count);
        Assert.True(kept >= 0.98, $"{kept:P1} of the first wave kept their group id");
    }

    [Fact]
    public void Run_FromStateAfterNewParticipants_NewParticipantsJoinTheirPlantedGroupsGroup()
    {
        var (_, second) = TwoTicks();

        // The group most of a planted group's members are in, then how many newcomers land there too.
        var groupOfPlanted = second.Participants.Where(p => p.GroupId is not null && Index(p.Id) < FirstWave)
            .GroupBy(p => Conversation.PlantedGroups[Index(p.Id)])
            .ToDictionary(g => g.Key, g => g.GroupBy(p => p.GroupId).MaxBy(x => x.Count())!.Key);
        var newcomers = second.Participants.Where(p => p.GroupId is not null && Index(p.Id) >= FirstWave).ToList();
        var placed = newcomers.Count(p => p.GroupId == groupOfPlanted[Conversation.PlantedGroups[Index(p.Id)]]) / (double)newcomers.Count;

        Assert.Equal(3, groupOfPlanted.Values.Distinct().Count());
        Assert.True(placed >= 0.95, $"{placed:P1} of {newcomers.Count} newcomers in their planted group's group");
    }

    [Fact]
    public void Run_FromStateThroughJson_ByteIdenticalToTheInMemoryState()
    {
        var first = ClusteringEngine.Run(Wave(FirstWave));
        var json = ConversationStateJson.Serialize(first.NextState);
        var restored = ConversationStateJson.Deserialize(json);
        var all = Wave(600);

        var fromMemory = ClusteringEngine.Run(all, previous: first.NextState);
        var fromJson = ClusteringEngine.Run(all, previous: restored);

        Assert.Equal(json, ConversationStateJson.Serialize(restored));
        Assert.Equal(DeterminismTests.Json(fromMemory), DeterminismTests.Json(fromJson));
        Assert.Equal(ConversationStateJson.Serialize(fromMemory.NextState), ConversationStateJson.Serialize(fromJson.NextState));
    }

    [Fact]
    public void Run_FromStateWithoutNewVotes_SameGroupsAndTickThree()
    {
        var (_, second) = TwoTicks();

        var third = ClusteringEngine.Run(Wave(600), previous: second.NextState);

        Assert.Equal(3, third.MathTick);
        Assert.Equal(second.Groups.Select(g => (g.Id, string.Join(',', g.Members))), third.Groups.Select(g => (g.Id, string.Join(',', g.Members))));
    }

    [Fact]
    public void Run_WavesFromAHundredParticipants_LeavesAPoorWarmStartAndReachesThePlantedK()
    {
        // The first wave's cold k = 3 lands in a poor local optimum; warm starts alone would keep it (and k = 2)
        // forever, because the stored clusterings, unlike Polis's, survive restarts.
        ClusteringResult? last = null;
        ConversationState? state = null;
        var ks = new List<int>();
        for (var n = 100; n <= 600; n += 100)
        {
            var result = ClusteringEngine.Run(Wave(n), previous: state);
            ks.Add(result.Groups.Count);
            state = result.NextState;
            last = result;
        }

        Assert.Equal(3, ks[^1]);
        Assert.Equal(3, last!.BestK);
    }

    private static (ClusteringResult First, ClusteringResult Second) TwoTicks()
    {
        var first = ClusteringEngine.Run(Wave(FirstWave));
        return (first, ClusteringEngine.Run(Wave(600), previous: first.NextState));
    }

    /// <summary>The votes of participants "0" .. participants-1, with every statement's metadata.</summary>
    private static ConversationInput Wave(int participants)
    {
        var all = Conversation.ToConversationInput();
        var input = new ConversationInput();
        foreach (var (p, s, v, t) in Votes.Events(all).Where(e => Index(e.Participant) < participants))
        {
            input.AddVote(p, s, v, t);
        }

        foreach (var statement in all.Statements.Values)
        {
            input.AddStatement(statement);
        }

        return input;
    }

    private static int Index(string id) => int.Parse(id, CultureInfo.InvariantCulture);
}
