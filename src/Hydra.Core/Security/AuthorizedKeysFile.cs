namespace Hydra.Security;

/// <summary>
/// The router's list of peer public keys: one per line, either the bare 40-character Z85 key or a
/// certificate's <c>public-key = "…"</c> line (so <c>grep public-key alice.pub &gt;&gt; clients.txt</c>
/// works). Blank lines and <c>#</c> comments are ignored.
/// </summary>
public static class AuthorizedKeysFile
{
    /// <summary>Reads the keys.</summary>
    /// <exception cref="InvalidDataException">A line is not a public key (the message names the line), or there is no key.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        var keys = new List<string>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            var key = PublicKeyOf(line);
            var problem = CurveKeyPair.KeyProblem(key, "key");
            // '#' is also a Z85 digit: a line starting with it is a comment unless it is a key.
            if (line.Length == 0 || (line.StartsWith('#') && problem is not null))
            {
                continue;
            }
            if (LineProblem(line, problem) is { } refused)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {refused}");
            }
            keys.Add(key);
        }
        // A router that would refuse everyone is a mistake, not a choice (a missing grep, a wrong file).
        return keys.Count > 0
            ? keys
            : throw new InvalidDataException($"{path} lists no public keys, so no peer could ever connect: add one per line (grep public-key alice.pub >> {path})");
    }

    /// <summary>The key of a <c>public-key = "…"</c> line, or the line itself.</summary>
    private static string PublicKeyOf(string line)
    {
        const string Prefix = "public-key";
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        return line.StartsWith(Prefix, StringComparison.Ordinal) && equals > 0
            ? line[(equals + 1)..].Trim().Trim('"', '\'')
            : line;
    }

    private static string? LineProblem(string line, string? keyProblem) => keyProblem switch
    {
        null => null,
        _ when line.StartsWith("secret-key", StringComparison.Ordinal) => "a secret key does not belong here: list public keys only",
        _ when line is "metadata" or "curve" => "this looks like a whole certificate: copy only its public-key line",
        _ => keyProblem,
    };
}
