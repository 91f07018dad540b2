using System.Globalization;
using System.Text;
using PolisClustering.Engine.Model;

namespace PolisClustering.Cli.Generate;

/// <summary>
/// A deterministic synthetic Polis conversation with planted opinion groups, for benchmarks and recovery tests.
/// Participant i has id "i" and statement j has id "j". Each participant belongs to one planted group; each group
/// has a random stance (+1/-1) per statement, and a member votes with the stance with probability 0.8, passes with
/// 0.1 and votes against it with 0.1. Votes per participant are lognormal (long-tailed), between 1 and Statements,
/// summing to the Votes target. About 1% of votes are re-cast later with a different value (latest vote wins), and
/// about 2% of statements are rejected. Votes are kept in export order: by statement, then participant, then time.
/// </summary>
internal sealed class SyntheticConversation
{
    private const long StartMs = 1_600_000_000_000; // 2020-09-13, an arbitrary fixed epoch
    private const long VotingWindowMs = 30L * 24 * 3600 * 1000;
    private const double ParticipationSigma = 1.2; // lognormal spread: median ~ mean / 2, a few participants vote on everything

    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly int[] _plantedGroup;
    private readonly sbyte[] _stance; // [group * Statements + statement]
    private readonly bool[] _rejected;
    private readonly int[] _author;
    private readonly int[] _voteParticipant;
    private readonly int[] _voteStatement;
    private readonly sbyte[] _voteValue;
    private readonly long[] _voteTime;

    private SyntheticConversation(SyntheticOptions options, int[] plantedGroup, sbyte[] stance, bool[] rejected, int[] author, Events events, int uniqueVotes)
    {
        Options = options;
        _plantedGroup = plantedGroup;
        _stance = stance;
        _rejected = rejected;
        _author = author;
        UniqueVoteCount = uniqueVotes;
        (_voteParticipant, _voteStatement, _voteValue, _voteTime) = events.SortedByStatement(options.Statements);
    }

    public SyntheticOptions Options { get; }

    /// <summary>Vote events including re-votes.</summary>
    public int VoteEventCount => _voteValue.Length;

    /// <summary>Distinct (participant, statement) pairs voted on.</summary>
    public int UniqueVoteCount { get; }

    /// <summary>
    /// Planted group (0 .. Groups-1) of each participant: entry i belongs to participant id "i". (ConversationInput's
    /// ParticipantIds list ids in first-vote order, which is not 0, 1, 2, ...)
    /// </summary>
    public IReadOnlyList<int> PlantedGroups => _plantedGroup;

    /// <summary>Whether each statement (by index) is rejected by moderation.</summary>
    public IReadOnlyList<bool> Rejected => _rejected;

    /// <summary>The planted stance (+1 agree, -1 disagree) of a group on a statement.</summary>
    public int Stance(int group, int statement) => _stance[(group * Options.Statements) + statement];

    public static string Id(int index) => index.ToString(CultureInfo.InvariantCulture);

    public static SyntheticConversation Generate(SyntheticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Participants, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Statements, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Groups, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Votes, nameof(options));

        int p = options.Participants, s = options.Statements, g = options.Groups;
        var rng = new Xoshiro256(options.Seed);

        var rejected = new bool[s];
        var author = new int[s];
        for (var j = 0; j < s; j++)
        {
            rejected[j] = rng.Next(50) == 0;
            author[j] = rng.Next(p);
        }

        var stance = new sbyte[g * s];
        for (var i = 0; i < stance.Length; i++)
        {
            stance[i] = (sbyte)(rng.Next(2) == 0 ? 1 : -1);
        }

        // Unequal group sizes (weights 1..2) so that recovery is not helped by perfect balance.
        var groupWeight = new double[g];
        for (var k = 0; k < g; k++)
        {
            groupWeight[k] = 1 + rng.NextDouble();
        }

        var totalWeight = groupWeight.Sum();
        var plantedGroup = new int[p];
        for (var i = 0; i < p; i++)
        {
            plantedGroup[i] = Pick(groupWeight, rng.NextDouble() * totalWeight);
        }

