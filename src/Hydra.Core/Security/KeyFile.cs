namespace Hydra.Security;

/// <summary>
/// A key file as read. <c>hydra keygen</c> writes ZeroMQ certificates (the format czmq's zcert
/// writes and pyzmq's <c>zmq.auth.load_certificate</c> reads), so a file says which kind of key it
/// holds; plain files of one Z85 key, as older versions wrote, are still read.
/// </summary>
/// <param name="Kind">What the file says it holds.</param>
/// <param name="Key">The key the file is for: the secret key of a secret certificate, the public
/// key of a public certificate, the one key of a plain file.</param>
public sealed partial record KeyFile(KeyFileKind Kind, string Key)
{
    /// <summary>Extension of the secret certificate <c>hydra keygen</c> writes.</summary>
    public const string SecretExtension = ".key";
    /// <summary>Extension of the public certificate <c>hydra keygen</c> writes.</summary>
    public const string PublicExtension = ".pub";

    /// <summary>Reads a certificate or a plain key file.</summary>
    /// <exception cref="InvalidDataException">The file holds no valid key; the message names the file (and line).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static KeyFile Read(string path)
    {
        var lines = File.ReadAllLines(path);
        return ZCertificate.IsCertificate(lines) ? ZCertificate.Parse(path, lines) : ReadPlain(path, lines);
    }

    /// <summary>
    /// Why a secret key file is not private, or null: "readable by others (mode 644)" when its group
    /// or others may read or write it. Always null on Windows, which has no such mode.
    /// </summary>
    public static string? PrivacyProblem(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        var mode = File.GetUnixFileMode(path);
        return (mode & Others) == 0 ? null : $"readable by others (mode {Convert.ToString((int)mode & 0x1FF, 8)})";
    }

    private static KeyFile ReadPlain(string path, string[] lines)
    {
        var keys = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var problem = CurveKeyPair.KeyProblem(line, "key");
            // '#' is also a Z85 digit: a line starting with it is a comment unless it is a key.
            if (line.Length == 0 || (line.StartsWith('#') && problem is not null))
            {
                continue;
            }
            if (problem is not null)
            {
                throw new InvalidDataException($"{path}:{i + 1}: {problem}");
            }
            keys.Add(line);
        }
        return keys is [var key]
            ? new KeyFile(KeyFileKind.Plain, key)
            : throw new InvalidDataException($"{path}: expected one key or a ZeroMQ certificate, found {keys.Count} keys");
    }
}
