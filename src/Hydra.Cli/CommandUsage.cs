using System.CommandLine;

namespace Hydra.Cli;

/// <summary>
/// What <c>hydra</c> says when no command, or an unknown one, is given: a short list of the commands,
/// or the unknown word with the nearest command, instead of System.CommandLine's "Required command was not provided".
/// </summary>
internal static class CommandUsage
{
    /// <summary>A typo within this many edits (inserted, deleted, changed or swapped letters) is suggested.</summary>
    private const int MaxTypoEdits = 2;

    /// <summary>The commands, one a line with what each does.</summary>
    public static void Write(RootCommand root, TextWriter output)
    {
        output.WriteLine("usage: hydra <command> [options]");
        output.WriteLine();
        var width = root.Subcommands.Max(c => c.Name.Length);
        foreach (var command in root.Subcommands)
        {
            output.WriteLine($"  {command.Name.PadRight(width)}  {command.Description}");
        }
        output.WriteLine();
        output.WriteLine("'hydra <command> --help' shows a command's options");
    }

    /// <summary><c>unknown command 'ruoter'; did you mean 'router'?</c> (or an unknown option before any command).</summary>
    public static string Unknown(RootCommand root, string word)
    {
        if (word.StartsWith('-'))
        {
            return $"unknown option '{word}' (options follow a command)";
        }
        var nearest = root.Subcommands
            .Select(c => (c.Name, Edits: Distance(word.ToLowerInvariant(), c.Name)))
            .Where(c => c.Edits <= MaxTypoEdits)
            .OrderBy(c => c.Edits)
            .Select(c => c.Name)
            .FirstOrDefault();
        return nearest is null ? $"unknown command '{word}'" : $"unknown command '{word}'; did you mean '{nearest}'?";
    }

    /// <summary>Edits between two words, a swap of neighbours counting as one (optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
