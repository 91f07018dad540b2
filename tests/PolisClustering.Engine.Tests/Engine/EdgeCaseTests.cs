using System.Text;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Output;
using static PolisClustering.Engine.Tests.Engine.Polls;

namespace PolisClustering.Engine.Tests.Engine;

/// <summary>Cases from public bug reports on Polis ports and clustering libraries, each with its right value.</summary>
public sealed class EdgeCaseTests
{
    [Fact]
    public void LatestVote_DisagreeThenAgree_OnlyTheAgreeCounts()
    {
        var input = TwoCamps(10, 8);
        input.AddVote("40", "99", -1, 5_000); // disagree first...
        input.AddVote("40", "99", 1, 6_000);  // ...then agree: the latest wins
        input.AddVote("41", "99", 1, 5_500);

        var result = ClusteringEngine.Run(input);

        var column = result.StatementIds.ToList().IndexOf("99");
        Assert.Equal(-1.0, result.Pca.Center[column]); // internal sign: both agree (-1); counting the disagree gives 0
        Assert.Equal(1, result.UserVoteCounts[result.ParticipantIds.ToList().IndexOf("40")]); // one pair, two events
    }

    [Fact]
    public void LatestVote_ArrivalOrderReversed_SameCenter()
    {
        var a = new ConversationInput();
        a.AddVote("1", "1", -1, 10);
        a.AddVote("1", "1", 1, 20);
        var b = new ConversationInput();
        b.AddVote("1", "1", 1, 20);
        b.AddVote("1", "1", -1, 10);

        Assert.Equal(ClusteringEngine.Run(a).Pca.Center[0], ClusteringEngine.Run(b).Pca.Center[0]);
        Assert.Equal(-1.0, ClusteringEngine.Run(b).Pca.Center[0]);
    }

    [Fact]
    public void RejectedStatement_UnanimousAgree_NeverInRepnessOrConsensusButScalesProjection()
    {
        var input = TwoCamps(12, 9);
        for (var p = 0; p < 24; p++)
        {
            input.AddVote(Id(p), "50", 1, 9_000 + p); // everyone agrees: a consensus statement, were it not rejected
        }

        input.AddStatement(new Statement("50", Moderation.Rejected, IsMeta: false, "Rejected"));

        var result = ClusteringEngine.Run(input);

        Assert.True(result.Outcome.HasGroups);
        Assert.DoesNotContain(result.ConsensusAgree, c => c.StatementId == "50");
        Assert.All(result.Repness, list => Assert.DoesNotContain(list, r => r.StatementId == "50"));
        Assert.Contains("50", result.ModOut);
        // §2.7: n_i counts the zero-filled mod-out column, so p = √(C / (real + |MO|)) · Σ x·pc.
        var participant = result.Participants[0];
        var tids = result.StatementIds.ToList();
        var rejected = tids.IndexOf("50");
        var (sum, real) = (0.0, 0);
        for (var s = 0; s < 9; s++)
        {
            var j = tids.IndexOf(Id(s));
            var vote = -VoteOf(input, participant.Id, Id(s));
            if (vote is { } v)
            {
                sum += (v - result.Pca.Center[j]) * result.Pca.Components[0][j];
                real++;
            }
        }

        Assert.Equal(0.0, result.Pca.Components[0][rejected]);
        Assert.Equal(Math.Sqrt(tids.Count / (real + 1.0)) * sum, participant.X, 12);
        Assert.NotEqual(Math.Sqrt(tids.Count / (double)real) * sum, participant.X, 6);
    }

    [Fact]
    public void InConv_TwentyParticipantsVotingOnAllFive_AllTwentyClustered()
    {
        var input = new ConversationInput();
        for (var p = 0; p < 20; p++)
        {
            for (var s = 0; s < 5; s++)
            {
                input.AddVote(Id(p), Id(s), (p + s) % 3 - 1, (p * 5) + s);
            }
        }

        var result = ClusteringEngine.Run(input);

        Assert.Equal(20, result.InConv.Count);
    }