        var counts = Participation(p, s, options.Votes, rng);
        var unique = counts.Sum();
        var events = new Events(unique + (unique / 64) + 16);
        var order = Enumerable.Range(0, s).ToArray();
        var revotes = new List<(int Statement, int Vote)>();
        var votingStart = StartMs + (s * 1000L);
        for (var i = 0; i < p; i++)
        {
            var time = votingStart + rng.NextLong(VotingWindowMs);
            var stanceRow = plantedGroup[i] * s;
            revotes.Clear();

            // Partial Fisher-Yates: the first counts[i] entries become a uniform random subset of the statements.
            for (var k = 0; k < counts[i]; k++)
            {
                var swap = k + rng.Next(s - k);
                (order[k], order[swap]) = (order[swap], order[k]);
                var statement = order[k];
                var roll = rng.Next(10);
                var vote = roll < 8 ? stance[stanceRow + statement] : roll == 8 ? 0 : -stance[stanceRow + statement];
                time += 2_000 + rng.Next(28_000);
                events.Add(i, statement, vote, time);
                if (rng.Next(100) == 0)
                {
                    revotes.Add((statement, vote));
                }
            }

            // Re-votes come after the participant's other votes and always change the value, so the latest must win.
            foreach (var (statement, vote) in revotes)
            {
                time += 5_000 + rng.Next(600_000);
                var other = rng.Next(2);
                var changed = vote switch { -1 => other == 0 ? 0 : 1, 0 => other == 0 ? -1 : 1, _ => other == 0 ? -1 : 0 };
                events.Add(i, statement, changed, time);
            }
        }

