using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Hydra.Cli;

/// <summary>
/// Every option of the service commands can also come from the environment, by one rule: the
/// flag's name in capitals, dashes as underscores, after <c>HYDRA_</c> (<c>--heartbeat-port</c> →
/// <c>HYDRA_HEARTBEAT_PORT</c>). A flag on the command line wins over its variable; an empty variable
/// counts as unset. The rule is applied to whatever options a command has when the command line is
/// parsed, so a flag added later gets its variable (and its mention in <c>--help</c>) for free.
/// Values from the environment become ordinary tokens, so they go through the same parsers and
/// checks as typed flags, and an error names the variable it came from.
/// </summary>
internal sealed class EnvironmentOptions
{
    public const string Prefix = "HYDRA_";

    private static readonly string[] TrueWords = ["1", "yes", "on", "true"];
    private static readonly string[] FalseWords = ["0", "no", "off", "false"];

    private readonly HashSet<Command> _commands;
    private readonly List<(Option Option, string Variable)> _used = [];

    /// <summary>A variable whose value no flag can take (an on/off flag's "maybe"), named; else null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Gives every option of <paramref name="commands"/> its variable and mentions it in <c>--help</c>.</summary>
    public EnvironmentOptions(params Command[] commands)
    {
        _commands = [.. commands];
        foreach (var option in commands.SelectMany(c => c.Options))
        {
            // One word, so that help never wraps the name away from its mark.
            option.Description = $"{option.Description} [${VariableFor(option)}]".TrimStart();
        }
    }

    /// <summary>The variable for an option: <c>--log-level</c> → <c>HYDRA_LOG_LEVEL</c>.</summary>
    public static string VariableFor(Option option) => Prefix + option.Name.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>Parses <paramref name="args"/>, adding the value of each variable whose flag was not given.</summary>
    public ParseResult Parse(RootCommand root, IReadOnlyList<string> args, Func<string, string?> variable)
    {
        var typed = root.Parse(args);
        var command = typed.CommandResult.Command;
        if (!_commands.Contains(command))
        {
            return typed;
        }
        var added = new List<string>();
        foreach (var option in command.Options)
        {
            var name = VariableFor(option);
            if (typed.GetResult(option) is { Implicit: false } || variable(name) is not { Length: > 0 } value)
            {
                continue; // typed on the command line (it wins), or not set
            }
            _used.Add((option, name));
            if (option.ValueType == typeof(bool) && Switch(value) is null)
            {
                // Given as a token, "maybe" would only be an unrecognized argument, naming neither flag nor variable.
                Problem ??= $"{name} ({option.Name}) must be {Words(TrueWords)}, or {Words(FalseWords)}; got '{value}'";
                continue;
            }
            added.AddRange(Tokens(option, value));
        }
        if (added.Count == 0)
        {
            return typed;
        }
        // Before a "--", if any, so the values still count as options.
        var end = args.ToList().IndexOf("--") is var dashes and >= 0 ? dashes : args.Count;
        return root.Parse([.. args.Take(end), .. added, .. args.Skip(end)]);
    }

    /// <summary>An error about a flag whose value came from the environment says so.</summary>
    public string Explain(string message)
    {
        var sources = _used.Where(u => FlagIn(u.Option.Name).IsMatch(message)).Select(u => $"{u.Option.Name} from {u.Variable}").ToList();
        return sources.Count == 0 ? message : $"{message} ({string.Join(", ", sources)})";
    }

    private static string Words(string[] words) => $"{string.Join(", ", words[..^1])} or {words[^1]}";

    /// <summary>"true" or "false" for an on/off word in any case, else null.</summary>
    private static string? Switch(string value)
    {
        var word = value.Trim().ToLowerInvariant();
        return TrueWords.Contains(word) ? "true" : FalseWords.Contains(word) ? "false" : null;
    }

    private static Regex FlagIn(string flag) => new($@"(?<![\w-]){Regex.Escape(flag)}(?![\w-])", RegexOptions.CultureInvariant);

    /// <summary>
    /// The tokens a value stands for: on/off words for a switch; one flag per comma-separated item
    /// for an option that takes several values; else the flag and the value as given.
    /// </summary>
    private static IEnumerable<string> Tokens(Option option, string value)
    {
        if (option.ValueType == typeof(bool))
        {
            return [option.Name, Switch(value)!];
        }
        if (option.Arity.MaximumNumberOfValues > 1)
        {
            return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(item => new[] { option.Name, item });
        }
        return [option.Name, value];
    }
}
