using System.Globalization;
using System.Text;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Output;

/// <summary>A short human summary: groups, their sizes and top representative statements with their text.</summary>
public static class ResultSummary
{
    private const int TextWidth = 90;

    public static string Format(ClusteringResult result, ConversationInput input, int statementsPerGroup = 3)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(input);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var votes = result.UserVoteCounts.Sum();
        sb.AppendLine(inv, $"{result.ParticipantIds.Count} participants ({result.InConv.Count} clustered), {result.StatementIds.Count} statements with votes ({result.ModOut.Count} moderated out), {votes} votes");
        var silhouettes = string.Join(", ", result.Silhouettes.OrderBy(kv => kv.Key)
            .Select(kv => $"k={kv.Key}: {(kv.Value is { } s ? s.ToString("0.000", inv) : "n/a")}"));
        if (!result.Outcome.HasGroups)
        {
            sb.AppendLine(inv, $"No opinion groups: {result.Outcome.Reason}.");
        }
        else
        {
            sb.AppendLine(inv, $"{result.Groups.Count} opinion groups ({result.Algorithm.ToString().ToLowerInvariant()}; silhouette {silhouettes})");
            for (var g = 0; g < result.Groups.Count; g++)
            {
                var group = result.Groups[g];
                sb.AppendLine(inv, $"Group {group.Id}: {group.Members.Count} participants");
                foreach (var r in result.Repness[g].Take(statementsPerGroup))
                {
                    var verb = r.RepfulForAgree ? "agree" : "disagree";
                    sb.AppendLine(inv, $"  {r.PSuccess * 100,3:0}% {verb,-8} #{r.StatementId}: {Text(input, r.StatementId)}");
                }
            }
        }

        AppendConsensus(sb, "agree", result.ConsensusAgree, input);
        AppendConsensus(sb, "disagree", result.ConsensusDisagree, input);
        return sb.ToString();
    }

    private static void AppendConsensus(StringBuilder sb, string side, IReadOnlyList<ConsensusStatement> list, ConversationInput input)
    {
        if (list.Count == 0)
        {
            return;
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"Consensus ({side}):");
        foreach (var c in list.Take(3))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {c.PSuccess * 100,3:0}% {side,-8} #{c.StatementId}: {Text(input, c.StatementId)}");
        }
    }

    private static string Text(ConversationInput input, string id)
    {
        var text = input.Statements.TryGetValue(id, out var s) && !string.IsNullOrWhiteSpace(s.Text)
            ? s.Text.ReplaceLineEndings(" ").Trim()
            : "(no text)";
        return text.Length <= TextWidth ? text : string.Concat(text.AsSpan(0, TextWidth - 1), "…");
    }
}
