namespace PolisClustering.Cli.Commands;

/// <summary>Input that is not what the command expects (a malformed state or blob file).</summary>
internal sealed class InvalidInputException(string message) : Exception(message);
