using System.Text;

namespace Hydra.Security;

public sealed partial record KeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Writes <c>{pathPrefix}.key</c> (the secret certificate, readable by the owner only from the
    /// moment it exists) and <c>{pathPrefix}.pub</c> (the public certificate).
    /// </summary>
    /// <param name="pair">The keys.</param>
    /// <param name="pathPrefix">Path and name without extension.</param>
    /// <param name="overwrite">Replace existing files (each replaced in one rename, never written through a link).</param>
    /// <returns>The two paths written.</returns>
    /// <exception cref="IOException">A file exists and <paramref name="overwrite"/> is false (nothing is written
    /// and nothing is changed), or a file cannot be written.</exception>
    public static (string SecretFile, string PublicFile) WritePair(CurveKeyPair pair, string pathPrefix, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var secretFile = pathPrefix + SecretExtension;
        var publicFile = pathPrefix + PublicExtension;
        var now = DateTime.Now;
        var secretText = ZCertificate.Format(pair, withSecret: true, now);
        var publicText = ZCertificate.Format(pair, withSecret: false, now);
        if (overwrite)
        {
            Replace(secretFile, secretText, OwnerOnly);
            Replace(publicFile, publicText, Readable);
            return (secretFile, publicFile);
        }
        // CreateNew fails if the file exists, so nothing between a caller's check and here can be overwritten.
        CreateNew(secretFile, secretText, OwnerOnly);
        try
        {
            CreateNew(publicFile, publicText, Readable);
        }
        catch
        {
            File.Delete(secretFile); // ours: without its public half it would only mislead
            throw;
        }
        return (secretFile, publicFile);
    }

    /// <summary>Creates the file with its final permissions in the same call (no moment where others may read it).</summary>
    private static void CreateNew(string path, string text, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new IOException($"{path} already exists", e);
        }
        try
        {
            using (stream)
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            File.Delete(path); // ours, and incomplete
            throw;
        }
    }

    /// <summary>Writes a new file beside the old one, then renames it over the old one.</summary>
    private static void Replace(string path, string text, UnixFileMode mode)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        CreateNew(temporary, text, mode);
        try
        {
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
