using System.Text.Json;
using PolisClustering.Engine.Loading;

namespace PolisClustering.Cli.Commands;

/// <summary>Turns failures into one clear line on standard error and a documented exit code.</summary>
internal static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ConversationLoadException e)
        {
            return Fail(ExitCodes.InvalidInput, e.Message);
        }
        catch (InvalidInputException e)
        {
            return Fail(ExitCodes.InvalidInput, e.Message);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(ExitCodes.NotFound, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.Failure, e.Message);
        }
    }

    /// <summary>Reads and parses a JSON file, naming the file and line when it is malformed.</summary>
    public static T ParseFile<T>(string path, Func<string, T> parse)
    {
        var text = File.ReadAllText(path);
        try
        {
            return parse(text);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" line {line + 1}" : "";
            // The parser quotes the offending token, which for a wrong file can be the whole file.
            var reason = e.Message.Length > 200 ? string.Concat(e.Message.AsSpan(0, 200), "…") : e.Message;
            throw new InvalidInputException($"{Path.GetFileName(path)}{where}: {reason}");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidInputException($"{Path.GetFileName(path)}: not a valid file of this kind ({e.Message})");
        }
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }
}
