using NetMQ;

namespace Hydra.Security;

/// <summary>
/// A CurveZMQ key pair in Z85 text (40 characters each). The router's pair encrypts both its
/// ports; a peer's pair encrypts its side and, when the router keeps an allow-list, proves who it is.
/// </summary>
public sealed record CurveKeyPair(string PublicKey, string SecretKey)
{
    /// <summary>Extension of the file holding the secret key.</summary>
    public const string SecretExtension = ".key";
    /// <summary>Extension of the file holding the public key.</summary>
    public const string PublicExtension = ".pub";

    /// <summary>A fresh random key pair.</summary>
    public static CurveKeyPair Generate()
    {
        var certificate = new NetMQCertificate();
        return new CurveKeyPair(certificate.PublicKeyZ85, certificate.SecretKeyZ85!);
    }

    /// <summary>The pair that belongs to a secret key.</summary>
    /// <exception cref="ArgumentException">Not a 40-character Z85 key.</exception>
    public static CurveKeyPair FromSecretKey(string secretKey)
    {
        CheckKey(secretKey, "secret key");
        return new CurveKeyPair(NetMQCertificate.CreateFromSecretKey(secretKey).PublicKeyZ85, secretKey);
    }

    /// <summary>Raw 32 bytes of a Z85 public key.</summary>
    public static byte[] DecodePublic(string publicKey) => NetMQCertificate.FromPublicKey(publicKey).PublicKey;

    /// <summary>Raw 32 bytes of a Z85 secret key.</summary>
    public static byte[] DecodeSecret(string secretKey) => NetMQCertificate.CreateFromSecretKey(secretKey).SecretKey!;

    /// <summary>Throws a clear error unless <paramref name="key"/> is a 40-character Z85 key.</summary>
    public static void CheckKey(string key, string what)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (KeyProblem(key, what) is { } problem)
        {
            throw new ArgumentException(problem, nameof(key));
        }
    }

    private static string? KeyProblem(string key, string what)
    {
        const string Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
        return key.Length == 40 && key.All(c => Z85.Contains(c, StringComparison.Ordinal))
            ? null
            : $"the {what} must be 40 characters of Z85 text (as 'hydra keygen' writes), got {key.Length} characters";
    }

    /// <summary>Writes <c>{pathPrefix}.key</c> (secret, readable by the owner only) and <c>{pathPrefix}.pub</c>.</summary>
    /// <returns>The two paths written.</returns>
    public (string SecretFile, string PublicFile) Save(string pathPrefix)
    {
        var secretFile = pathPrefix + SecretExtension;
        var publicFile = pathPrefix + PublicExtension;
        File.WriteAllText(secretFile, SecretKey + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(publicFile, PublicKey + "\n");
        return (secretFile, publicFile);
    }

    /// <summary>Reads a key file (one Z85 key; blank lines and <c>#</c> comments are ignored).</summary>
    /// <exception cref="InvalidDataException">The file holds no valid key.</exception>
    public static string ReadKeyFile(string path) =>
        ReadKeysFile(path) is [var key] ? key : throw new InvalidDataException($"{path}: expected exactly one key");

    /// <summary>Reads a file of Z85 keys, one per line; blank lines and <c>#</c> comments are ignored.</summary>
    /// <exception cref="InvalidDataException">A line is not a valid key; the message names the line.</exception>
    public static IReadOnlyList<string> ReadKeysFile(string path)
    {
        var keys = new List<string>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            var problem = KeyProblem(line, "key");
            // '#' is also a Z85 digit: a line starting with it is a comment unless it is a key.
            if (line.Length == 0 || (line.StartsWith('#') && problem is not null))
            {
                continue;
            }
            if (problem is not null)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {problem}");
            }
            keys.Add(line);
        }
        return keys;
    }
}
