using System.CommandLine;
using System.CommandLine.Parsing;
using Hydra.Security;

namespace Hydra.Cli;

/// <summary>
/// The key-file flags. Files are read while the command line is parsed, so a missing file, a bad
/// key or the wrong kind of key is one error line before anything starts.
/// </summary>
internal static class KeyOptions
{
    /// <summary>
    /// Warnings about the key files read, one per file (the command line may be parsed twice): a
    /// secret key that others can read. The command prints them as it starts.
    /// </summary>
    public static Dictionary<string, string> Warnings { get; } = [];

    public static Option<string?> CurveKey(string description) => new("--curve-key")
    {
        Description = description,
        HelpName = "file",
        CustomParser = result => Read(result, KeyFileKind.Secret),
    };

    public static Option<string?> ServerKey() => new("--server-key")
    {
        Description = "The router's public key file: encrypt with CurveZMQ",
        HelpName = "file",
        CustomParser = result => Read(result, KeyFileKind.Public),
    };

    public static Option<IReadOnlyList<string>?> AuthorizedKeys() => new("--authorized-keys")
    {
        Description = "Serve only peers with a key listed in this file",
        HelpName = "file",
        CustomParser = result => Parse(result, AuthorizedKeysFile.Read),
    };

    /// <summary>The key the flag needs: a certificate of the other kind is refused; a plain file cannot say, so it is taken.</summary>
    private static string? Read(ArgumentResult result, KeyFileKind wanted)
    {
        if (Parse(result, KeyFile.Read) is not { } file)
        {
            return null;
        }
        var path = result.Tokens[0].Value;
        if (file.Kind is KeyFileKind.Plain || file.Kind == wanted)
        {
            if (wanted == KeyFileKind.Secret && KeyFile.PrivacyProblem(path) is { } problem)
            {
                Warnings[path] = $"{path} holds a secret key and is {problem}; make it private: chmod 600 {path}";
            }
            return file.Key;
        }
        result.AddError(wanted == KeyFileKind.Secret
            ? $"{path} holds a public key; {FlagValues.Flag(result)} needs a secret key file ({Sibling(path, KeyFile.PublicExtension, KeyFile.SecretExtension)})"
            : $"{path} holds a secret key; {FlagValues.Flag(result)} needs the router's public key file (a {KeyFile.PublicExtension} file)");
        return null;
    }

    /// <summary>The file written with this one by hydra keygen, if it is there; else just its extension.</summary>
    private static string Sibling(string path, string extension, string siblingExtension)
    {
        var sibling = path.EndsWith(extension, StringComparison.Ordinal) ? path[..^extension.Length] + siblingExtension : null;
        return sibling is not null && File.Exists(sibling) ? sibling : $"a {siblingExtension} file";
    }

    private static T? Parse<T>(ArgumentResult result, Func<string, T> read) where T : class
    {
        var path = result.Tokens[0].Value;
        var flag = FlagValues.Flag(result);
        try
        {
            return read(path);
        }
        catch (InvalidDataException e)
        {
            result.AddError(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.AddError($"{flag} {path}: {FileProblems.Describe(e, path)}");
        }
        return null;
    }
}