        return new SyntheticConversation(options, plantedGroup, stance, rejected, author, events, unique);
    }

    /// <summary>The conversation as the engine's input, in the same event order as the written votes.csv.</summary>
    public ConversationInput ToConversationInput()
    {
        var participantIds = Enumerable.Range(0, Options.Participants).Select(Id).ToArray();
        var statementIds = Enumerable.Range(0, Options.Statements).Select(Id).ToArray();
        var input = new ConversationInput();
        for (var i = 0; i < _voteValue.Length; i++)
        {
            input.AddVote(participantIds[_voteParticipant[i]], statementIds[_voteStatement[i]], _voteValue[i], _voteTime[i]);
        }

        for (var j = 0; j < statementIds.Length; j++)
        {
            input.AddStatement(new Statement(statementIds[j], _rejected[j] ? Moderation.Rejected : Moderation.Accepted, IsMeta: false, Body(j)));
        }

        return input;
    }

    /// <summary>Writes votes.csv and comments.csv in the compdemocracy openData layout (UTF-8, no BOM, LF).</summary>
    public void WriteExport(string folder)
    {
        Directory.CreateDirectory(folder);
        var agrees = new int[Options.Statements];
        var disagrees = new int[Options.Statements];
        using (var votes = new LineWriter(Path.Combine(folder, "votes.csv")))
        {
            votes.Append("timestamp,datetime,comment-id,voter-id,vote").EndLine();
            for (var i = 0; i < _voteValue.Length; i++)
            {
                var v = _voteValue[i];
                if (v > 0)
                {
                    agrees[_voteStatement[i]]++;
                }
                else if (v < 0)
                {
                    disagrees[_voteStatement[i]]++;
                }

                votes.Append(_voteTime[i]).Comma().AppendDate(_voteTime[i]).Comma().Append(_voteStatement[i]).Comma()
                    .Append(_voteParticipant[i]).Comma().Append(v).EndLine();
            }
        }

        using var comments = new LineWriter(Path.Combine(folder, "comments.csv"));
        comments.Append("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body").EndLine();
        for (var j = 0; j < Options.Statements; j++)
        {
            var created = StartMs + (j * 1000L);
            comments.Append(created).Comma().AppendDate(created).Comma().Append(j).Comma().Append(_author[j]).Comma()
                .Append(agrees[j]).Comma().Append(disagrees[j]).Comma().Append(_rejected[j] ? -1 : 1).Comma()
                .Append(Body(j)).EndLine();
        }
    }

    private static string Body(int statement) => "Synthetic statement " + Id(statement);

    private static int Pick(double[] weights, double at)
    {
        for (var k = 0; k < weights.Length - 1; k++)
        {
            at -= weights[k];
            if (at < 0)
            {
                return k;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>
    /// Votes per participant: lognormal weights scaled (by bisection) so that the counts, each clamped to
    /// [1, statements], sum to the target; the few left over after rounding go to random participants.
    /// </summary>
    private static int[] Participation(int participants, int statements, int votes, Xoshiro256 rng)
    {
        var target = Math.Clamp(votes, participants, (long)participants * statements);
        var weight = new double[participants];
        for (var i = 0; i < participants; i++)
        {
            weight[i] = Math.Exp(ParticipationSigma * rng.NextGaussian());
        }

        var counts = new int[participants];
        long Fill(double scale)
        {
            long sum = 0;
            for (var i = 0; i < participants; i++)
            {
                counts[i] = (int)Math.Clamp(Math.Round(weight[i] * scale), 1, statements);
                sum += counts[i];
            }

            return sum;
        }

        double lo = 0, hi = 1;
        while (Fill(hi) < target && hi < 1e12)
        {
            hi *= 2;
        }

        for (var iteration = 0; iteration < 64; iteration++)
        {
            var mid = (lo + hi) / 2;
            if (Fill(mid) < target)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var diff = target - Fill(lo);
        while (diff != 0)
        {
            var i = rng.Next(participants);
            if (diff > 0 && counts[i] < statements)
            {
                counts[i]++;
                diff--;
            }
            else if (diff < 0 && counts[i] > 1)
            {
                counts[i]--;
                diff++;
            }
        }

        return counts;
    }

    /// <summary>Growable event columns in generation (participant-major) order.</summary>
    private sealed class Events(int capacity)
    {
        private int[] _participant = new int[capacity];
        private int[] _statement = new int[capacity];
        private sbyte[] _value = new sbyte[capacity];
        private long[] _time = new long[capacity];
        private int _count;

        public void Add(int participant, int statement, int value, long time)
        {
            if (_count == _participant.Length)
            {
                var size = _count * 2;
                Array.Resize(ref _participant, size);
                Array.Resize(ref _statement, size);
                Array.Resize(ref _value, size);
                Array.Resize(ref _time, size);
            }

            _participant[_count] = participant;
            _statement[_count] = statement;
            _value[_count] = (sbyte)value;
            _time[_count] = time;
            _count++;
        }

        /// <summary>Stable counting sort by statement; generation order already runs by participant, then time.</summary>
        public (int[] Participant, int[] Statement, sbyte[] Value, long[] Time) SortedByStatement(int statements)
        {
            var start = new int[statements + 1];
            for (var i = 0; i < _count; i++)
            {
                start[_statement[i] + 1]++;
            }

            for (var j = 0; j < statements; j++)
            {
                start[j + 1] += start[j];
            }

            var participant = new int[_count];
            var statement = new int[_count];
            var value = new sbyte[_count];
            var time = new long[_count];
            for (var i = 0; i < _count; i++)
            {
                var at = start[_statement[i]]++;
                participant[at] = _participant[i];
                statement[at] = _statement[i];
                value[at] = _value[i];
                time[at] = _time[i];
            }

            return (participant, statement, value, time);
        }
    }

    /// <summary>Formats CSV lines straight to UTF-8 bytes; the L preset writes 5 million lines.</summary>
    private sealed class LineWriter(string path) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        private readonly byte[] _line = new byte[1024];
        private int _length;

        public LineWriter Append(long value)
        {
            value.TryFormat(_line.AsSpan(_length), out var n, default, CultureInfo.InvariantCulture);
            _length += n;
            return this;
        }

        public LineWriter Append(string text)
        {
            _length += Encoding.UTF8.GetBytes(text, _line.AsSpan(_length));
            return this;
        }

        public LineWriter Comma()
        {
            _line[_length++] = (byte)',';
            return this;
        }

        /// <summary>Java Date.toString layout as in the openData exports, e.g. "Sun Sep 13 12:26:40 UTC 2020".</summary>
        public LineWriter AppendDate(long ms)
        {
            var t = DateTime.UnixEpoch.AddMilliseconds(ms);
            Append(DayNames[(int)t.DayOfWeek]).Space().Append(MonthNames[t.Month - 1]).Space().Two(t.Day).Space();
            Two(t.Hour).Colon().Two(t.Minute).Colon().Two(t.Second).Space().Append("UTC").Space().Append(t.Year);
            return this;
        }

        public void EndLine()
        {
            _line[_length++] = (byte)'\n';
            _stream.Write(_line, 0, _length);
            _length = 0;
        }

        public void Dispose() => _stream.Dispose();

        private LineWriter Two(int value)
        {
            _line[_length++] = (byte)('0' + (value / 10));
            _line[_length++] = (byte)('0' + (value % 10));
            return this;
        }

        private LineWriter Space()
        {
            _line[_length++] = (byte)' ';
            return this;
        }

        private LineWriter Colon()
        {
            _line[_length++] = (byte)':';
            return this;
        }
    }
}
