namespace PolisClustering.Engine.Model;

/// <summary>
/// Everything the engine reads about one conversation: vote events (agree = +1, disagree = -1, pass = 0, the export
/// convention of polis-math.md §1.2) and statements. Ids are strings; they are interned once so that millions of votes
/// cost four small arrays. Event order does not matter: the engine keeps the latest vote per pair.
/// </summary>
public sealed class ConversationInput
{
    private readonly Dictionary<string, int> _participantIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _statementIndex = new(StringComparer.Ordinal);
    private readonly List<string> _participantIds = [];
    private readonly List<string> _statementIds = [];
    private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);
    private int[] _voteParticipant = new int[1024];
    private int[] _voteStatement = new int[1024];
    private sbyte[] _voteValue = new sbyte[1024];
    private long[] _voteTime = new long[1024];

    /// <summary>Number of vote events added, duplicates included.</summary>
    public int VoteEventCount { get; private set; }

    /// <summary>Distinct participant ids seen in votes, in order of first appearance.</summary>
    public IReadOnlyList<string> ParticipantIds => _participantIds;

    /// <summary>Distinct statement ids seen in votes, in order of first appearance.</summary>
    public IReadOnlyList<string> VotedStatementIds => _statementIds;

    /// <summary>Statement metadata by id. Statements that have votes but no metadata count as accepted, not meta.</summary>
    public IReadOnlyDictionary<string, Statement> Statements => _statements;

    /// <summary>Adds or replaces a statement's metadata.</summary>
    public void AddStatement(Statement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        _statements[statement.Id] = statement;
    }

    /// <summary>Adds one vote event in the export convention (agree = +1).</summary>
    public void AddVote(string participantId, string statementId, int vote, long timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(participantId);
        ArgumentException.ThrowIfNullOrEmpty(statementId);
        if (vote is < -1 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(vote), vote, "A vote is -1 (disagree), 0 (pass) or 1 (agree).");
        }

        AddVote(InternParticipant(participantId), InternStatement(statementId), vote, timestamp);
    }

    /// <summary>
    /// Index of a participant id, added if new. With <see cref="AddVote(int, int, int, long)"/> a loader resolves each
    /// distinct id once rather than hashing it on every one of millions of votes.
    /// </summary>
    internal int InternParticipant(string id) => Intern(_participantIndex, _participantIds, id);

    /// <summary>Index of a statement id, added if new (see <see cref="InternParticipant"/>).</summary>
    internal int InternStatement(string id) => Intern(_statementIndex, _statementIds, id);

    /// <summary>Adds a vote by indices from <see cref="InternParticipant"/> and <see cref="InternStatement"/>; the vote must be -1, 0 or 1.</summary>
    internal void AddVote(int participant, int statement, int vote, long timestamp)
    {
        if (VoteEventCount == _voteParticipant.Length)
        {
            var size = _voteParticipant.Length * 2;
            Array.Resize(ref _voteParticipant, size);
            Array.Resize(ref _voteStatement, size);
            Array.Resize(ref _voteValue, size);
            Array.Resize(ref _voteTime, size);
        }

        var n = VoteEventCount++;
        _voteParticipant[n] = participant;
        _voteStatement[n] = statement;
        _voteValue[n] = (sbyte)vote;
        _voteTime[n] = timestamp;
    }

    /// <summary>Vote event <paramref name="index"/> (0 ≤ index &lt; <see cref="VoteEventCount"/>), as it was added.</summary>
    public VoteEvent GetVote(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, VoteEventCount);
        return new VoteEvent(_participantIds[_voteParticipant[index]], _statementIds[_voteStatement[index]],
            _voteValue[index], _voteTime[index]);
    }

    internal ReadOnlySpan<int> VoteParticipants => _voteParticipant.AsSpan(0, VoteEventCount);
    internal ReadOnlySpan<int> VoteStatements => _voteStatement.AsSpan(0, VoteEventCount);
    internal ReadOnlySpan<sbyte> VoteValues => _voteValue.AsSpan(0, VoteEventCount);
    internal ReadOnlySpan<long> VoteTimes => _voteTime.AsSpan(0, VoteEventCount);

    internal Statement StatementOrDefault(string id) =>
        _statements.TryGetValue(id, out var s) ? s : new Statement(id, Moderation.Accepted, IsMeta: false);

    private static int Intern(Dictionary<string, int> index, List<string> ids, string id)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(index, id, out var exists);
        if (!exists)
        {
            slot = ids.Count;
            ids.Add(id);
        }

        return slot;
    }
}
