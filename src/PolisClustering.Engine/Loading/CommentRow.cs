using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Loading;

/// <summary>A statement as read, with the agree/disagree event counts the source reports (used to detect the vote sign).</summary>
internal readonly record struct CommentRow(Statement Statement, int? Agrees, int? Disagrees);