    [Fact]
    public void InConv_TenParticipantsWithThreeVotesOfTwenty_AllTenClusteredThroughTopUp()
    {
        var input = new ConversationInput();
        for (var p = 0; p < 10; p++)
        {
            for (var k = 0; k < 3; k++)
            {
                input.AddVote(Id(p), Id(((p * 2) + k) % 20), k == 1 ? -1 : 1, (p * 3) + k);
            }
        }

        var result = ClusteringEngine.Run(input);

        Assert.Equal(20, result.StatementIds.Count);
        Assert.Equal(10, result.InConv.Count);
    }

    [Fact]
    public void TwelveParticipants_TwoVotePatterns_IdenticalShareAGroupNoEmptyGroupNoDuplicateCenters()
    {
        var input = new ConversationInput();
        for (var p = 0; p < 12; p++)
        {
            for (var s = 0; s < 6; s++)
            {
                var vote = p % 2 == 0 ? (s < 3 ? 1 : -1) : (s < 3 ? -1 : 1);
                input.AddVote(Id(p), Id(s), vote, (p * 6) + s);
            }
        }

        var result = ClusteringEngine.Run(input);

        Assert.Equal(2, result.Groups.Count);
        Assert.All(result.Groups, g => Assert.Equal(6, g.Members.Count));
        Assert.All(result.Groups, g => Assert.Single(g.Members.Select(m => int.Parse(m, System.Globalization.CultureInfo.InvariantCulture) % 2).Distinct()));
        Assert.Equal(2, result.Groups.Select(g => (g.X, g.Y)).Distinct().Count());
        Assert.Equal(2, result.BaseClusters.Count);
    }

    [Fact]
    public void ThreeIdenticalParticipants_NoGroupsWithReasonAndFiniteJson()
    {
        var input = new ConversationInput();
        for (var p = 0; p < 3; p++)
        {
            for (var s = 0; s < 4; s++)
            {
                input.AddVote(Id(p), Id(s), s % 2 == 0 ? 1 : -1, (p * 4) + s);
            }
        }

        var result = ClusteringEngine.Run(input);

        Assert.False(result.Outcome.HasGroups);
        Assert.Contains("share one opinion position", result.Outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Groups);
        AssertFiniteJson(result);
    }

    [Fact]
    public void EveryVoteAPass_NoGroupsZeroComponentsAndFiniteJson()
    {
        var input = new ConversationInput();
        for (var p = 0; p < 8; p++)
        {
            for (var s = 0; s < 5; s++)
            {
                input.AddVote(Id(p), Id(s), 0, (p * 5) + s);
            }
        }

        var result = ClusteringEngine.Run(input);

        Assert.False(result.Outcome.HasGroups);
        Assert.All(result.Pca.Components, c => Assert.All(c, v => Assert.Equal(0.0, v)));
        Assert.Empty(result.ConsensusAgree);
        Assert.All(result.CommentPriorities, p => Assert.True(double.IsFinite(p)));
        AssertFiniteJson(result);
    }

    [Fact]
    public void EmptyPoll_NoGroupsNoVotes()
    {
        var result = ClusteringEngine.Run(new ConversationInput());

        Assert.False(result.Outcome.HasGroups);
        Assert.Equal("no votes", result.Outcome.Reason);
        AssertFiniteJson(result);
    }

    private static int? VoteOf(ConversationInput input, string participant, string statement)
    {
        int? latest = null;
        long time = long.MinValue;
        var ps = input.ParticipantIds;
        var ss = input.VotedStatementIds;
        for (var e = 0; e < input.VoteEventCount; e++)
        {
            if (ps[input.VoteParticipants[e]] == participant && ss[input.VoteStatements[e]] == statement && input.VoteTimes[e] >= time)
            {
                time = input.VoteTimes[e];
                latest = input.VoteValues[e];
            }
        }

        return latest;
    }

    private static void AssertFiniteJson(ClusteringResult result)
    {
        using var stream = new MemoryStream();
        PolisMathJson.Write(result, stream);
        var json = Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", json, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.True(doc.RootElement.GetProperty("polis-clustering").TryGetProperty("reason", out _) || result.Outcome.HasGroups);
    }
}
