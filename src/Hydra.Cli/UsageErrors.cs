using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Hydra.Cli;

/// <summary>
/// How the command line reports a mistake: one line naming it and a pointer to the help, instead of
/// System.CommandLine's default (every error, typo suggestions and the whole help, often wider than the terminal).
/// </summary>
internal static class UsageErrors
{
    /// <summary>Widest help: wrapped to the terminal when narrower, else to 80 (also when redirected).</summary>
    private const int HelpWidth = 80;

    /// <summary>True when parsing failed; the caller prints with <see cref="Report"/> instead of invoking.</summary>
    public static bool Failed(ParseResult parse) => parse.Action is ParseErrorAction;

    /// <summary>Prints the first error and where help is, to <paramref name="error"/>.</summary>
    /// <param name="explain">Adds to the message what it needs (such as the variable a value came from).</param>
    /// <returns>The exit code, 1.</returns>
    public static int Report(ParseResult parse, TextWriter error, Func<string, string>? explain = null)
    {
        if (parse.CommandResult.Command is RootCommand root)
        {
            // No command, or a word that is none: System.CommandLine says only "Required command was not provided".
            if (parse.UnmatchedTokens is [var word, ..])
            {
                error.WriteLine($"ERROR: {CommandUsage.Unknown(root, word)}");
                error.WriteLine("see 'hydra --help'");
            }
            else
            {
                CommandUsage.Write(root, error);
            }
            return 1;
        }
        var message = parse.Errors.Count > 0 ? parse.Errors[0].Message : "invalid command line";
        message = explain?.Invoke(message) ?? message;
        error.WriteLine($"ERROR: {message}");
        error.WriteLine($"see '{CommandPath(parse.CommandResult)} --help'");
        return 1;
    }

    /// <summary>Wraps help at the terminal's width, at most 80 columns.</summary>
    public static void LimitHelpWidth(RootCommand root)
    {
        var width = HelpWidth;
        if (!Console.IsOutputRedirected)
        {
            try
            {
                width = Math.Clamp(Console.WindowWidth, 40, HelpWidth);
            }
            catch (IOException)
            {
                // no terminal after all: keep 80
            }
        }
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction action)
            {
                action.MaxWidth = width;
            }
        }
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? at = command; at is CommandResult current; at = current.Parent)
        {
            names.Insert(0, current.Parent is null ? "hydra" : current.Command.Name);
        }
        return string.Join(' ', names);
    }
}
