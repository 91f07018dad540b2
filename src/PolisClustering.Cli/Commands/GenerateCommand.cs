using System.CommandLine;
using PolisClustering.Cli.Generate;

namespace PolisClustering.Cli.Commands;

/// <summary>generate &lt;folder&gt;: a synthetic conversation with planted groups, in the Polis export format.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Where to write votes.csv and comments.csv." };
        var size = new Option<string?>("--size") { Description = "A benchmark preset: S, M or L (the other options override it)." };
        size.AcceptOnlyFromAmong("S", "M", "L", "s", "m", "l");
        var participants = new Option<int?>("--participants") { Description = "Participants (default 1000)." };
        var statements = new Option<int?>("--statements") { Description = "Statements (default 100)." };
        var votes = new Option<int?>("--votes") { Description = "Unique votes (default 20000)." };
        var groups = new Option<int?>("--groups") { Description = "Planted opinion groups (default 3)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed (default 1); the same seed gives the same files." };
        var command = new Command("generate", "Write a synthetic conversation with planted groups.")
        {
            folder, size, participants, statements, votes, groups, seed,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var options = SyntheticOptions.Preset(parse.GetValue(size) ?? "") ?? new SyntheticOptions();
            options = options with
            {
                Participants = parse.GetValue(participants) ?? options.Participants,
                Statements = parse.GetValue(statements) ?? options.Statements,
                Votes = parse.GetValue(votes) ?? options.Votes,
                Groups = parse.GetValue(groups) ?? options.Groups,
                Seed = parse.GetValue(seed) ?? options.Seed,
            };
            if (options.Participants < 1 || options.Statements < 1 || options.Votes < 1 || options.Groups < 1)
            {
                throw new InvalidInputException("--participants, --statements, --votes and --groups must be at least 1.");
            }

            // Bounds that keep the generator's memory within this kind of machine (L uses 200,000 / 2,000 / 5,000,000).
            if (options.Participants > 10_000_000 || options.Statements > 100_000 || options.Votes > 100_000_000 || options.Groups > 100)
            {
                throw new InvalidInputException("at most 10,000,000 participants, 100,000 statements, 100,000,000 votes and 100 groups.");
            }

            if ((long)options.Participants * options.Statements < options.Votes)
            {
                throw new InvalidInputException($"--votes {options.Votes} is more than participants x statements ({(long)options.Participants * options.Statements}).");
            }

            var conversation = SyntheticConversation.Generate(options);
            conversation.WriteExport(parse.GetValue(folder)!);
            Console.Error.WriteLine($"[generate] {options.Participants} participants, {options.Statements} statements, {conversation.UniqueVoteCount} votes ({conversation.VoteEventCount} rows), {options.Groups} groups, seed {options.Seed}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
