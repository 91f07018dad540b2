using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Persistence;

/// <summary>Builds <see cref="PollData"/> for votes sent inline with POST /cluster (no database involved).</summary>
public static class InlinePolls
{
    public static PollData Create(string pollId, ConversationInput input)
    {
        var fingerprint = new VoteFingerprint();
        for (var e = 0; e < input.VoteEventCount; e++)
        {
            var v = input.GetVote(e);
            fingerprint.Add(v.ParticipantId, v.StatementId, v.Vote, v.Timestamp);
        }

        return new PollData(pollId, input, PollSettings.Default, fingerprint.ToWatermark(),
            new Dictionary<string, ParticipantIdentity>());
    }
}
