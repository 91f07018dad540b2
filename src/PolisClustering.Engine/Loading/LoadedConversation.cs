using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Loading;

/// <summary>A loaded conversation and the facts about its source that the engine or a report may want.</summary>
/// <param name="Input">Votes (always agree = +1) and statements.</param>
/// <param name="Source">Human-readable description of what was read.</param>
/// <param name="Sign">The sign convention the source was read with (never <see cref="VoteSign.Auto"/>).</param>
/// <param name="VoteRows">Vote rows read, superseded duplicates included.</param>
/// <param name="StrictModeration">conversation.json's strict_moderation; null when the source does not say.</param>
/// <param name="Topic">Conversation topic from conversation.json or summary.csv, if present.</param>
public sealed record LoadedConversation(
    ConversationInput Input,
    string Source,
    VoteSign Sign,
    int VoteRows,
    bool? StrictModeration,
    string? Topic);
