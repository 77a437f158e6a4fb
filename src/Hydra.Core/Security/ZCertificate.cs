using System.Globalization;

namespace Hydra.Security;

/// <summary>
/// ZeroMQ certificates as czmq's zcert writes them, in ZPL (RFC 4): comment lines, then a
/// <c>metadata</c> section and a <c>curve</c> section holding <c>public-key = "…"</c> and, in a
/// secret certificate, <c>secret-key = "…"</c>. pyzmq's <c>zmq.auth.load_certificate</c> reads them.
/// </summary>
internal static class ZCertificate
{
    private const string Curve = "curve";
    private const string PublicKeyName = "public-key";
    private const string SecretKeyName = "secret-key";

    /// <summary>True when the lines are a certificate rather than a plain key file.</summary>
    public static bool IsCertificate(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim()).Any(l => l is Curve or "metadata"
            || l.StartsWith(PublicKeyName, StringComparison.Ordinal) || l.StartsWith(SecretKeyName, StringComparison.Ordinal));

    /// <summary>The certificate's text: a secret certificate when <paramref name="withSecret"/>, else a public one.</summary>
    public static string Format(CurveKeyPair pair, bool withSecret, DateTime generated)
    {
        var stamp = generated.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var banner = withSecret
            ? """
              #   ZeroMQ CURVE **Secret** Certificate
              #   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.
              """
            : """
              #   ZeroMQ CURVE Public Certificate
              #   Exchange securely, or use a secure mechanism to verify the contents
              #   of this file after exchange.
              """;
        var secretLine = withSecret ? $"    {SecretKeyName} = \"{pair.SecretKey}\"\n" : "";
        return $"#   ****  Generated on {stamp} by hydra keygen  ****\n{banner}\n\nmetadata\n{Curve}\n    {PublicKeyName} = \"{pair.PublicKey}\"\n{secretLine}";
    }

    /// <summary>Reads the keys of a certificate.</summary>
    /// <exception cref="InvalidDataException">A key is missing or invalid, or the public key does not belong to the secret key.</exception>
    public static KeyFile Parse(string path, IReadOnlyList<string> lines)
    {
        string? section = null;
        (string Key, int Line)? publicKey = null, secretKey = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].TrimEnd();
            var text = line.TrimStart();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }
            var (name, value) = NameAndValue(text);
            if (text.Length == line.Length)
            {
                section = name; // not indented: a section such as "metadata" or "curve"
            }
            else if (section == Curve && name is PublicKeyName or SecretKeyName)
            {
                var what = name == PublicKeyName ? "public key" : "secret key";
                if (CurveKeyPair.KeyProblem(value, what) is { } problem)
                {
                    throw new InvalidDataException($"{path}:{i + 1}: {problem}");
                }
                if (name == PublicKeyName)
                {
                    publicKey = (value, i + 1);
                }
                else
                {
                    secretKey = (value, i + 1);
                }
            }
        }
        if (publicKey is not { } found)
        {
            throw new InvalidDataException($"{path}: a ZeroMQ certificate must have a curve section with a {PublicKeyName}");
        }
        if (secretKey is not { } secret)
        {
            return new KeyFile(KeyFileKind.Public, found.Key);
        }
        return CurveKeyPair.FromSecretKey(secret.Key).PublicKey == found.Key
            ? new KeyFile(KeyFileKind.Secret, secret.Key)
            : throw new InvalidDataException($"{path}:{found.Line}: this {PublicKeyName} does not belong to the {SecretKeyName} on line {secret.Line}");
    }

    /// <summary>Splits <c>name = "value"</c>; the value loses its quotes (ZPL allows ' and ").</summary>
    private static (string Name, string Value) NameAndValue(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return (text, "");
        }
        var value = text[(equals + 1)..].Trim();
        if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
        {
            value = value[1..^1];
        }
        return (text[..equals].Trim(), value);
    }
}
